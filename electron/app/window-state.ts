import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A rectangle in screen coordinates (Electron's `Rectangle`). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is remembered of the main window (`window-state.json` in the profile folder). */
export interface WindowState {
  /** The normal (unmaximized) bounds, so un-maximizing after a restart goes back to them. */
  bounds: Rect;
  maximized: boolean;
}

/** The size a first window gets, and the smallest the layout allows (main.ts's minWidth/minHeight). */
export interface WindowSizes {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** How much of the title bar must be on a display for the saved position to count as visible. */
const MIN_VISIBLE = { width: 120, height: 40 };

/** A saved state read back from JSON, or undefined when it is not one (a hand-edited or damaged file). */
export function parseWindowState(value: unknown): WindowState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { bounds, maximized } = value as { bounds?: unknown; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null) return undefined;
  const b = bounds as Record<string, unknown>;
  const numbers = [b.x, b.y, b.width, b.height];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < 1e6)) return undefined;
  const [x, y, width, height] = numbers.map((n) => Math.round(n as number)) as [number, number, number, number];
  if (width <= 0 || height <= 0) return undefined;
  return { bounds: { x, y, width, height }, maximized: maximized === true };
}

function overlap(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

/** `bounds` resized to fit `area` (never below the minimum) and moved fully inside it. */
function fitInto(bounds: Rect, area: Rect, sizes: WindowSizes): Rect {
  const width = clamp(bounds.width, sizes.minWidth, area.width);
  const height = clamp(bounds.height, sizes.minHeight, area.height);
  return {
    x: clamp(bounds.x, area.x, area.x + area.width - width),
    y: clamp(bounds.y, area.y, area.y + area.height - height),
    width,
    height,
  };
}

function centred(area: Rect, width: number, height: number): Rect {
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * Where the window opens, given what was saved and the displays' work areas now (the primary
 * first). The saved bounds are kept on the display that shows most of their title bar, resized and
 * moved to fit it; when no display shows enough of it (the display it was on has been unplugged,
 * or the resolution changed), the window opens centred on the primary display at its saved size,
 * shrunk to fit. No saved state: the default size, centred on the primary display.
 */
export function restoreWindowState(
  saved: WindowState | undefined,
  workAreas: readonly Rect[],
  sizes: WindowSizes,
): WindowState {
  const primary = workAreas[0];
  const fallbackSize = { width: saved?.bounds.width ?? sizes.width, height: saved?.bounds.height ?? sizes.height };
  if (!primary) return { bounds: { x: 0, y: 0, ...fallbackSize }, maximized: saved?.maximized ?? false };
  if (!saved) return { bounds: fitInto(centred(primary, sizes.width, sizes.height), primary, sizes), maximized: false };
  // The title bar: what the person needs to see to drag the window back.
  const titleBar: Rect = { ...saved.bounds, height: Math.min(saved.bounds.height, MIN_VISIBLE.height) };
  let best: { area: Rect; visible: number } | undefined;
  for (const area of workAreas) {
    const shown = overlap(titleBar, area);
    const visible =
      shown && shown.width >= Math.min(MIN_VISIBLE.width, saved.bounds.width) ? shown.width * shown.height : 0;
    if (visible > (best?.visible ?? 0)) best = { area, visible };
  }
  const bounds = best
    ? fitInto(saved.bounds, best.area, sizes)
    : fitInto(centred(primary, saved.bounds.width, saved.bounds.height), primary, sizes);
  return { bounds, maximized: saved.maximized };
}

/** Reads `window-state.json`; a missing or damaged file means "no saved state", never an error. */
export function loadWindowState(file: string): WindowState | undefined {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/** A debounced writer of the window state: `save` on every move and resize, `flush` on close. */
export interface WindowStateSaver {
  save(state: WindowState): void;
  flush(): Promise<void>;
}

/**
 * Writes the latest state `delayMs` after the last change (moves and resizes come in bursts), via a
 * temporary file and a rename so a crash never leaves half a file. A failed write is ignored: the
 * window opens at the default size next time, which is all it costs.
 */
export function windowStateSaver(
  file: string,
  delayMs = 500,
  timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis,
): WindowStateSaver {
  let latest: WindowState | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const state = latest;
    latest = undefined;
    if (!state) return writing;
    writing = writing.then(async () => {
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const temp = `${file}.tmp`;
        await writeFile(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
        await rename(temp, file);
      } catch {
        // See above: losing the window's position is not worth an error.
      }
    });
    return writing;
  };

  return {
    save(state) {
      latest = state;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = timers.setTimeout(() => void write(), delayMs);
    },
    flush: write,
  };
}
