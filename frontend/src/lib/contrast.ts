/**
 * WCAG 2.1 contrast (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio) between two opaque
 * colours given as #rgb, #rrggbb or rgb()/rgba() with an alpha of 1.
 */

/** Normal text needs 4.5:1 under WCAG 2.1 AA (1.4.3). */
export const AA_NORMAL_TEXT = 4.5;

export function parseColor(color: string): [number, number, number] {
  const value = color.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(value)?.[1];
  if (hex !== undefined) {
    const full = hex.length === 3 ? hex.replace(/./g, '$&$&') : hex;
    return [0, 2, 4].map((start) => parseInt(full.slice(start, start + 2), 16)) as [
      number,
      number,
      number,
    ];
  }
  const functional =
    /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/.exec(value);
  if (functional && (functional[4] === undefined || Number(functional[4]) === 1)) {
    return [Number(functional[1]), Number(functional[2]), Number(functional[3])];
  }
  throw new Error(`Not an opaque colour: ${color}`);
}

/** Relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance(color: string): number {
  const [r, g, b] = parseColor(color).map((channel) => {
    const srgb = channel / 255;
    return srgb <= 0.04045 ? srgb / 12.92 : ((srgb + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** From 1 (same colour) to 21 (black on white); the order of the two does not matter. */
export function contrastRatio(foreground: string, background: string): number {
  const a = relativeLuminance(foreground);
  const b = relativeLuminance(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
