/**
 * `npm run bench`: Keydeck at 1,000 / 10,000 / 50,000 keys (10 / 100 / 500 Laghav organizations ×
 * 2 environments × 50 keys), every figure next to a floor measured in the same run, written to
 * BENCHMARKS.md (issue 13). A benchmark, not a test: it asserts nothing and never fails on a missed
 * goal; it fails only when something broke (a refresh call failed, a child process died).
 *
 * Three kinds of process, so each figure is one thing's: the provider sandbox (its own process,
 * scripts/bench/sandbox-child.ts), Keydeck's core (its own bundled process, scripts/bench/core-child.ts,
 * with the preview host), and this one driving Chromium, curl and the floors. Run it inside
 * scripts/with-keyring.sh (the npm script does).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';
import type { KeyRecord, ProviderInfo } from '../shared/domain.js';
import { REFRESH_CONCURRENCY } from '../shared/refresh.js';
import type { UsageRow } from '../shared/usage.js';
import {
  coldLoads,
  FILTER_WORDS,
  filters,
  newContext,
  switches,
  uiRefresh,
  waitFor,
  type SwitchTarget,
  type Timing,
} from './bench/browser.js';
import { buildBench } from './bench/build.js';
import { fmtMb, fmtMs, fmtX, summarize, type Summary } from './bench/common.js';
import { hasCurl, prepareCurl, removeCurl, runCurl } from './bench/curl.js';
import { serveStatic, writeFloorPages } from './bench/floors.js';
import { spawnChild, type Child } from './bench/pipe.js';
import { parseCommandLine, intFlag, usageError } from '../electron/preview/cli-args.js';

const PROGRAM = 'keydeck-bench';
const flags = parseCommandLine(PROGRAM, {
  usage: 'npm run bench --',
  summary: 'Keydeck at several scales against floors measured in the same run; writes BENCHMARKS.md. Asserts nothing.',
  flags: {
    scales: {
      type: 'string',
      value: 'LIST',
      help: 'key counts, comma-separated multiples of 100 (default 1000,10000,50000)',
    },
    runs: { type: 'string', value: 'N', help: 'runs of each repeated measure (default 5)' },
    out: { type: 'string', value: 'FILE', help: 'where to write the report (default BENCHMARKS.md)' },
  },
  notes: ['Exit codes: 0 done (goals met or not), 1 something broke, 2 bad command line.'],
});
const SCALES = (flags.scales ?? '1000,10000,50000').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 100 || n > 100_000 || n % 100 !== 0)
    usageError(PROGRAM, `--scales takes multiples of 100 from 100 to 100000, not "${s}"`);
  return n;
});
if (SCALES.some((s, i) => i > 0 && s <= (SCALES[i - 1] ?? 0)))
  usageError(PROGRAM, '--scales must be in increasing order');
const RUNS = intFlag(PROGRAM, 'runs', flags.runs, 1, 50) ?? 5;
const root = resolve(import.meta.dirname, '..');
const OUT = resolve(root, flags.out ?? 'BENCHMARKS.md');

const KEYS_PER_ENV = 50;
const KEYS_PER_ORG = KEYS_PER_ENV * 2;
const LATENCY_MS = 50;
const CACHE_LATENCY_MS = 3_000;
const C = REFRESH_CONCURRENCY;
const SERVICE = 'Keydeck Bench';
const COLD_RUNS = Math.max(RUNS, 7);
const SWITCHES = 30;
/** The sequential curl loop is informative only (no goal) and takes minutes at 1,000 requests: 3 runs there. */
const SEQ_CURL_RUNS = (requests: number) => (requests >= 500 ? Math.min(RUNS, 3) : RUNS);
const log = (s: string) => process.stdout.write(`${s}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

interface ScaleResult {
  keys: number;
  orgs: number;
  targets: number;
  bound: number;
  loadBefore: string;
  loadAfter: string;
  coreRefresh: Summary;
  uiRefresh: Summary;
  uiTimeouts: number;
  uiTimeoutMs: number;
  /** Why a UI measure has no figure, or how long the Overview took to open. */
  notes: string[];
  curlSeq?: Summary;
  curlPar?: Summary;
  sandboxCpuPerRequestMs: number;
  startSpawn: Summary;
  startModule: Summary;
  startWorkspace: Summary;
  cold: Record<Subject, Summary>;
  switchDom: Record<Subject, Summary>;
  switchPaint: Record<Subject, Summary>;
  filterDom: Record<Subject, Summary>;
  filterPaint: Record<Subject, Summary>;
  switchMissing: number;
  heapMb: number;
  rssMb: number;
  peakRssMb: number;
  /** The core's peak RSS (VmHWM) after each phase: what drives the peak. */
  peaks: [string, number][];
}
type Subject = 'keydeck' | 'react' | 'static';

const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-bench-'));
const admins: { name: string; live: string; test: string }[] = [];
let sandbox: Child | undefined;
let core: Child | undefined;
let browser: Browser | undefined;
let floorServer: Awaited<ReturnType<typeof serveStatic>> | undefined;
let coreEntry = '';
let urls: Record<string, string> = {};

/**
 * The built renderer, copied once: other work may rebuild out/renderer while this runs, and the core
 * child is bundled once at the start, so both stay the same build for the whole run.
 */
const RENDERER = join(root, 'out/bench/renderer');
function snapshotRenderer(): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    rmSync(RENDERER, { recursive: true, force: true });
    cpSync(join(root, 'out/renderer'), RENDERER, { recursive: true });
    const html = readFileSync(join(RENDERER, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    if (refs.length > 0 && refs.every((f) => existsSync(join(RENDERER, f)))) return;
    spawnSync('sleep', ['2']);
  }
  throw new Error('out/renderer is incomplete (is a build running?)');
}

function startCore(firstList?: { orgId: string; environment: 'live' | 'test' }): Child {
  return spawnChild(
    process.execPath,
    ['--expose-gc', coreEntry],
    { BENCH_CORE: JSON.stringify({ profileDir, urls, service: SERVICE, firstList }) },
    'core',
  );
}

const dom = (ts: Timing[]) => summarize(ts.map((t) => t.dom).filter(Number.isFinite));
const paint = (ts: Timing[]) => summarize(ts.map((t) => t.paint).filter(Number.isFinite));

async function measureScale(keys: number): Promise<ScaleResult> {
  const orgs = keys / KEYS_PER_ORG;
  const loadBefore = load();
  log(
    `\n== ${keys.toLocaleString('en')} keys: ${orgs} organizations × 2 environments × ${KEYS_PER_ENV} keys (load ${loadBefore})`,
  );
  if (!sandbox) throw new Error('no sandbox');

  // ---- Seed the new organizations; connect them through the real core; list each once. ----
  const added = orgs - admins.length;
  const seeded = await sandbox.call<{ admins: typeof admins }>('seed', { orgs: added, keysPerEnv: KEYS_PER_ENV });
  await sandbox.call('latency', { ms: 0 });
  await sandbox.call('resetUsage');
  core = startCore();
  await core.event('ready');
  let t = performance.now();
  await core.call('connect', { admins: seeded.admins });
  admins.push(...seeded.admins);
  log(`  connected ${added} organizations in ${fmtMs(performance.now() - t)}`);
  t = performance.now();
  const warm = await core.call<{ failed: number; firstError?: string; targets: number }>('refresh');
  if (warm.failed) throw new Error(`listing failed: ${warm.firstError}`);
  log(`  listed ${warm.targets} organization-environments in ${fmtMs(performance.now() - t)} (cache warm)`);
  const orgList = await core.call<{ id: string; name: string }[]>('orgs');
  await core.close();

  // ---- A fresh core on this profile: start → the first cached list. ----
  const firstOrg = orgList[0];
  if (!firstOrg) throw new Error('no organization');
  const spawnTimes: number[] = [];
  const moduleTimes: number[] = [];
  const wsTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const fresh = startCore({ orgId: firstOrg.id, environment: 'live' });
    const ready = await fresh.event<{ fromModuleMs: number; fromWorkspaceMs: number; keys: number }>('ready');
    if (ready.keys !== KEYS_PER_ENV)
      throw new Error(`the first cached list has ${ready.keys} keys, not ${KEYS_PER_ENV}`);
    spawnTimes.push(ready.receivedAt - fresh.spawnedAt);
    moduleTimes.push(ready.fromModuleMs);
    wsTimes.push(ready.fromWorkspaceMs);
    await fresh.close();
  }
  log(
    `  core start → first list: ${fmtMs(summarize(moduleTimes).p50)} from its first line (${fmtMs(summarize(spawnTimes).p50)} from spawn)`,
  );

  // ---- The measured core: refresh all from the core, then through the UI. ----
  core = startCore();
  await core.event('ready');
  const { url } = await core.call<{ url: string }>('host', { rendererDir: RENDERER });
  const peaks: [string, number][] = [];
  const peak = async (phase: string) =>
    peaks.push([phase, (await core!.call<{ peakRssMb: number }>('memory', { gc: false })).peakRssMb]);
  await peak('started, host up');
  const targets = orgs * 2;
  const bound = Math.ceil(targets / C) * LATENCY_MS;
  await sandbox.call('latency', { ms: LATENCY_MS });
  await sandbox.call('resetUsage');
  const sandboxBefore = await sandbox.call<{ requests: number; cpuMs: number }>('stats');
  const coreRuns: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = await core.call<{ ms: number; failed: number; firstError?: string; targets: number }>('refresh');
    if (r.failed) throw new Error(`core Refresh all: ${r.failed} lists failed (${r.firstError})`);
    coreRuns.push(r.ms);
  }
  const sandboxAfter = await sandbox.call<{ requests: number; cpuMs: number }>('stats');
  const sandboxCpuPerRequestMs =
    (sandboxAfter.cpuMs - sandboxBefore.cpuMs) / Math.max(1, sandboxAfter.requests - sandboxBefore.requests);
  await peak(`${RUNS} core Refresh alls`);
  log(
    `  core Refresh all: ${fmtMs(summarize(coreRuns).p50)} (bound ${bound} ms; sandbox CPU ${sandboxCpuPerRequestMs.toFixed(2)} ms a request)`,
  );

  if (!browser) throw new Error('no browser');
  const uiTimeoutMs = Math.max(60_000, bound * 60);
  const uiRuns: number[] = [];
  const notes: string[] = [];
  const overviewOpen: string[] = [];
  let uiTimeouts = 0;
  for (let run = 0; run < RUNS; run++) {
    await sandbox.call('resetUsage');
    const { ms, note } = await uiRefresh(browser, url, targets, uiTimeoutMs);
    if (Number.isNaN(ms)) {
      uiTimeouts += 1;
      notes.push(`UI Refresh all, run ${run + 1}: ${note ?? 'no figure'}; no more runs at this scale`);
      log(`  UI Refresh all: run ${run + 1}: ${note ?? 'no figure'}; no more runs at this scale`);
      break;
    }
    if (note) overviewOpen.push(note.replace('Overview opened in ', ''));
    uiRuns.push(ms);
  }
  if (overviewOpen.length)
    notes.push(`Overview (click → its summary), before each UI Refresh all: ${overviewOpen.join(', ')}`);
  await peak(`${RUNS} UI Refresh alls`);
  log(`  UI Refresh all: ${fmtMs(summarize(uiRuns).p50)} (bound ${bound} ms)`);

  // ---- The same requests by curl: one after another, and 16 at a time. ----
  let curlSeq: Summary | undefined;
  let curlPar: Summary | undefined;
  if (hasCurl()) {
    const job = prepareCurl(
      `${urls.laghav}/api/keys`,
      admins.slice(0, orgs).flatMap((a) => [a.live, a.test]),
    );
    try {
      const seq: number[] = [];
      const par: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        await sandbox.call('resetUsage');
        const p = await runCurl(job, 16);
        if (p.ok !== targets) throw new Error(`parallel curl loop: ${p.ok} of ${targets} answered 200`);
        par.push(p.ms);
        if (run >= SEQ_CURL_RUNS(targets)) continue;
        const s = await runCurl(job, 1);
        if (s.ok !== targets) throw new Error(`sequential curl loop: ${s.ok} of ${targets} answered 200`);
        seq.push(s.ms);
      }
      curlSeq = summarize(seq);
      curlPar = summarize(par);
      log(`  curl: sequential ${fmtMs(curlSeq.p50)}, xargs -P 16 ${fmtMs(curlPar.p50)}`);
    } finally {
      removeCurl(job);
    }
  }

  // ---- Chromium, lists from the cache: the provider answers only after 3 s. ----
  await sandbox.call('latency', { ms: CACHE_LATENCY_MS });
  const switchOrgs = Array.from({ length: SWITCHES }, (_, i) => orgList[(i * 7 + 1) % orgList.length]).filter(
    (o): o is { id: string; name: string } => o !== undefined,
  );
  const data = await core.call<{
    provider: ProviderInfo;
    rows: UsageRow[];
    lists: Record<string, { live: { keys: KeyRecord[] } | null; test: { keys: KeyRecord[] } | null }>;
  }>('floorData', {
    orgIds: [...new Set([firstOrg.id, ...switchOrgs.map((o) => o.id)])],
  });
  if (data.rows.length !== keys) throw new Error(`the overview has ${data.rows.length} rows, not ${keys}`);
  const switchTargets: SwitchTarget[] = switchOrgs.map((o) => ({
    name: o.name,
    ids: [...(data.lists[o.id]?.live?.keys ?? []), ...(data.lists[o.id]?.test?.keys ?? [])].map((k) => k.id),
  }));
  // The floors: the same organizations in the sidebar, the same rows.
  const floorDir = join(root, 'out/bench/floor');
  writeFloorPages(floorDir, {
    provider: data.provider,
    orgs: orgList.map((o) => ({ id: o.id, name: o.name })),
    lists: Object.fromEntries(Object.entries(data.lists).map(([id, l]) => [id, l.live?.keys ?? []])),
    rows: data.rows,
  });
  if (!floorServer) throw new Error('no floor server');
  const pages = {
    keydeck: { keys: url, filter: url },
    react: { keys: `${floorServer.origin}/react-keys.html`, filter: `${floorServer.origin}/react-filter.html` },
    static: { keys: `${floorServer.origin}/static-keys.html`, filter: `${floorServer.origin}/static-filter.html` },
  } satisfies Record<Subject, { keys: string; filter: string }>;

  const cold = {} as Record<Subject, Summary>;
  const switchTimes = {} as Record<Subject, Timing[]>;
  const filterTimes = {} as Record<Subject, Timing[]>;
  let switchMissing = 0;
  let heapMb = Number.NaN;
  // Interleaved per subject, so a burst of load on the machine falls on all of them alike.
  for (const subject of ['react', 'keydeck', 'static'] as Subject[])
    cold[subject] = summarize(await coldLoads(browser, pages[subject].keys, COLD_RUNS));
  for (const subject of ['react', 'keydeck', 'static'] as Subject[]) {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pages[subject].keys);
      await page.waitForSelector('[data-key-id]', { timeout: 120_000 });
      // Keydeck: let the background load of the cached lists finish, as it has within seconds of a real start.
      if (subject === 'keydeck') await page.waitForTimeout(3000);
      const s = await switches(page, switchTargets);
      switchTimes[subject] = s.times;
      if (subject === 'keydeck') switchMissing = s.missing;
      if (subject === 'keydeck') {
        await page.getByRole('button', { name: 'Overview' }).click();
        if (!(await waitFor(page, '[data-testid="usage-summary"]', 300_000))) {
          filterTimes[subject] = [];
          notes.push(
            `filter: the Overview did not open within 300 s${errors.length ? ` (page error: ${errors[0]})` : ''}`,
          );
          continue;
        }
      } else await page.goto(pages[subject].filter);
      await page.waitForFunction(() => document.querySelectorAll('.usage-scroll [role="row"]').length > 0, null, {
        timeout: 300_000,
      });
      filterTimes[subject] = await filters(page, FILTER_WORDS);
      if (subject === 'keydeck') {
        const cdp = await context.newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        heapMb = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 1_048_576;
      }
    } finally {
      await context.close();
    }
  }
  log(
    `  cold load p50: Keydeck ${fmtMs(cold.keydeck.p50)}, React floor ${fmtMs(cold.react.p50)}, static ${fmtMs(cold.static.p50)}`,
  );
  log(
    `  switch p50: Keydeck ${fmtMs(dom(switchTimes.keydeck).p50)}, React floor ${fmtMs(dom(switchTimes.react).p50)}, static ${fmtMs(dom(switchTimes.static).p50)}`,
  );
  log(
    `  filter p50: Keydeck ${fmtMs(dom(filterTimes.keydeck).p50)}, React floor ${fmtMs(dom(filterTimes.react).p50)}, static ${fmtMs(dom(filterTimes.static).p50)}`,
  );

  await peak('Chromium measures');
  const mem = await core.call<{ rssMb: number; peakRssMb: number; gc: boolean }>('memory', { gc: true });
  log(`  core RSS after GC ${fmtMb(mem.rssMb)}, peak ${fmtMb(mem.peakRssMb)}; renderer heap ${fmtMb(heapMb)}`);
  await sandbox.call('latency', { ms: 0 });
  await core.close();
  core = undefined;
  const loadAfter = load();
  log(`  load ${loadBefore} → ${loadAfter}`);
  const by = (f: (ts: Timing[]) => Summary, times: Record<Subject, Timing[]>) => ({
    keydeck: f(times.keydeck),
    react: f(times.react),
    static: f(times.static),
  });
  return {
    keys,
    orgs,
    targets,
    bound,
    loadBefore,
    loadAfter,
    coreRefresh: summarize(coreRuns),
    uiRefresh: summarize(uiRuns),
    uiTimeouts,
    uiTimeoutMs,
    notes,
    curlSeq,
    curlPar,
    sandboxCpuPerRequestMs,
    startSpawn: summarize(spawnTimes),
    startModule: summarize(moduleTimes),
    startWorkspace: summarize(wsTimes),
    cold,
    switchDom: by(dom, switchTimes),
    switchPaint: by(paint, switchTimes),
    filterDom: by(dom, filterTimes),
    filterPaint: by(paint, filterTimes),
    switchMissing,
    heapMb,
    rssMb: mem.rssMb,
    peakRssMb: mem.peakRssMb,
    peaks,
  };
}

// ---- Report ----------------------------------------------------------------------------------

const range = (s: Summary | undefined) =>
  s && s.n ? `${fmtMs(s.p50)} (${fmtMs(s.min)}–${fmtMs(s.max)}, n=${s.n})` : '—';
const pcts = (s: Summary) => (s.n ? `${fmtMs(s.p50)} / ${fmtMs(s.p95)} (${fmtMs(s.min)}–${fmtMs(s.max)})` : '—');
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'met' : '**not met**');
const ratio = (a: number, b: number) => a / b;
const uiNote = (r: ScaleResult) =>
  r.notes.find((n) => n.startsWith('UI Refresh all'))?.replace(/^UI Refresh all, run \d+: /, '') ?? 'did not finish';

/** A figure followed across scales: its value per scale, and whether it grows at most linearly. */
interface Figure {
  name: string;
  value: (r: ScaleResult) => number;
  format: (n: number) => string;
}

function report(
  results: ScaleResult[],
  meta: { chromium: string; initialKb: number; lazyKb: number; initialFiles: string[]; started: Date; minutes: number },
): string {
  const at = (keys: number) => results.find((r) => r.keys === keys);
  const goals: [string, number, (r: ScaleResult) => [string, boolean | undefined]][] = [];
  for (const keys of [10_000, 50_000]) {
    goals.push(
      [
        'UI Refresh all ≤ 1.5 × network bound',
        keys,
        (r) =>
          r.uiTimeouts
            ? [`no figure: ${uiNote(r)}`, false]
            : [
                `${fmtMs(r.uiRefresh.p50)} = ${fmtX(ratio(r.uiRefresh.p50, r.bound))} bound (${r.bound} ms)`,
                r.uiRefresh.p50 <= 1.5 * r.bound,
              ],
      ],
      [
        'core Refresh all ≤ 1.2 × network bound',
        keys,
        (r) => [
          `${fmtMs(r.coreRefresh.p50)} = ${fmtX(ratio(r.coreRefresh.p50, r.bound))} bound (${r.bound} ms)`,
          r.coreRefresh.p50 <= 1.2 * r.bound,
        ],
      ],
      [
        'UI Refresh all ≥ 5 × faster than the parallel curl loop',
        keys,
        (r) =>
          r.curlPar
            ? r.uiTimeouts
              ? [`no figure: ${uiNote(r)}`, false]
              : [
                  `${fmtX(ratio(r.curlPar.p50, r.uiRefresh.p50))} (curl -P 16: ${fmtMs(r.curlPar.p50)})`,
                  r.curlPar.p50 / r.uiRefresh.p50 >= 5,
                ]
            : ['curl not installed', undefined],
      ],
      [
        'core Refresh all ≥ 5 × faster than the parallel curl loop',
        keys,
        (r) =>
          r.curlPar
            ? [`${fmtX(ratio(r.curlPar.p50, r.coreRefresh.p50))}`, r.curlPar.p50 / r.coreRefresh.p50 >= 5]
            : ['curl not installed', undefined],
      ],
      [
        'switch p50 ≤ 1.2 × React floor',
        keys,
        (r) => [
          `${fmtMs(r.switchDom.keydeck.p50)} = ${fmtX(ratio(r.switchDom.keydeck.p50, r.switchDom.react.p50))} floor (${fmtMs(r.switchDom.react.p50)})`,
          r.switchDom.keydeck.p50 <= 1.2 * r.switchDom.react.p50,
        ],
      ],
      [
        'filter p50 ≤ 1.2 × React floor',
        keys,
        (r) => [
          `${fmtMs(r.filterDom.keydeck.p50)} = ${fmtX(ratio(r.filterDom.keydeck.p50, r.filterDom.react.p50))} floor (${fmtMs(r.filterDom.react.p50)})`,
          r.filterDom.keydeck.p50 <= 1.2 * r.filterDom.react.p50,
        ],
      ],
      [
        'cold load ≤ 1.3 × React floor',
        keys,
        (r) => [
          `${fmtMs(r.cold.keydeck.p50)} = ${fmtX(ratio(r.cold.keydeck.p50, r.cold.react.p50))} floor (${fmtMs(r.cold.react.p50)})`,
          r.cold.keydeck.p50 <= 1.3 * r.cold.react.p50,
        ],
      ],
    );
  }
  goals.push([
    'core peak RSS ≤ 150 MB',
    10_000,
    (r) => [`${fmtMb(r.peakRssMb)} (after GC ${fmtMb(r.rssMb)})`, r.peakRssMb <= 150],
  ]);
  goals.push([
    'core start to first list ≤ 300 ms (from its first line)',
    50_000,
    (r) => [`${fmtMs(r.startModule.p50)} (from spawn ${fmtMs(r.startSpawn.p50)})`, r.startModule.p50 <= 300],
  ]);

  const figures: Figure[] = [
    { name: 'UI Refresh all', value: (r) => (r.uiTimeouts ? Number.NaN : r.uiRefresh.p50), format: fmtMs },
    { name: 'core Refresh all', value: (r) => r.coreRefresh.p50, format: fmtMs },
    { name: 'network bound ⌈N/C⌉ × latency', value: (r) => r.bound, format: fmtMs },
    { name: 'parallel curl loop', value: (r) => r.curlPar?.p50 ?? Number.NaN, format: fmtMs },
    { name: 'core start to first list (first line)', value: (r) => r.startModule.p50, format: fmtMs },
    { name: 'cold load p50', value: (r) => r.cold.keydeck.p50, format: fmtMs },
    { name: 'switch p50', value: (r) => r.switchDom.keydeck.p50, format: fmtMs },
    { name: 'filter p50', value: (r) => r.filterDom.keydeck.p50, format: fmtMs },
    { name: 'core RSS after GC', value: (r) => r.rssMb, format: fmtMb },
    { name: 'core peak RSS', value: (r) => r.peakRssMb, format: fmtMb },
    { name: 'renderer JS heap after GC', value: (r) => r.heapMb, format: fmtMb },
  ];
  const growthRows: string[] = [];
  const linear: boolean[] = [];
  for (const f of figures) {
    const cells: string[] = [];
    let ok = true;
    for (let i = 1; i < results.length; i++) {
      const a = results[i - 1] as ScaleResult;
      const b = results[i] as ScaleResult;
      const k = b.keys / a.keys;
      const g = f.value(b) / f.value(a);
      const fine = Number.isFinite(g) ? g <= k * 1.25 : false;
      ok &&= fine;
      cells.push(
        `${Number.isFinite(g) ? `${g.toFixed(2)}×` : '—'} (keys ${k}×) ${fine ? '' : '**'}${fine ? 'linear or better' : 'worse than linear'}${fine ? '' : '**'}`,
      );
    }
    linear.push(ok);
    growthRows.push(
      `| ${f.name} | ${results.map((r) => f.format(f.value(r))).join(' | ')} |${cells.length ? ` ${cells.join(' | ')} |` : ''}`,
    );
  }
  const growthOk = results.length > 1 ? linear.every(Boolean) : undefined;

  const goalRows = goals.map(([name, keys, f]) => {
    const r = at(keys);
    if (!r) return `| ${name} | ${keys.toLocaleString('en')} | not measured in this run | n/a |`;
    const [text, ok] = f(r);
    return `| ${name} | ${keys.toLocaleString('en')} | ${text} | ${verdict(ok)} |`;
  });
  goalRows.push(
    `| every figure grows at most linearly (≤ 1.25 × the key ratio) | ${results.map((r) => r.keys.toLocaleString('en')).join(' → ')} | see Growth | ${verdict(growthOk)} |`,
  );

  const col = (f: (r: ScaleResult) => string) => results.map(f).join(' | ');
  const head = `| measure | ${col((r) => `${r.keys.toLocaleString('en')} keys`)} |\n| --- | ${col(() => '---')} |`;
  const row = (name: string, f: (r: ScaleResult) => string) => `| ${name} | ${col(f)} |`;
  const vs = (sel: (r: ScaleResult) => Record<Subject, Summary>) => (r: ScaleResult) => {
    const s = sel(r);
    return `${fmtX(s.keydeck.p50 / s.react.p50)} React, ${fmtX(s.keydeck.p50 / s.static.p50)} static`;
  };
  const results_md = [
    head,
    row('organization-environments (N) / network bound ⌈N/16⌉ × 50 ms', (r) => `${r.targets} / ${r.bound} ms`),
    row('**UI Refresh all** (button click → "N of N refreshed"), median (min–max)', (r) =>
      r.uiTimeouts ? `no figure: ${uiNote(r)}${r.uiRefresh.n ? `; ${range(r.uiRefresh)}` : ''}` : range(r.uiRefresh),
    ),
    row('— ÷ network bound', (r) => (r.uiTimeouts ? '—' : fmtX(r.uiRefresh.p50 / r.bound))),
    row('**core Refresh all** (shared/refresh.ts in the core process), median (min–max)', (r) => range(r.coreRefresh)),
    row('— ÷ network bound', (r) => fmtX(r.coreRefresh.p50 / r.bound)),
    row('sequential curl loop, same requests', (r) => range(r.curlSeq)),
    row('parallel curl loop (xargs -P 16), same requests', (r) => range(r.curlPar)),
    row('parallel curl ÷ UI / ÷ core (how many times faster Keydeck is)', (r) =>
      r.curlPar
        ? `${r.uiTimeouts ? '—' : fmtX(r.curlPar.p50 / r.uiRefresh.p50)} / ${fmtX(r.curlPar.p50 / r.coreRefresh.p50)}`
        : '—',
    ),
    row('sandbox CPU per request (its own process)', (r) => `${r.sandboxCpuPerRequestMs.toFixed(2)} ms`),
    row('**cold load** (navigation → first key row), p50 / p95 (min–max): Keydeck', (r) => pcts(r.cold.keydeck)),
    row('— React floor', (r) => pcts(r.cold.react)),
    row('— static floor', (r) => pcts(r.cold.static)),
    row(
      '— Keydeck ÷ floor (p50)',
      vs((r) => r.cold),
    ),
    row('**organization switch** (click → its rows in the DOM), p50 / p95 (min–max): Keydeck', (r) =>
      pcts(r.switchDom.keydeck),
    ),
    row('— React floor', (r) => pcts(r.switchDom.react)),
    row('— static floor', (r) => pcts(r.switchDom.static)),
    row(
      '— Keydeck ÷ floor (p50)',
      vs((r) => r.switchDom),
    ),
    row(
      '— to the next frame: Keydeck / React / static (p50)',
      (r) =>
        `${fmtMs(r.switchPaint.keydeck.p50)} / ${fmtMs(r.switchPaint.react.p50)} / ${fmtMs(r.switchPaint.static.p50)}`,
    ),
    row('**filter keystroke** over all keys (input → filtered rows in the DOM), p50 / p95 (min–max): Keydeck', (r) =>
      pcts(r.filterDom.keydeck),
    ),
    row('— React floor', (r) => pcts(r.filterDom.react)),
    row('— static floor', (r) => pcts(r.filterDom.static)),
    row(
      '— Keydeck ÷ floor (p50)',
      vs((r) => r.filterDom),
    ),
    row(
      '— to the next frame: Keydeck / React / static (p50)',
      (r) =>
        `${fmtMs(r.filterPaint.keydeck.p50)} / ${fmtMs(r.filterPaint.react.p50)} / ${fmtMs(r.filterPaint.static.p50)}`,
    ),
    row('**core start to first list**, from its first line, median (min–max)', (r) => range(r.startModule)),
    row('— from spawn (includes Node starting)', (r) => range(r.startSpawn)),
    row("— from the workspace's creation (reading the profile and the cache)", (r) => range(r.startWorkspace)),
    row('**core RSS** after GC / peak (the core process alone)', (r) => `${fmtMb(r.rssMb)} / ${fmtMb(r.peakRssMb)}`),
    row('renderer JS heap after GC (CDP)', (r) => fmtMb(r.heapMb)),
    row('load average (1 / 5 / 15 min) before → after', (r) => `${r.loadBefore} → ${r.loadAfter}`),
  ].join('\n');

  const raw = results
    .map((r) =>
      [
        `**${r.keys.toLocaleString('en')} keys** (ms, in run order)`,
        `- UI Refresh all: ${r.uiRefresh.raw.map((x) => x.toFixed(0)).join(', ')}${r.uiTimeouts ? ` (+${r.uiTimeouts} without a figure)` : ''}; core Refresh all: ${r.coreRefresh.raw.map((x) => x.toFixed(0)).join(', ')}`,
        `- curl sequential: ${r.curlSeq?.raw.map((x) => x.toFixed(0)).join(', ') ?? '—'}; curl -P 16: ${r.curlPar?.raw.map((x) => x.toFixed(0)).join(', ') ?? '—'}`,
        `- core start → first list, from first line: ${r.startModule.raw.map((x) => x.toFixed(0)).join(', ')}; from spawn: ${r.startSpawn.raw.map((x) => x.toFixed(0)).join(', ')}; from workspace: ${r.startWorkspace.raw.map((x) => x.toFixed(0)).join(', ')}`,
        ...(['keydeck', 'react', 'static'] as Subject[]).map(
          (s) =>
            `- ${s}: cold ${r.cold[s].raw.map((x) => x.toFixed(0)).join(', ')}; switch ${r.switchDom[s].raw.map((x) => x.toFixed(1)).join(', ')}; filter ${r.filterDom[s].raw.map((x) => x.toFixed(1)).join(', ')}`,
        ),
        `- core peak RSS after each phase: ${r.peaks.map(([p, mb]) => `${p} ${fmtMb(mb)}`).join('; ')}`,
        ...r.notes.map((n) => `- ${n}`),
        ...(r.switchMissing ? [`- ${r.switchMissing} switch targets were not in Keydeck's sidebar`] : []),
      ].join('\n'),
    )
    .join('\n\n');

  return `# Keydeck benchmarks

Written by \`npm run bench\` (scripts/bench.ts, scripts/bench/) on ${meta.started.toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${meta.minutes.toFixed(0)} minutes,
${RUNS} runs of each repeated measure. On a shared, noisy machine only ratios taken in the same run mean much: each
figure is shown next to its floor or bound. Re-run it to compare. Nothing here is a test: the script asserts nothing.

## Machine

- ${osType()} ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1_073_741_824).toFixed(0)} GiB
- Node ${process.version}, Chromium ${meta.chromium} (headless, Debian's), a shared and noisy machine
- Load average (1 / 5 / 15 min) per scale, before → after: ${results.map((r) => `${r.keys.toLocaleString('en')} keys ${r.loadBefore} → ${r.loadAfter}`).join('; ')}

## Method

- **Processes**: the provider sandbox runs in its own process (indexed per organization, so a list costs O(that
  organization's keys)); Keydeck's core runs alone in its own process, bundled with Vite as the app bundles it and run with
  \`node --expose-gc\` (real keychain, service "${SERVICE}", real cache files, real HTTP), with the preview host serving the
  built renderer (copied at the start, so a rebuild during the run changes nothing) to Debian's Chromium; this process drives Chromium, curl and the floors. Its RSS is the core's own.
- **Data**: per scale, organizations × 2 environments × ${KEYS_PER_ENV} Laghav keys (creation dates spread over two years),
  connected through the core (orgs.connect, orgs.connectEnvironment) and listed once, so every list is in the cache.
  Scales grow by adding organizations to the same profile.
- **Refresh all**, with ${LATENCY_MS} ms added to every provider answer. Core: \`refreshAll\` (shared/refresh.ts) at
  REFRESH_CONCURRENCY = ${C}, run in the core process. UI: the Overview's "Refresh all" button in Chromium, click → the
  progress status reading "N of N refreshed", a new browser context each run. Bound: ⌈N/${C}⌉ × ${LATENCY_MS} ms. Next to them
  the same GET /api/keys requests (same key, Accept and User-Agent) by curl, one process per request, sequential and
  \`xargs -P 16\` (keys in 0600 config files, never on a command line). Median (min–max) of ${RUNS} runs (the sequential
  loop, which has no goal, ${SEQ_CURL_RUNS(1000)} runs from 500 requests up).
- **Chromium, from the cache**: the provider answers only after ${CACHE_LATENCY_MS / 1000} s, so what is measured is Keydeck
  showing cached lists. All times are taken in the page (performance.now, a MutationObserver on the DOM). Cold load: a
  new browser context, navigation start → the first key row (\`[data-key-id]\`), ${COLD_RUNS} runs. Switch: ${SWITCHES} clicks on
  sidebar organizations → #org-title names it and the first row is one of its keys. Filter: ${FILTER_WORDS.length}
  keystrokes in the Overview's filter over all keys → the list showing that very filter (\`data-applied-filter\`).
  "To the next frame" adds the wait for rAF and a task after it. p50 / p95 (nearest rank) with min–max.
- **Floors, same Chromium, same run, same data** (taken from the core): the *React floor* is Vite-built React +
  @tanstack/react-virtual rendering Keydeck's own \`KeyRow\` and \`UsageRowView\` and styles from inline data (the same
  sidebar of organizations, the same 50 rows per organization, the same sort, filter text and virtualiser settings); the
  *static floor* is plain HTML with the rows in the page and a few lines of plain script. Served by a static server
  on 127.0.0.1. Keydeck ÷ floor is taken on p50s.
- **Core start to first list**: a fresh core process on the profile (lists cached), until its first \`keys.cached\`
  answer for one organization-environment; judged from the first line of its entry module (before the core's code is
  loaded); from spawn (adds Node's own start) and from the workspace's creation are shown too. ${RUNS} runs.
- **Memory**: the core process's RSS after two forced GCs at the end of a scale, and its peak (VmHWM on Linux)
  over its life at that scale (start, ${RUNS} core and ${RUNS} UI Refresh alls, the Chromium measures). Renderer: CDP
  Runtime.getHeapUsage after HeapProfiler.collectGarbage.
- **Bundle**: initial JS is what index.html loads (${meta.initialFiles.join(', ')}), gzip: **${meta.initialKb.toFixed(1)} KB**; loaded on
  demand (the chart): ${meta.lazyKb.toFixed(1)} KB gzip.

## Goals (issue 13)

| goal | keys | figure | |
| --- | --- | --- | --- |
${goalRows.join('\n')}

## Results

${results_md}

## Growth

Each figure's median at each scale, and how it grows from one scale to the next next to how the key count grows
("linear or better": the figure's ratio is at most 1.25 × the key ratio).

| figure | ${col((r) => `${r.keys.toLocaleString('en')}`)} |${results.length > 1 ? ' ' : ''}${results
    .slice(1)
    .map((r, i) => `${(results[i] as ScaleResult).keys.toLocaleString('en')} → ${r.keys.toLocaleString('en')}`)
    .join(' | ')}${results.length > 1 ? ' |' : ''}
| --- | ${col(() => '---')} |${results.length > 1 ? ' ' : ''}${results
    .slice(1)
    .map(() => '---')
    .join(' | ')}${results.length > 1 ? ' |' : ''}
${growthRows.join('\n')}

## Raw figures

${raw}
`;
}

