/**
 * The form's libraries (FormXml formLibraries), loaded from /WebResources/<name> (the zip's bytes)
 * in the listed order, each once per page as the client caches them. Handlers are then looked up
 * by their functionName on the global object when their event fires (../xrm/form.ts).
 */
import { h } from "../dom";

const loaded = new Map<string, Promise<void>>();

export const webResourceUrl = (name: string): string => `/WebResources/${name.split("/").map(encodeURIComponent).join("/")}`;

function load(name: string): Promise<void> {
  let p = loaded.get(name);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const script = h("script", { src: webResourceUrl(name) });
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`The web resource ${name} could not be loaded.`));
      document.head.appendChild(script);
    });
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

/** Loads every library in order; a library that fails is reported and the others still load. */
export async function loadLibraries(names: readonly string[], report: (message: string) => void): Promise<void> {
  for (const name of names) {
    try {
      await load(name);
    } catch (e) {
      report((e as Error).message);
    }
  }
}
