/**
 * `npm run bench:profile -- [KEYS] [DIR]`: CPU profiles of Keydeck at one scale (default 10,000 keys),
 * of the renderer (Chromium, CDP) and of the core (its own process, node:inspector) side by side, for
 * the paths the benchmark times: opening the Overview, Refresh all, switching organizations, and
 * filter keystrokes. Writes `<phase>.renderer.cpuprofile` and `<phase>.core.cpuprofile` to DIR
 * (default out/bench/profiles; open them in Chromium's DevTools) and prints each one's top
 * functions by self time. Like the benchmark, it asserts nothing. Run inside scripts/with-keyring.sh.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { FILTER_WORDS, filters, newContext, switches } from './browser.js';
import { buildBench } from './build.js';
import { spawnChild } from './pipe.js';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

const root = resolve(import.meta.dirname, '../..');
const KEYS = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(KEYS) || KEYS < 100 || KEYS % 100 !== 0) throw new Error('KEYS: a multiple of 100');
const OUT = resolve(process.argv[3] ?? join(root, 'out/bench/profiles'));
mkdirSync(OUT, { recursive: true });
const SERVICE = 'Keydeck Bench';
const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-profile-'));

/** Top functions by self time (ms). */
function top(profile: Profile, n: number): string[] {
  const self = new Map<number, number>();
  (profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop() ?? ''}:${node.callFrame.lineNumber}`;
    byFn.set(name, (byFn.get(name) ?? 0) + (self.get(node.id) ?? 0));
  }
  return [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms  ${name}`);
}

const { coreEntry } = await buildBench(root);
const renderer = join(root, 'out/bench/renderer');
rmSync(renderer, { recursive: true, force: true });
cpSync(join(root, 'out/renderer'), renderer, { recursive: true });
const sandbox = spawnChild(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts/bench/sandbox-child.ts')],
  {},
  'sandbox',
);
const startCore = () =>
  spawnChild(
    process.execPath,
    ['--expose-gc', coreEntry],
    { BENCH_CORE: JSON.stringify({ profileDir, urls, service: SERVICE }) },
    'core',
  );
const urls = (await sandbox.call<{ urls: Record<string, string> }>('start')).urls;
const seeded = await sandbox.call<{ admins: unknown[] }>('seed', { orgs: KEYS / 100, keysPerEnv: 50 });
let core = startCore();
try {
  await core.event('ready');
  await core.call('connect', { admins: seeded.admins }, 900_000);
  await core.call('refresh', {}, 900_000);
  await core.close();
  core = startCore();
  await core.event('ready');
  const { url } = await core.call<{ url: string }>('host', { rendererDir: renderer });
  await sandbox.call('latency', { ms: 50 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await (await newContext(browser)).newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const phase = async (name: string, run: () => Promise<void>) => {
    await cdp.send('Profiler.start');
    await core.call('profileStart');
    const t0 = performance.now();
    await run();
    const ms = performance.now() - t0;
    const { profile } = await cdp.send('Profiler.stop');
    const coreFile = join(OUT, `${name}.core.cpuprofile`);
    await core.call('profileStop', { file: coreFile });
    writeFileSync(join(OUT, `${name}.renderer.cpuprofile`), JSON.stringify(profile));
    process.stdout.write(
      `\n${name}: ${ms.toFixed(0)} ms\n  renderer:\n${top(profile, 12).join('\n')}\n  core:\n${top(JSON.parse(readFileSync(coreFile, 'utf8')) as Profile, 12).join('\n')}\n`,
    );
  };
  // The cold load's timeline: the page's own resources, each call's send and answer, the first row.
  await page.addInitScript({
    content: `window.__calls = []; const send = WebSocket.prototype.send; WebSocket.prototype.send = function (d) { try { const m = JSON.parse(String(d)); window.__calls.push({ id: m.id, channel: m.channel, sent: performance.now() }); this.addEventListener('message', (e) => { const c = window.__calls.find((x) => x.id === m.id); if (c && c.answered === undefined && String(e.data).startsWith('{"id":' + m.id + ',')) c.answered = performance.now(); }); } catch {} return send.call(this, d); };`,
  });
  await phase('cold-load', async () => {
    await page.goto(url);
    await page.waitForSelector('[data-key-id]', { timeout: 120_000 });
  });
  const timeline = await page.evaluate(() => {
    const w = window as unknown as {
      __firstRowAt?: number;
      __calls: { channel: string; sent: number; answered?: number }[];
    };
    const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
      (r) =>
        `${r.name.split('/').pop()?.split('#')[0] ?? r.name} ${r.startTime.toFixed(0)}–${r.responseEnd.toFixed(0)}`,
    );
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const calls = w.__calls
      .filter((c) => c.channel !== 'keys.cached')
      .map((c) => `${c.channel} ${c.sent.toFixed(0)}–${c.answered?.toFixed(0) ?? '…'}`);
    return {
      html: nav ? `${nav.responseEnd.toFixed(0)} (DOMContentLoaded ${nav.domContentLoadedEventEnd.toFixed(0)})` : '?',
      resources,
      calls,
      firstRow: w.__firstRowAt,
    };
  });
  process.stdout.write(
    `\ncold load (ms from navigation): html ${timeline.html}; ${timeline.resources.join('; ')}\n  calls: ${timeline.calls.join('; ')}\n  first key row: ${timeline.firstRow?.toFixed(0)}\n`,
  );
  await page.waitForTimeout(1500);
  // Refresh all in the core alone (shared/refresh.ts in the core process, as the benchmark's core figure).
  await phase('core-refresh', async () => {
    await core.call('refresh', {}, 600_000);
  });
  await phase('overview-open', async () => {
    await page.getByRole('button', { name: 'Overview' }).click();
    await page.waitForSelector('[data-testid="usage-summary"]', { timeout: 120_000 });
  });
  await page.waitForTimeout(1500);
  const n = (KEYS / 100) * 2;
  await phase('refresh-all', async () => {
    await page.getByRole('button', { name: 'Refresh all', exact: true }).click();
    await page.waitForFunction(
      (n) =>
        (document.querySelector('.refresh-progress[role="status"]')?.textContent ?? '').includes(
          `${n} of ${n} refreshed`,
        ),
      n,
      { timeout: 600_000, polling: 50 },
    );
  });
  await page.waitForTimeout(1500);
  // Filter and switch as the benchmark drives them (scripts/bench/browser.ts): in the page, so
  // Playwright's own queries are not in the renderer's profile.
  await phase('filter', async () => {
    await filters(page, FILTER_WORDS);
  });
  await sandbox.call('latency', { ms: 3000 });
  const names = await page.$$eval('nav .org-button .org-name', (els) =>
    els.slice(1, 31).map((e) => e.firstChild?.textContent?.trim() ?? ''),
  );
  await phase('switch', async () => {
    const { times } = await switches(
      page,
      names.map((name) => ({ name, ids: [] })),
    );
    process.stdout.write(
      `  switch p50 ${[...times.map((t) => t.dom)].sort((a, b) => a - b)[Math.floor(times.length / 2)]?.toFixed(1)} ms (${times.length})\n`,
    );
  });
  await browser.close();
  process.stdout.write(`\nProfiles written to ${OUT}.\n`);
} finally {
  await core.close().catch(() => undefined);
  const cleaner = startCore();
  await cleaner.call('cleanup', {}, 300_000).catch(() => undefined);
  await cleaner.close();
  await sandbox.close();
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(0);
