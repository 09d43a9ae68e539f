/** Stroke paths (16×16 viewBox) for the status and outcome icons; drawn in currentColor by CSS. */
const RING = "M8 1.75a6.25 6.25 0 1 0 0 12.5a6.25 6.25 0 1 0 0-12.5z";

export const ICONS = {
  success: [RING, "M5.1 8.3l2 2 3.9-4.3"],
  error: [RING, "M5.9 5.9l4.2 4.2M10.1 5.9l-4.2 4.2"],
  pending: [RING, "M8 4.6V8l2.3 1.6"],
  none: [RING, "M5.4 8h5.2"],
  unknown: [RING, "M6.3 6.3a1.75 1.75 0 1 1 2.5 1.6c-.5.25-.8.6-.8 1.1v.4", "M8 11.2v.1"],
  info: [RING, "M8 7.3v3.6", "M8 5v.1"],
  skipped: [RING, "M5 8h5.4M8.6 5.9L10.7 8l-2.1 2.1"],
  external: ["M9.5 2.5h4v4", "M13.5 2.5L7.5 8.5", "M12 9.5v3.25c0 .4-.35.75-.75.75h-8c-.4 0-.75-.35-.75-.75v-8c0-.4.35-.75.75-.75H6.5"],
  copy: ["M5.5 5.5h7v8h-7z", "M3.5 10.5v-8h7"],
  chevron: ["M4.5 6.25L8 9.75l3.5-3.5"],
} as const;

/**
 * The icon as a CSS url() of an SVG data URI, for use as a mask (drawn in currentColor by CSS with
 * background-color). Lets a long list show icons without any SVG nodes per row.
 */
export function iconMaskUrl(paths: readonly string[]): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" fill="none" stroke="#000" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">` +
    paths.map((d) => `<path d="${d}"/>`).join("") +
    `</svg>`;
  return `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
}
