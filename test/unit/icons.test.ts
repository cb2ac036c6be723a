import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIcons, encodeIcns, ICNS_TYPES, ICO_SIZES, PNG_SIZES, render, SOURCE } from '../../scripts/icons.mjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Width and height from a PNG's IHDR. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

const out = mkdtempSync(join(tmpdir(), 'keydeck-icons-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const written = buildIcons({ outDir: out });

describe('icons from build/icon.svg', () => {
  it('writes a PNG per Linux size, the 512 px window icon, the .ico and the .icns', () => {
    expect(written.map((f) => relative(out, f)).sort()).toEqual(
      [...PNG_SIZES.map((s) => join('png', `${s}x${s}.png`)), 'icon.png', 'icon.ico', 'icon.icns'].sort(),
    );
    for (const size of PNG_SIZES)
      expect(pngSize(readFileSync(join(out, 'png', `${size}x${size}.png`)))).toEqual([size, size]);
    expect(pngSize(readFileSync(join(out, 'icon.png')))).toEqual([512, 512]);
  });

  it('the mark is drawn: transparent corners, an opaque centre', () => {
    const { rgba, size } = render(readFileSync(SOURCE, 'utf8'), 64);
    const alpha = (x: number, y: number) => rgba[(y * size + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(size - 1, size - 1)).toBe(0);
    expect(alpha(size / 2, size / 2)).toBe(255);
  });

  it('the .ico lists every size; BMP below 256 (un-premultiplied, bottom-up), PNG at 256', () => {
    const ico = readFileSync(join(out, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    const svg = readFileSync(SOURCE, 'utf8');
    ICO_SIZES.forEach((size, i) => {
      const at = 6 + 16 * i;
      expect(ico.readUInt8(at)).toBe(size % 256);
      expect(ico.readUInt16LE(at + 6)).toBe(32);
      const length = ico.readUInt32LE(at + 8);
      const data = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + length);
      expect(data.length).toBe(length);
      if (size === 256) {
        expect(pngSize(data)).toEqual([256, 256]);
        return;
      }
      expect([data.readUInt32LE(0), data.readInt32LE(4), data.readInt32LE(8), data.readUInt16LE(14)]).toEqual([
        40,
        size,
        size * 2,
        32,
      ]);
      expect(length).toBe(40 + size * size * 4 + Math.ceil(size / 32) * 4 * size);
      // The centre pixel matches the rendered one (top-down RGBA premultiplied → bottom-up BGRA straight).
      const { rgba } = render(svg, size);
      const x = Math.floor(size / 2);
      const y = Math.floor(size / 3);
      const from = (y * size + x) * 4;
      const to = 40 + ((size - 1 - y) * size + x) * 4;
      const a = rgba[from + 3]!;
      expect(data[to + 3]).toBe(a);
      if (a === 255)
        expect([data[to + 2], data[to + 1], data[to]]).toEqual([rgba[from], rgba[from + 1], rgba[from + 2]]);
    });
  });

  it('the .icns holds a PNG of the right size under each type, lengths adding up', () => {
    const icns = readFileSync(join(out, 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let at = 8; at < icns.length;) {
      const type = icns.toString('ascii', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      found.push([type, pngSize(icns.subarray(at + 8, at + length))[0]]);
      at += length;
    }
    expect(found).toEqual(ICNS_TYPES);
  });

  it('encodeIcns is the plain container format', () => {
    const png = Buffer.from('PNGDATA');
    const icns = encodeIcns([['ic07', png]]);
    expect(icns.toString('hex')).toBe(
      `${Buffer.from('icns').toString('hex')}00000017${Buffer.from('ic07').toString('hex')}0000000f${png.toString('hex')}`,
    );
  });
});
