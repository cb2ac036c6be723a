/**
 * Keydeck's core alone in its own process, for `npm run bench`: the Node workspace (real keychain,
 * real cache files, real HTTP to the sandbox process) and, when asked, the preview host serving the
 * built renderer. Built into one file by scripts/bench/build.ts (as the app bundles its core) and run
 * with `node --expose-gc`, so its RSS is the core's own, not tsx's or the benchmark's.
 *
 * Configured by BENCH_CORE (JSON: profileDir, urls, service, firstList?). Spoken to over
 * stdin/stdout one JSON object a line (scripts/bench/pipe.ts). When `firstList` is given it asks
 * `keys.cached` for that organization-environment as soon as the workspace exists and reports the
 * times as a `ready` event: from the first line of its entry module (core-entry.ts), and from the
 * workspace's creation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { startPreviewHost, type PreviewHost } from '../../electron/preview/host.js';
import type { Environment, BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import type { Result } from '../../shared/errors.js';
import { REFRESH_CONCURRENCY, refreshAll, refreshTargets, type RefreshTarget } from '../../shared/refresh.js';
import { serveLines } from './pipe.js';

interface Config {
  profileDir: string;
  urls: Record<ProviderId, string>;
  service: string;
  firstList?: { orgId: string; environment: Environment };
}

const t0 = (globalThis as { __benchT0?: number }).__benchT0 ?? 0;
const config = JSON.parse(process.env.BENCH_CORE ?? '{}') as Config;
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const tWs0 = performance.now();
const secrets = new KeytarSecretStore(config.service);
const ws = createNodeWorkspace({
  profileDir: config.profileDir,
  keychainService: config.service,
  transport: 'preview',
  version: 'bench',
  secrets,
  baseUrlOverrides: config.urls,
  http: { deadlineMs: 30_000 },
});
const call = (channel: string, input: unknown) => ws.call(channel as never, input as never) as Promise<Result<unknown>>;
const must = async <T>(channel: string, input: unknown): Promise<T> => {
  const r = await call(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};

if (config.firstList) {
  const r = await call('keys.cached', config.firstList);
  const tAnswer = performance.now();
  const keys = r.ok ? ((r.value as { list: { keys: unknown[] } | null }).list?.keys.length ?? 0) : -1;
  out({ event: 'ready', fromModuleMs: tAnswer - t0, fromWorkspaceMs: tAnswer - tWs0, processUptimeMs: tAnswer, keys });
} else out({ event: 'ready' });

let host: PreviewHost | undefined;
let profiler: Session | undefined;

/**
 * This process's peak RSS in MB. Linux: VmHWM, the high-water mark of this process's own memory.
 * Not resourceUsage().maxRSS there: a spawned child's maxRSS starts at the RSS of the forked copy of
 * its parent (kept across exec), so it would report the benchmark's own size, not the core's.
 */
function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function targets(): Promise<RefreshTarget[]> {
  const { organizations } = await must<{ organizations: { id: string; environments: Environment[] }[] }>(
    'orgs.list',
    {},
  );
  return refreshTargets(organizations);
}

async function handle(msg: { cmd: string; [k: string]: unknown }): Promise<unknown> {
  switch (msg.cmd) {
    case 'connect': {
      // Sequentially, as a person would: each a real verification, keychain write and metadata write.
      const admins = msg.admins as { name: string; live: string; test: string }[];
      for (const a of admins) {
        const c = await must<{ organization: { id: string } }>('orgs.connect', { key: a.live, name: a.name });
        await must('orgs.connectEnvironment', { orgId: c.organization.id, environment: 'test', key: a.test });
      }
      return { connected: admins.length };
    }
    case 'orgs': {
      const { organizations } = await must<{
        organizations: { id: string; name: string; environments: Environment[] }[];
      }>('orgs.list', {});
      return organizations.map((o) => ({ id: o.id, name: o.name, environments: o.environments }));
    }
    case 'refresh': {
      // Refresh all as the UI runs it: shared/refresh.ts at REFRESH_CONCURRENCY.
      const list = await targets();
      const started = performance.now();
      const outcomes = await refreshAll(list, (t) => call('keys.list', t), { concurrency: REFRESH_CONCURRENCY });
      const ms = performance.now() - started;
      const failed = outcomes.filter((o) => !o.ok);
      return { ms, targets: list.length, failed: failed.length, firstError: failed[0]?.error?.message };
    }
    case 'host':
      host ??= await startPreviewHost({
        core: ws,
        rendererDir: String(msg.rendererDir),
        onConnectionError: () => undefined,
      });
      return { url: host.url };
    case 'floorData': {
      const info = await must<{ providers: { id: string }[] }>('app.info', {});
      const overview = await must<{ rows: unknown[] }>('usage.overview', {});
      const lists: Record<string, unknown> = {};
      for (const orgId of msg.orgIds as string[]) {
        const live = await must<{ list: unknown }>('keys.cached', { orgId, environment: 'live' });
        const test = await must<{ list: unknown }>('keys.cached', { orgId, environment: 'test' });
        lists[orgId] = { live: live.list, test: test.list };
      }
      return { provider: info.providers.find((p) => p.id === 'laghav'), rows: overview.rows, lists };
    }
    case 'memory': {
      // Peak so far without touching the heap; with `gc`, RSS after two forced collections too.
      if (!msg.gc) return { peakRssMb: peakRssMb(), rssMb: process.memoryUsage().rss / 1_048_576 };
      const g = (globalThis as { gc?: () => void }).gc;
      g?.();
      g?.();
      const m = process.memoryUsage();
      return { gc: Boolean(g), rssMb: m.rss / 1_048_576, heapUsedMb: m.heapUsed / 1_048_576, peakRssMb: peakRssMb() };
    }
    case 'cleanup': {
      // Every secret this profile put in the keychain, so a run leaves nothing behind.
      const doc = ws.meta.read();
      let removed = 0;
      for (const c of doc.credentials) {
        const org = doc.organizations.find((o) => o.id === c.orgId);
        if (org && (await secrets.delete(`${org.provider}:${org.id}:${c.environment}:${c.id}`))) removed += 1;
      }
      return { removed };
    }
    case 'profileStart': {
      // A CPU profile of this process until profileStop (written where asked): what the core spends a phase on.
      profiler ??= new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
      return {};
    }
    case 'profileStop': {
      if (!profiler) throw new Error('no profile started');
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      writeFileSync(String(msg.file), JSON.stringify(profile));
      return {};
    }
    case 'close':
      await host?.close();
      await ws.dispose();
      return {};
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

// The parent went away: close the host and the core, then stop.
serveLines(handle, async () => {
  await host?.close().catch(() => undefined);
  await ws.dispose().catch(() => undefined);
});
