/** Types of scripts/icons.mjs, for its tests. */
export const SOURCE: string;
export const OUT_DIR: string;
export const PNG_SIZES: number[];
export const ICO_SIZES: number[];
export const ICNS_TYPES: [string, number][];
export interface RenderedIcon {
  png: Buffer;
  /** RGBA, premultiplied (as resvg gives it). */
  rgba: Buffer;
  size: number;
}
export function render(svg: string, size: number): RenderedIcon;
export function encodeIco(images: RenderedIcon[]): Buffer;
export function encodeIcns(entries: [string, Buffer][]): Buffer;
export function buildIcons(options?: { source?: string; outDir?: string }): string[];
