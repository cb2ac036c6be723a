/**
 * What `npm run demo -- --keep` keeps between runs, in its folder (default `./.keydeck-demo/`):
 *
 *   profile/        Keydeck's profile (metadata with the rotation journals, cache, logs)
 *   sandbox.json    the provider sandbox: organizations and keys, each key under its HMAC only
 *                   (the sandbox never keeps a secret, on disk neither), with the ports it served on
 *   demo.json       the ports, and which sandbox organizations are left for you to connect
 *   demo-run.json   the marker of the run using it now (see runs.ts)
 *
 * The keychain items live under their own service, "Keydeck Demo (kept)", so a plain demo's clean-up
 * never touches them.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import type { SandboxState } from '../../test/sandbox/server.js';
import { MARKER } from './runs.js';

export const KEPT_FILES = { profile: 'profile', sandbox: 'sandbox.json', demo: 'demo.json' } as const;

export interface KeptDemo {
  version: 1;
  /** The port each provider's sandbox server listened on, so organizations still point at it. */
  ports: Partial<Record<ProviderId, number>>;
  /** Organizations for the person to connect, and the admin keys printed for them (by sandbox id). */
  yours: { provider: ProviderId; orgId: string; name: string; printedIds: string[] }[];
}

/** Writes JSON atomically (a temp file renamed over), mode 0600: a kill mid-write leaves the old file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The kept demo in `dir`, or why it cannot be resumed ('none': nothing kept there yet). */
export function loadKept(dir: string): { demo: KeptDemo; sandbox: SandboxState } | 'none' | 'incomplete' {
  const demo = readJson<KeptDemo>(join(dir, KEPT_FILES.demo));
  const sandbox = readJson<SandboxState>(join(dir, KEPT_FILES.sandbox));
  if (
    demo?.version === 1 &&
    sandbox?.version === 1 &&
    Array.isArray(demo.yours) &&
    typeof sandbox.providers === 'object'
  )
    return { demo, sandbox };
  const anything = [KEPT_FILES.demo, KEPT_FILES.sandbox, join(KEPT_FILES.profile, 'metadata.json')].some((f) =>
    existsSync(join(dir, f)),
  );
  return anything ? 'incomplete' : 'none';
}

/**
 * Whether `dir` may be used as a kept demo folder: it does not exist, is empty, or holds only what
 * a demo writes there. Anything else is refused rather than ever removed.
 */
export function foreignEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const ours = new Set<string>([...Object.values(KEPT_FILES), MARKER]);
  return readdirSync(dir).filter((n) => !ours.has(n) && !/^(demo|sandbox)\.json\.\d+\.tmp$/.test(n));
}

/** Removes what a demo wrote in `dir` (and `dir` itself if that leaves it empty); nothing else. */
export function removeKeptFiles(dir: string): void {
  for (const name of [...Object.values(KEPT_FILES), MARKER]) rmSync(join(dir, name), { recursive: true, force: true });
  for (const n of existsSync(dir) ? readdirSync(dir) : [])
    if (/^(demo|sandbox)\.json\.\d+\.tmp$/.test(n)) rmSync(join(dir, n), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // not empty (something of the person's) or already gone
  }
}

/**
 * Drops, from a saved sandbox state, the admin keys printed for the person at an earlier start that
 * were never used (so never connected): new ones are printed at this start, as the old secrets were
 * never kept anywhere. Keys that were used stay.
 */
export function dropUnusedPrinted(state: SandboxState, demo: KeptDemo): void {
  const printed = new Set(demo.yours.flatMap((y) => y.printedIds));
  for (const provider of Object.values(state.providers)) {
    if (!provider) continue;
    provider.keys.keys = provider.keys.keys.filter(({ key }) => !printed.has(key.id) || key.lastUsedAt !== undefined);
  }
}
