/** Small helpers shared by the check rules. */
import { missingDependencies } from "../solution/components";
import type { XmlElement } from "../solution/xml";

/** `<Tag a="x" b="y">` for messages, with the given attributes (or the first two the element has). */
export function tag(e: XmlElement, ...names: string[]): string {
  const pick = names.length ? e.attrs.filter(([k]) => names.includes(k)) : e.attrs.slice(0, 2);
  return `<${e.name}${pick.map(([k, v]) => ` ${k}="${v}"`).join("")}>`;
}

/** Publisher-prefixed names look like `abc_…`; names without one are platform resources. */
export const prefixOf = (name: string): string | undefined => /^([A-Za-z0-9]+)_/.exec(name)?.[1];

export { missingDependencies };
