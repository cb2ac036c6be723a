/**
 * What the benchmark measures in Chromium, the same way for Keydeck and for its floors: every
 * measure is taken in the page (performance.now), waiting on the DOM with a MutationObserver (no
 * polling delay), so Playwright's round trips are never in a figure.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';

/**
 * Installed before any page script: the time the first key row (`[data-key-id]`) enters the DOM,
 * counted from navigation start; and helpers to wait for a DOM condition and for the next frame.
 */
const HARNESS = `
window.__name = (f) => f;
(() => {
  const seen = () => { if (window.__firstRowAt === undefined && document.querySelector('[data-key-id]')) window.__firstRowAt = performance.now(); return window.__firstRowAt !== undefined; };
  const mo = new MutationObserver(() => { if (seen()) mo.disconnect(); });
  mo.observe(document, { subtree: true, childList: true });
  window.__until = (ok, timeoutMs) => new Promise((resolve) => {
    if (ok()) return resolve(true);
    let timer;
    const m = new MutationObserver(() => { if (ok()) { m.disconnect(); clearTimeout(timer); resolve(true); } });
    m.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    if (timeoutMs) timer = setTimeout(() => { m.disconnect(); resolve(false); }, timeoutMs);
  });
  window.__painted = () => new Promise((r) => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => r(); ch.port2.postMessage(0); }));
})();
`;

type PageHelpers = {
  __firstRowAt?: number;
  __until: (ok: () => boolean, timeoutMs?: number) => Promise<boolean>;
  __painted: () => Promise<void>;
};

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: HARNESS });
  return context;
}

/** A fresh context each time: navigation start → the first key row in the DOM. */
export async function coldLoads(browser: Browser, url: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as PageHelpers).__firstRowAt !== undefined, null, {
        timeout: 120_000,
        polling: 50,
      });
      times.push(await page.evaluate(() => (window as unknown as PageHelpers).__firstRowAt ?? Number.NaN));
    } finally {
      await context.close();
    }
  }
  return times;
}

export interface Timing {
  dom: number;
  paint: number;
}

export interface SwitchTarget {
  name: string;
  /** The ids of this organization's keys (both environments): its rows, not the previous one's (empty: any row). */
  ids: string[];
}

/**
 * Clicks sidebar organizations in turn: click → `#org-title` names it and the first key row is one
 * of its keys (DOM), then → the next frame. Each measure starts just after a frame.
 */
export async function switches(page: Page, targets: SwitchTarget[]): Promise<{ times: Timing[]; missing: number }> {
  return page.evaluate(async (list) => {
    const w = window as unknown as PageHelpers;
    const times: { dom: number; paint: number }[] = [];
    let missing = 0;
    for (const t of list) {
      const ids = new Set(t.ids);
      const button = [...document.querySelectorAll<HTMLButtonElement>('nav .org-button')].find(
        (b) => b.querySelector('.org-name')?.firstChild?.textContent?.trim() === t.name,
      );
      if (!button) {
        missing += 1;
        continue;
      }
      await w.__painted();
      const started = performance.now();
      button.click();
      const ok = await w.__until(
        () =>
          document.querySelector('#org-title')?.textContent === t.name &&
          (ids.size === 0
            ? document.querySelector('[data-key-id]') !== null
            : ids.has(document.querySelector('[data-key-id]')?.getAttribute('data-key-id') ?? '')),
        30_000,
      );
      const dom = ok ? performance.now() - started : Number.NaN;
      await w.__painted();
      times.push({ dom, paint: ok ? performance.now() - started : Number.NaN });
    }
    return { times, missing };
  }, targets);
}

/**
 * Keystrokes in the filter over all keys: input event → the list showing that very filter (the
 * `data-applied-filter` its status sets in the same render as the rows), then → the next frame.
 */
export async function filters(page: Page, words: string[]): Promise<Timing[]> {
  return page.evaluate(async (list) => {
    const w = window as unknown as PageHelpers;
    const input = document.querySelector<HTMLInputElement>('.usage-filters input');
    const applied = () =>
      document.querySelector('.usage-filters [role="status"]')?.getAttribute('data-applied-filter') ?? '';
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    const times: { dom: number; paint: number }[] = [];
    for (const word of list) {
      await w.__painted();
      const started = performance.now();
      setter?.call(input, word);
      input?.dispatchEvent(new Event('input', { bubbles: true }));
      const ok = await w.__until(() => applied() === word.trim().toLowerCase(), 60_000);
      const dom = ok ? performance.now() - started : Number.NaN;
      await w.__painted();
      times.push({ dom, paint: ok ? performance.now() - started : Number.NaN });
    }
    return times;
  }, words);
}

/** The words typed, one keystroke each (typing, then deleting), ending on the empty filter. */
export const FILTER_WORDS = [
  's',
  'se',
  'ser',
  'serv',
  'servi',
  'service',
  'service 1',
  'service 12',
  'service 1',
  'service',
  'live',
  'live s',
  'test',
  'test s',
  'org 0',
  'org 00',
  'org 000',
  'org 0001',
  'org 000',
  'or',
  'o',
  '',
];

/**
 * Keydeck's Refresh all, as a person presses it: the Overview's button, click → the progress status
 * reading "N of N refreshed". A fresh browser context each run (so no earlier run's status is on
 * screen). `ms` is NaN with a note when it did not finish within `timeoutMs` (or the Overview never
 * opened, or the page failed); throws when a list could not be reached.
 */
export async function uiRefresh(
  browser: Browser,
  url: string,
  total: number,
  timeoutMs: number,
): Promise<{ ms: number; note?: string }> {
  // A new context each run: the app remembers its last view, and the Overview has no key rows.
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const failed = (what: string) => ({
    ms: Number.NaN,
    note: `${what}${errors.length ? ` (page error: ${errors[0]})` : ''}`,
  });
  try {
    await page.goto(url);
    if (!(await waitFor(page, '[data-key-id]', timeoutMs))) return failed(`no key row within ${timeoutMs} ms`);
    await page.getByRole('button', { name: 'Overview' }).click();
    const opened = performance.now();
    if (!(await waitFor(page, '[data-testid="usage-summary"]', timeoutMs)))
      return failed(`the Overview did not open within ${timeoutMs} ms`);
    const openMs = performance.now() - opened;
    // Let the first screen's own background work settle, as it has before a person reaches the button.
    await page.waitForTimeout(1500);
    const result = await page.evaluate(
      async ({ n, limit }) => {
        const w = window as unknown as PageHelpers;
        const button = [...document.querySelectorAll<HTMLButtonElement>('button')].find(
          (b) => b.textContent?.trim() === 'Refresh all',
        );
        if (!button) return { ms: Number.NaN, text: 'no Refresh all button' };
        const status = () => document.querySelector('.refresh-progress[role="status"]')?.textContent ?? '';
        await w.__painted();
        const started = performance.now();
        button.click();
        const ok = await w.__until(() => status().includes(`${n} of ${n} refreshed`), limit);
        return { ms: ok ? performance.now() - started : Number.NaN, text: status() };
      },
      { n: total, limit: timeoutMs },
    );
    if (result.text.includes('could not be reached')) throw new Error(`UI Refresh all: ${result.text}`);
    if (Number.isNaN(result.ms)) return failed(`did not finish within ${timeoutMs} ms (status: "${result.text}")`);
    return { ms: result.ms, note: `Overview opened in ${openMs.toFixed(0)} ms` };
  } finally {
    await context.close();
  }
}

/** Waits for a selector; false (not a throw) when it does not appear in time. */
export async function waitFor(page: Page, selector: string, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForSelector(selector, { timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}
