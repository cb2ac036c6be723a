import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WINDOW_BACKGROUND, windowBackground } from '../../electron/app/theme.js';
import {
  loadWindowState,
  parseWindowState,
  restoreWindowState,
  windowStateSaver,
  type Rect,
  type WindowState,
} from '../../electron/app/window-state.js';

const SIZES = { width: 1200, height: 800, minWidth: 760, minHeight: 520 };
const LAPTOP: Rect = { x: 0, y: 0, width: 1440, height: 875 };
/** An external display to the right of the laptop. */
const EXTERNAL: Rect = { x: 1440, y: -200, width: 2560, height: 1415 };

const state = (bounds: Rect, maximized = false): WindowState => ({ bounds, maximized });

describe('restoreWindowState', () => {
  it('first start: the default size, centred on the primary display', () => {
    expect(restoreWindowState(undefined, [LAPTOP, EXTERNAL], SIZES)).toEqual(
      state({ x: 120, y: 38, width: 1200, height: 800 }),
    );
  });

  it('a window that fits where it was opens exactly there, maximized or not', () => {
    const saved = state({ x: 1700, y: 0, width: 1600, height: 1000 }, true);
    expect(restoreWindowState(saved, [LAPTOP, EXTERNAL], SIZES)).toEqual(saved);
  });

  it('the display it was on has been unplugged: centred on the primary display, shrunk to fit it', () => {
    const saved = state({ x: 1700, y: 0, width: 1600, height: 1000 }, true);
    expect(restoreWindowState(saved, [LAPTOP], SIZES)).toEqual(state({ x: 0, y: 0, width: 1440, height: 875 }, true));
    const small = state({ x: 3000, y: 400, width: 900, height: 600 });
    expect(restoreWindowState(small, [LAPTOP], SIZES)).toEqual(state({ x: 270, y: 138, width: 900, height: 600 }));
  });

  it('partly off screen: moved back fully inside the display showing most of its title bar', () => {
    expect(restoreWindowState(state({ x: 1000, y: 300, width: 1000, height: 700 }), [LAPTOP, EXTERNAL], SIZES)).toEqual(
      state({ x: 1440, y: 300, width: 1000, height: 700 }),
    );
    expect(restoreWindowState(state({ x: -500, y: -30, width: 1000, height: 700 }), [LAPTOP], SIZES)).toEqual(
      state({ x: 0, y: 0, width: 1000, height: 700 }),
    );
  });

  it('only a sliver of the title bar visible counts as off screen', () => {
    // 50 px of width on the laptop: not enough to grab.
    expect(restoreWindowState(state({ x: 1390, y: 1200, width: 900, height: 600 }), [LAPTOP], SIZES).bounds).toEqual({
      x: 270,
      y: 138,
      width: 900,
      height: 600,
    });
    // The title bar below the bottom edge, the rest further down: off screen.
    expect(restoreWindowState(state({ x: 100, y: 880, width: 900, height: 600 }), [LAPTOP], SIZES).bounds).toEqual({
      x: 270,
      y: 138,
      width: 900,
      height: 600,
    });
  });

  it('never smaller than the layout’s minimum, even from a tiny saved size', () => {
    expect(restoreWindowState(state({ x: 10, y: 10, width: 200, height: 100 }), [LAPTOP], SIZES).bounds).toEqual({
      x: 10,
      y: 10,
      width: 760,
      height: 520,
    });
  });

  it('a lower resolution than before: resized to the work area', () => {
    expect(
      restoreWindowState(
        state({ x: 0, y: 0, width: 2400, height: 1300 }),
        [{ x: 0, y: 0, width: 1280, height: 720 }],
        SIZES,
      ).bounds,
    ).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
  });

  it('no display reported at all (headless): keeps the size, places nothing', () => {
    expect(restoreWindowState(undefined, [], SIZES)).toEqual(state({ x: 0, y: 0, width: 1200, height: 800 }));
  });
});

describe('parseWindowState', () => {
  it.each([
    ['null', null],
    ['a string', 'big'],
    ['no bounds', { maximized: true }],
    ['a missing field', { bounds: { x: 0, y: 0, width: 10 } }],
    ['NaN', { bounds: { x: Number.NaN, y: 0, width: 10, height: 10 } }],
    ['a string number', { bounds: { x: '0', y: 0, width: 10, height: 10 } }],
    ['a zero size', { bounds: { x: 0, y: 0, width: 0, height: 10 } }],
    ['a huge value', { bounds: { x: 1e12, y: 0, width: 10, height: 10 } }],
  ])('refuses %s', (_name, value) => {
    expect(parseWindowState(value)).toBeUndefined();
  });

  it('rounds and reads maximized as a strict boolean', () => {
    expect(parseWindowState({ bounds: { x: 1.4, y: -2.6, width: 800.5, height: 600 }, maximized: 'yes' })).toEqual(
      state({ x: 1, y: -3, width: 801, height: 600 }),
    );
  });
});

describe('windowStateSaver and loadWindowState', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-window-'));
    dirs.push(dir);
    return join(dir, 'profile', 'window-state.json');
  };

  it('writes once, the latest state, after the burst of moves settles', async () => {
    vi.useFakeTimers();
    const path = file();
    const saver = windowStateSaver(path, 500);
    for (let x = 0; x < 20; x++) saver.save(state({ x, y: 0, width: 900, height: 600 }));
    expect(loadWindowState(path)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(499);
    expect(loadWindowState(path)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    vi.useRealTimers();
    await saver.flush();
    expect(loadWindowState(path)).toEqual(state({ x: 19, y: 0, width: 900, height: 600 }));
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['window-state.json']);
  });

  it('flush (on close) writes at once', async () => {
    const path = file();
    const saver = windowStateSaver(path, 60_000);
    saver.save(state({ x: 5, y: 6, width: 900, height: 600 }, true));
    await saver.flush();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(state({ x: 5, y: 6, width: 900, height: 600 }, true));
  });

  it('a damaged file reads as no saved state; a failed write is swallowed', async () => {
    const path = file();
    await windowStateSaver(path).flush();
    const saver = windowStateSaver(path);
    saver.save(state({ x: 0, y: 0, width: 900, height: 600 }));
    await saver.flush();
    writeFileSync(path, '{"bounds":{"x":');
    expect(loadWindowState(path)).toBeUndefined();
    // The target is a folder now: the rename fails, quietly.
    rmSync(path);
    const blocked = windowStateSaver(join(path, '..', '..'));
    blocked.save(state({ x: 0, y: 0, width: 900, height: 600 }));
    await expect(blocked.flush()).resolves.toBeUndefined();
  });
});

describe('the window colour before the page paints', () => {
  it("matches the page's --bg token in each theme", () => {
    const css = readFileSync('renderer/styles.css', 'utf8');
    const [light, dark] = [...css.matchAll(/--bg:\s*(#[0-9a-fA-F]{6})/g)].map((m) => m[1]?.toLowerCase());
    expect({ light, dark }).toEqual(WINDOW_BACKGROUND);
    expect(windowBackground(true)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground(false)).toBe(WINDOW_BACKGROUND.light);
  });
});