// ---- Main ------------------------------------------------------------------------------------

const started = new Date();
let failed = false;
try {
  log('Building the core child and the floor page…');
  ({ coreEntry } = await buildBench(root));
  snapshotRenderer();
  sandbox = spawnChild(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/bench/sandbox-child.ts')],
    {},
    'sandbox',
  );
  urls = (await sandbox.call<{ urls: Record<string, string> }>('start')).urls;
  floorServer = await serveStatic(join(root, 'out/bench/floor'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const results: ScaleResult[] = [];
  for (const keys of SCALES) results.push(await measureScale(keys));

  const assetsDir = join(RENDERER, 'assets');
  const indexHtml = readFileSync(join(RENDERER, 'index.html'), 'utf8');
  const js = readdirSync(assetsDir).filter((f) => f.endsWith('.js'));
  const initialFiles = js.filter((f) => indexHtml.includes(`assets/${f}`));
  const gz = (files: string[]) =>
    files.reduce((sum, f) => sum + gzipSync(readFileSync(join(assetsDir, f))).length, 0) / 1024;
  const md = report(results, {
    chromium: browser.version(),
    initialKb: gz(initialFiles),
    lazyKb: gz(js.filter((f) => !initialFiles.includes(f))),
    initialFiles,
    started,
    minutes: (Date.now() - started.getTime()) / 60_000,
  });
  writeFileSync(OUT, md);
  log(`\n${md}`);
  log(`Written to ${OUT}.`);
} catch (error) {
  failed = true;
  process.stderr.write(`${PROGRAM}: something broke: ${(error as Error).message}\n`);
} finally {
  await browser?.close().catch(() => undefined);
  await floorServer?.close();
  await core?.close().catch(() => undefined);
  // Whatever happened: remove every secret this run put in the keychain, then the profile.
  if (admins.length > 0 && coreEntry) {
    const cleaner = startCore();
    try {
      const { removed } = await cleaner.call<{ removed: number }>('cleanup', {}, 300_000);
      log(`Removed ${removed} keychain items.`);
    } catch (error) {
      process.stderr.write(
        `${PROGRAM}: could not remove the keychain items of service "${SERVICE}": ${(error as Error).message}\n`,
      );
    } finally {
      await cleaner.close();
    }
  }
  await sandbox?.close().catch(() => undefined);
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
