/**
 * Copies text: the async Clipboard API when the page may use it (https, focused document), else a
 * hidden textarea and document.execCommand("copy"), which still works in older hosts and iframes
 * without the clipboard-write permission. Resolves to whether the text was copied; never rejects.
 */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator?.clipboard;
  if (clipboard && typeof clipboard.writeText === "function") {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      /* permission denied or not focused: try the fallback */
    }
  }
  return fallbackCopy(text, doc);
}

export function fallbackCopy(text: string, doc: Document = document): boolean {
  const active = doc.activeElement as HTMLElement | null;
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.setAttribute("aria-hidden", "true");
  area.style.position = "fixed";
  area.style.top = "0";
  area.style.left = "0";
  area.style.opacity = "0";
  area.style.pointerEvents = "none";
  doc.body.appendChild(area);
  let copied = false;
  try {
    area.focus({ preventScroll: true });
    area.select();
    copied = typeof doc.execCommand === "function" && doc.execCommand("copy");
  } catch {
    copied = false;
  } finally {
    area.remove();
    if (active && typeof active.focus === "function") active.focus({ preventScroll: true });
  }
  return copied;
}
