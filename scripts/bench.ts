/**
 * `npm run bench`: Keydeck at 10,000 keys across 100 organizations × 2 environments, measured the
 * way issue 5 asks, written to BENCHMARKS.md. A benchmark, not a test: it asserts nothing; it reports
 * medians over repeated runs next to the goals, met or not. Run inside scripts/with-keyring.sh.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, type as osType, release } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { createNodeWorkspace } from '../electron/core/node-workspace.js';
import { KeytarSecretStore } from '../electron/core/vault/keytar-store.js';
import { startPreviewHost } from '../electron/preview/host.js';
import type { Environment } from '../shared/domain.js';
import { refreshAll } from '../shared/refresh.js';
import { startSandbox } from '../test/sandbox/server.js';

const ORGS = 100;
const KEYS_PER_ENV = 50;
const LATENCY_MS = 50;
const CONCURRENCY = 16;
const RUNS = 5;
const root = resolve(import.meta.dirname, '..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const log = (s: string) => process.stdout.write(`${s}\n`);

const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-bench-'));
const secrets = new KeytarSecretStore('Keydeck Bench');
const sandbox = await startSandbox();
const ws = createNodeWorkspace({ profileDir, keychainService: secrets.service, transport: 'preview', version: 'bench', secrets, baseUrlOverrides: sandbox.urls, http: { deadlineMs: 15_000 } });

log(`Seeding ${ORGS} organizations × 2 environments × ${KEYS_PER_ENV} keys…`);
const admins: { live: string; test: string }[] = [];
const targets: { orgId: string; environment: Environment }[] = [];
for (let i = 0; i < ORGS; i++) {
  const extra = (['live', 'test'] as const).flatMap((environment) => Array.from({ length: KEYS_PER_ENV - 1 }, (_, k) => ({ name: `${environment} service ${k + 1}`, environment })));
  const { admin } = sandbox.laghav.seedOrg(`Org ${String(i + 1).padStart(3, '0')}`, extra);
  admins.push(admin);
}
// Realistic dates: creation spread over two years, some never used.
let n = 0;
for (const key of sandbox.laghav.keys.byId.values()) key.createdAt = new Date(Date.now() - ((n++ * 7919) % 730) * 86_400_000).toISOString();
for (let i = 0; i < ORGS; i++) {
  const admin = admins[i];
  if (!admin) continue;
  const c = await ws.call('orgs.connect', { key: admin.live, name: `Org ${String(i + 1).padStart(3, '0')}` });
  if (!c.ok) throw new Error(c.error.message);
  const orgId = (c.value as { organization: { id: string } }).organization.id;
  const t = await ws.call('orgs.connectEnvironment', { orgId, environment: 'test', key: admin.test });
  if (!t.ok) throw new Error(t.error.message);
  targets.push({ orgId, environment: 'live' }, { orgId, environment: 'test' });
}

// ---- Node: refresh all vs a sequential curl loop vs the network bound -------------------------
sandbox.fault('laghav', { kind: 'latency', ms: LATENCY_MS });
const refreshRuns: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const outcomes = await refreshAll(targets, (t) => ws.call('keys.list', t), { concurrency: CONCURRENCY });
  refreshRuns.push(performance.now() - started);
  if (outcomes.some((o) => !o.ok)) throw new Error('a refresh failed');
}
const refreshMedian = median(refreshRuns);
const bound = Math.ceil(targets.length / CONCURRENCY) * LATENCY_MS;
const rssMb = process.memoryUsage().rss / 1_048_576;
log(`refresh all: median ${ms(refreshMedian)} over ${RUNS} runs (bound ${bound} ms)`);

const curlRuns: number[] = [];
const hasCurl = spawnSync('curl', ['--version']).status === 0;
for (let run = 0; hasCurl && run < 2; run++) {
  const started = performance.now();
  for (let i = 0; i < ORGS; i++) {
    for (const key of [admins[i]?.live, admins[i]?.test]) {
      // Async, one after another: a blocking spawn would stall the sandbox that runs in this process.
      await new Promise<void>((done) => execFile('curl', ['-s', '-o', '/dev/null', '--max-time', '10', '-H', `Authorization: Bearer ${key}`, `${sandbox.urls.laghav}/api/keys`], () => done()));
    }
  }
  curlRuns.push(performance.now() - started);
}
const curlMedian = median(curlRuns);
log(`curl loop: median ${ms(curlMedian)} over ${curlRuns.length} runs`);
sandbox.servers.laghav.faults.clear();

// ---- Chromium: cold load, switching, filtering, heap -----------------------------------------
// Lists come from the cache: the provider answers only after 3 s, so what is measured is Keydeck.
sandbox.fault('laghav', { kind: 'latency', ms: 3_000 });
const host = await startPreviewHost({ core: ws, rendererDir: join(root, 'out/renderer') });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const chromiumVersion = browser.version();
const coldLoads: number[] = [];
for (let run = 0; run < 7; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(host.url);
  await page.waitForSelector('[data-key-id]');
  coldLoads.push(await page.evaluate(() => performance.now()));
  await context.close();
}

const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
// tsx keeps function names with an `__name` helper that the page does not have; give it a no-op one.
await context.addInitScript({ content: 'window.__name = (f) => f;' });
const page = await context.newPage();
await page.goto(host.url);
await page.waitForSelector('[data-key-id]');
// In the page: wait for a condition on the DOM (a MutationObserver, so no polling delay), then for the
// next frame to be produced (rAF, then a task after it). Both times are kept: the first is Keydeck's
// own work, the second adds the wait for the display's next frame (up to 16.7 ms at 60 Hz).
await page.evaluate(() => {
  const w = window as unknown as Record<string, unknown>;
  w.__until = (ok: () => boolean) =>
    new Promise<void>((resolveWait) => {
      if (ok()) return resolveWait();
      const mo = new MutationObserver(() => {
        if (ok()) {
          mo.disconnect();
          resolveWait();
        }
      });
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  w.__painted = () =>
    new Promise<void>((r) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => r();
        ch.port2.postMessage(0);
      }),
    );
});
type Timing = { dom: number; paint: number };
// Let the background prefetch of the cached lists finish, as it has within seconds of a real start.
await page.waitForTimeout(3000);
const switches: Timing[] = await page.evaluate(async (count) => {
  const w = window as unknown as { __until: (ok: () => boolean) => Promise<void>; __painted: () => Promise<void> };
  const buttons = () => [...document.querySelectorAll<HTMLButtonElement>('nav .org-button')].filter((b) => b.textContent?.startsWith('Org '));
  const times: { dom: number; paint: number }[] = [];
  for (let i = 0; i < count; i++) {
    const b = buttons()[(i * 7) % buttons().length];
    if (!b) break;
    const name = b.querySelector('.org-name')?.textContent ?? '';
    await w.__painted();
    const started = performance.now();
    b.click();
    await w.__until(() => document.querySelector('#org-title')?.textContent === name && document.querySelectorAll('[data-key-id]').length > 0);
    const dom = performance.now() - started;
    await w.__painted();
    times.push({ dom, paint: performance.now() - started });
  }
  return times;
}, 60);

await page.getByRole('button', { name: 'Overview' }).click();
await page.waitForSelector('[data-testid="usage-summary"]');
await page.waitForFunction(() => document.querySelectorAll('.usage-scroll [role="row"]').length > 0);
const filters: Timing[] = await page.evaluate(async () => {
  const w = window as unknown as { __until: (ok: () => boolean) => Promise<void>; __painted: () => Promise<void> };
  const input = document.querySelector<HTMLInputElement>('.usage-filters input');
  // The list marks which filter it has applied; a keystroke is done when its own filter is on screen.
  const applied = () => document.querySelector('.usage-filters [role="status"]')?.getAttribute('data-applied-filter') ?? '';
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  const times: { dom: number; paint: number }[] = [];
  const words = ['s', 'se', 'ser', 'serv', 'servi', 'service', 'service 1', 'service 12', 'service 1', 'service', 'live', 'live s', 'test', 'test s', 'org 0', 'org 00', 'org 001', 'or', 'o', ''];
  for (const word of words) {
    await w.__painted();
    const started = performance.now();
    setter?.call(input, word);
    input?.dispatchEvent(new Event('input', { bubbles: true }));
    await w.__until(() => applied() === word.trim().toLowerCase());
    const dom = performance.now() - started;
    await w.__painted();
    times.push({ dom, paint: performance.now() - started });
  }
  return times;
});
const cdp = await context.newCDPSession(page);
await cdp.send('HeapProfiler.collectGarbage');
const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
const heapMb = heap.usedSize / 1_048_576;
await browser.close();
await host.close();

const assetsDir = join(root, 'out/renderer/assets');
// Initial JS: what index.html loads (its scripts and module preloads), not the chunks loaded on demand (the chart).
const indexHtml = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
const initialJs = readdirSync(assetsDir).filter((f) => f.endsWith('.js') && indexHtml.includes(`assets/${f}`));
const lazyJs = readdirSync(assetsDir).filter((f) => f.endsWith('.js') && !initialJs.includes(f));
const lazyGzipKb = lazyJs.reduce((sum, f) => sum + gzipSync(readFileSync(join(assetsDir, f))).length, 0) / 1024;
const jsGzipKb = initialJs.reduce((sum, f) => sum + gzipSync(readFileSync(join(assetsDir, f))).length, 0) / 1024;

// ---- Report ------------------------------------------------------------------------------------
const sw = { dom: switches.map((t) => t.dom), paint: switches.map((t) => t.paint) };
const fl = { dom: filters.map((t) => t.dom), paint: filters.map((t) => t.paint) };
const goal = (ok: boolean) => (ok ? 'met' : '**not met**');
const rows: [string, string, string, string][] = [
  ['cold load to an interactive list (from cache), median of 7', ms(median(coldLoads)), '≤ 500 ms', goal(median(coldLoads) <= 500)],
  ['organization switch, click → list in the DOM, p50', ms(pct(sw.dom, 50)), '', ''],
  ['organization switch, click → list in the DOM, p95', ms(pct(sw.dom, 95)), '≤ 16 ms', goal(pct(sw.dom, 95) <= 16)],
  ['organization switch, click → next frame painted, p50 / p95', `${ms(pct(sw.paint, 50))} / ${ms(pct(sw.paint, 95))}`, '(includes the wait for the next frame)', ''],
  ['filter keystroke → list updated in the DOM (10,000 rows), p95', ms(pct(fl.dom, 95)), '≤ 16 ms', goal(pct(fl.dom, 95) <= 16)],
  ['filter keystroke → next frame painted, p50 / p95', `${ms(pct(fl.paint, 50))} / ${ms(pct(fl.paint, 95))}`, '(includes the wait for the next frame)', ''],
  ['JS heap after load (after GC)', `${heapMb.toFixed(1)} MB`, '', ''],
  [`refresh all, ${targets.length} org-environments, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}, median of ${RUNS}`, ms(refreshMedian), `≤ 1.5 × bound (${bound} ms) = ${bound * 1.5} ms`, goal(refreshMedian <= bound * 1.5)],
  ['sequential curl loop, same requests', hasCurl ? ms(curlMedian) : 'curl not installed', '', ''],
  ['refresh all vs curl loop', hasCurl ? `${(curlMedian / refreshMedian).toFixed(1)}× faster` : '—', '≥ 10×', hasCurl ? goal(curlMedian / refreshMedian >= 10) : '—'],
  ['core RSS (this Node process: core + sandbox + 10,000 keys)', `${rssMb.toFixed(0)} MB`, '≤ 150 MB', goal(rssMb <= 150)],
  ['renderer initial JS, gzip', `${jsGzipKb.toFixed(1)} KB`, '≤ 200 KB', goal(jsGzipKb <= 200)],
  ['renderer JS loaded on demand (the chart), gzip', `${lazyGzipKb.toFixed(1)} KB`, '', ''],
];
const md = `# Keydeck benchmarks

Written by \`npm run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Figures are
from one run of the script on the machine below; re-run it to compare.

## Machine

- ${osType()} ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1_073_741_824).toFixed(0)} GiB
- Node ${process.version}, Chromium ${chromiumVersion} (headless, Debian), a shared and noisy machine

## Method

- ${ORGS} Laghav organizations × 2 environments × ${KEYS_PER_ENV} keys = ${ORGS * 2 * KEYS_PER_ENV} keys, in the provider
  sandbox on loopback, connected through the real core (real keychain, real HTTP), then listed once so
  every list is in Keydeck's cache.
- **Refresh all**: \`shared/refresh.ts\` (what the UI's Refresh all runs) over the ${targets.length} organization-environments,
  concurrency ${CONCURRENCY}, with ${LATENCY_MS} ms added to every provider answer; median of ${RUNS} runs (${refreshRuns.map((r) => r.toFixed(0)).join(', ')} ms). Next to it,
  the same ${targets.length} requests as a sequential loop of \`curl\` processes (median of ${curlRuns.length}: ${curlRuns.map((r) => r.toFixed(0)).join(', ')} ms), and the network bound
  ⌈N/C⌉·latency = ⌈${targets.length}/${CONCURRENCY}⌉ × ${LATENCY_MS} ms = ${bound} ms.
- **Chromium** through the preview host, with the provider made to answer only after 3 s so that what is
  measured is Keydeck showing cached lists. Cold load: a new browser context, navigation start → the first
  key row in the DOM (performance.now), 7 runs. Switch: ${switches.length} clicks on sidebar organizations (after the app
  has loaded the cached lists in the background, as it does in its first seconds), click → the organization's rows
  in the DOM (a MutationObserver), then → the next frame produced (requestAnimationFrame and a task after it).
  Filter: ${filters.length} keystrokes in the Overview filter over all 10,000 keys, input event → the list showing
  that very filter (a data attribute the list sets), then → the next frame. Each measure starts just after a frame,
  so the "painted" figures include up to one frame (16.7 ms) of waiting for the display, which no app can avoid;
  the goal is judged on Keydeck's own work (to the DOM).
  Heap: CDP Runtime.getHeapUsage after a forced GC.

## Results

| measure | value | goal | |
| --- | --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Raw (to the DOM): switch ${sw.dom.map((x) => x.toFixed(1)).join(', ')} ms; filter ${fl.dom.map((x) => x.toFixed(1)).join(', ')} ms; cold load ${coldLoads.map((x) => x.toFixed(0)).join(', ')} ms.
`;
writeFileSync(join(root, 'BENCHMARKS.md'), md);
log(md);

const doc = ws.meta.read();
for (const c of doc.credentials) {
  const org = doc.organizations.find((o) => o.id === c.orgId);
  if (org) await secrets.delete(`${org.provider}:${org.id}:${c.environment}:${c.id}`);
}
await ws.dispose();
await sandbox.close();
rmSync(profileDir, { recursive: true, force: true });
process.exit(0);
