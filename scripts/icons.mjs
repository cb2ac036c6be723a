#!/usr/bin/env node
// App icons for the three platforms from one source, at build time (`npm run dist` runs this before
// electron-builder): build/icon.svg → build/icons/png/<n>x<n>.png (Linux, and the window and About
// icon), build/icons/icon.ico (Windows), build/icons/icon.icns (macOS). The output is not committed.
//
// SVG → PNG is @resvg/resvg-js (prebuilt, no native build step). The .ico and .icns containers are
// simple enough to write here: an .ico holds BMP images (PNG for 256, which NSIS and Explorer read),
// an .icns holds PNG images under four-letter types.
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE = join(ROOT, 'build', 'icon.svg');
export const OUT_DIR = join(ROOT, 'build', 'icons');

/** Linux icon sizes (hicolor theme) and the sizes the .ico and .icns are made of. */
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS types holding PNG data, by pixel size (the @2x types reuse the same pixels). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

/** Renders the SVG square at `size` pixels: `{ png, rgba }` (rgba premultiplied, as resvg gives it). */
export function render(svg, size) {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render();
  if (image.width !== size || image.height !== size)
    throw new Error(`icon source is not square: ${image.width}x${image.height} at ${size}`);
  return { png: image.asPng(), rgba: Buffer.from(image.pixels), size };
}

/** A 32-bit BMP (as an .ico stores it: height doubled, bottom-up BGRA, then the 1-bit AND mask). */
function icoBitmap({ rgba, size }) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4;
      const a = rgba[from + 3];
      // resvg's pixels are premultiplied; a BMP's are not.
      const straight = (c) => (a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a)));
      pixels[to] = straight(rgba[from + 2]);
      pixels[to + 1] = straight(rgba[from + 1]);
      pixels[to + 2] = straight(rgba[from]);
      pixels[to + 3] = a;
    }
  }
  // All zero: the alpha channel decides; the mask only has to be there.
  const mask = Buffer.alloc(Math.ceil(size / 32) * 4 * size);
  return Buffer.concat([header, pixels, mask]);
}

/** An .ico from rendered images: BMP entries below 256 px, a PNG entry at 256. */
export function encodeIco(images) {
  const entries = images.map((image) => ({ size: image.size, data: image.size >= 256 ? image.png : icoBitmap(image) }));
  const head = Buffer.alloc(6 + 16 * entries.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(entries.length, 4);
  let offset = head.length;
  entries.forEach(({ size, data }, i) => {
    const at = 6 + 16 * i;
    head.writeUInt8(size >= 256 ? 0 : size, at);
    head.writeUInt8(size >= 256 ? 0 : size, at + 1);
    head.writeUInt16LE(1, at + 4);
    head.writeUInt16LE(32, at + 6);
    head.writeUInt32LE(data.length, at + 8);
    head.writeUInt32LE(offset, at + 12);
    offset += data.length;
  });
  return Buffer.concat([head, ...entries.map((e) => e.data)]);
}

/** An .icns: 'icns', the total length, then (type, length including its 8-byte header, PNG) per entry. */
export function encodeIcns(entries) {
  const chunks = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** Renders every size and writes the PNGs, the .ico and the .icns under `outDir`; returns the files written. */
export function buildIcons({ source = SOURCE, outDir = OUT_DIR } = {}) {
  const svg = readFileSync(source, 'utf8');
  const images = new Map(PNG_SIZES.map((size) => [size, render(svg, size)]));
  const written = [];
  const write = (file, data) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    written.push(file);
  };
  for (const [size, image] of images) write(join(outDir, 'png', `${size}x${size}.png`), image.png);
  write(join(outDir, 'icon.png'), images.get(512).png);
  write(join(outDir, 'icon.ico'), encodeIco(ICO_SIZES.map((size) => images.get(size))));
  write(join(outDir, 'icon.icns'), encodeIcns(ICNS_TYPES.map(([type, size]) => [type, images.get(size).png])));
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = buildIcons();
  console.log(`icons: ${written.length} files from build/icon.svg in build/icons/`);
}
