/**
 * The demo's folders and keychain items, and cleaning up after demos that did not stop cleanly.
 *
 * Every demo run has a run folder: `<tmp>/keydeck-demo-XXXXXX/` for a plain run, the `--keep`
 * folder (default `./.keydeck-demo/`) for a kept one. In it: `demo-run.json` (the marker: pid,
 * process start time, host, kind, keychain service; never a secret) and `profile/` (Keydeck's
 * profile folder, locked while the demo runs). A plain run removes its folder and its keychain
 * items when it stops; after a crash (SIGKILL, power cut) the next demo finds folders whose pid is
 * gone and removes them and their keychain items.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireProfileLock, ProfileLockedError } from '../../electron/core/store/profile-lock.js';
import type { SecretStore } from '../../electron/core/vault/secret-store.js';

export const MARKER = 'demo-run.json';
export const RUN_PREFIX = 'keydeck-demo-';
/** A folder named like a run but with no marker is left alone this long (its demo may be starting). */
const UNMARKED_GRACE_MS = 60_000;

export interface RunMarker {
  pid: number;
  /** Linux: the process's start time in clock ticks, so a reused pid is not mistaken for the demo. */
  startTicks?: number;
  host: string;
  kind: 'plain' | 'kept';
  service: string;
  startedAt: string;
}

function startTicks(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

export function writeMarker(runDir: string, kind: RunMarker['kind'], service: string): void {
  const marker: RunMarker = {
    pid: process.pid,
    startTicks: startTicks(process.pid),
    host: hostname(),
    kind,
    service,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(join(runDir, MARKER), `${JSON.stringify(marker)}\n`, { mode: 0o600 });
}

export function readMarker(runDir: string): RunMarker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(runDir, MARKER), 'utf8')) as RunMarker;
    return typeof m === 'object' && m !== null && typeof m.pid === 'number' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** True unless the marker's process is certainly gone (or its pid now belongs to another process). */
export function isAlive(marker: RunMarker): boolean {
  if (marker.host !== hostname()) return true;
  try {
    process.kill(marker.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  const now = startTicks(marker.pid);
  return marker.startTicks === undefined || now === undefined || now === marker.startTicks;
}

/** The profile folder of a run folder (runs of older demos used the run folder itself). */
export function profileOf(runDir: string): string {
  return existsSync(join(runDir, 'profile')) ? join(runDir, 'profile') : runDir;
}

/** Keydeck's organization ids in a profile folder (from its metadata and the copy taken at start). */
export function orgIdsOf(profileDir: string): Set<string> {
  const ids = new Set<string>();
  for (const file of ['metadata.json', 'metadata.last-good.json']) {
    try {
      const doc = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { organizations?: { id?: unknown }[] };
      for (const o of doc.organizations ?? []) if (typeof o.id === 'string') ids.add(o.id);
    } catch {
      // missing or damaged: the keychain wipe below covers it
    }
  }
  return ids;
}

/**
 * Deletes the service's keychain items of these organizations (account names are
 * `<provider>:<orgId>:<environment>:<credentialId>`), or every item of the service with 'all'.
 * Returns how many were deleted.
 */
export async function deleteKeychainItems(store: SecretStore, which: Set<string> | 'all'): Promise<number> {
  if (!store.list) return 0;
  let deleted = 0;
  for (const { account } of await store.list()) {
    if (which !== 'all' && !which.has(account.split(':')[1] ?? '')) continue;
    if (await store.delete(account)) deleted++;
  }
  return deleted;
}

export interface StaleRun {
  runDir: string;
  orgIds: Set<string>;
}

/**
 * Plain demo runs in `tmp` whose process is gone, each removed here (run folder and all) once its
 * profile lock could be taken (an Electron app a killed demo started may still hold it: then the
 * folder is left for a later start). Returns what was removed, with the organization ids whose
 * keychain items are to go, and whether another plain demo is running now.
 */
export function removeStaleRuns(tmp: string, ownRunDir?: string): { removed: StaleRun[]; othersRunning: boolean } {
  const removed: StaleRun[] = [];
  let othersRunning = false;
  let names: string[] = [];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith(RUN_PREFIX));
  } catch {
    return { removed, othersRunning };
  }
  for (const name of names) {
    const runDir = join(tmp, name);
    if (runDir === ownRunDir) continue;
    try {
      if (!statSync(runDir).isDirectory()) continue;
      const marker = readMarker(runDir);
      if (marker && marker.kind !== 'plain') continue;
      if (marker ? isAlive(marker) : Date.now() - statSync(runDir).mtimeMs < UNMARKED_GRACE_MS) {
        othersRunning = true;
        continue;
      }
      const profileDir = profileOf(runDir);
      let lock;
      try {
        lock = acquireProfileLock(profileDir, { kind: 'demo' });
      } catch (error) {
        if (error instanceof ProfileLockedError) {
          othersRunning = true;
          continue;
        }
        throw error;
      }
      const orgIds = orgIdsOf(profileDir);
      lock.release();
      rmSync(runDir, { recursive: true, force: true });
      removed.push({ runDir, orgIds });
    } catch {
      // Not ours to judge (another user's, unreadable): leave it.
    }
  }
  return { removed, othersRunning };
}
