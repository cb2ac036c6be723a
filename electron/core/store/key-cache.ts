// Long on purpose: the cache's file format, per-burst atomic writes, lazy reads and quota entries share one in-memory index.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Environment, KeyRecord } from '../../../shared/domain.js';
import { containsSecret } from '../log.js';

/** One cached key list: what the provider (or Keydeck) last said, and when. */
export const CachedList = z.object({
  fetchedAt: z.string(),
  source: z.enum(['provider', 'keydeck']),
  environment: Environment,
  keys: z.array(KeyRecord),
});
export type CachedList = z.infer<typeof CachedList>;
/** Keydeck's own calls to one organization and environment on one UTC day, and the last rate-limit headers. */
export const QuotaEntry = z.object({
  day: z.string(),
  calls: z.number().int().nonnegative(),
  /** Answers of 429: the provider refused the call for a limit. */
  refused: z.number().int().nonnegative(),
  /** Of `calls`, those spent identifying keys by their last use (the sk-style watch). Absent in older files. */
  identifying: z.number().int().nonnegative().optional(),
  header: z
    .object({
      limit: z.number().int().nonnegative().optional(),
      remaining: z.number().int().nonnegative().optional(),
      resetAt: z.string().optional(),
      seenAt: z.string(),
    })
    .optional(),
});
export type QuotaEntry = z.infer<typeof QuotaEntry>;

/** The folder of the key cache inside a profile. Not `cache`: Chromium keeps its `Cache` in Electron's userData, and macOS and Windows do not tell the two apart. */
export const KEY_CACHE_DIR = 'key-cache';
/** The single-file cache of Keydeck 0.1 (conf / electron-store), deleted on this version's first write. */
export const LEGACY_CACHE_FILE = 'cache.json';

/** One organization-environment's list: `<org>.<environment>.json`. */
const ListFile = z.object({
  version: z.literal(1),
  orgId: z.string().max(200),
  environment: Environment,
  list: CachedList,
});
/** Per `orgId:environment`. */
const QuotaFile = z.object({ version: z.literal(1), quota: z.record(z.string(), QuotaEntry) });
/** Per key (`orgId:environment:keyId`): the local day of its last reminder. */
const RemindedFile = z.object({ version: z.literal(1), reminded: z.record(z.string(), z.string()) });
const QUOTA_FILE = 'quota.json';
const REMINDED_FILE = 'reminded.json';
/** A list file's name: an id in a safe alphabet as it is, anything else as `~` + its hash (so no name can leave the folder). */
const LIST_FILE_NAME = /^(?:([A-Za-z0-9_-]{1,64})|~[0-9a-f]{40})\.(live|test)\.json$/;
/** Temporary files of a write (`.<name>.<random>.tmp`); one left by a crash is removed on the next first write. */
const TEMP_FILE_NAME = /^\..+\.[0-9a-f]{16}\.tmp$/;
/** A cache file larger than this is not read (a cache, never a reason to run out of memory). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** How many files are written at once. */
const WRITE_CONCURRENCY = 8;
const ENVIRONMENTS = new Set(['live', 'test']);

/** How long writes are gathered before the changed files are written (a Refresh all writes once per burst, not 200 times). */
const WRITE_DELAY_MS = 250;

/** The file name of an organization-environment's list, or undefined for an environment Keydeck does not have. */
export function listFileName(orgId: string, environment: string): string | undefined {
  if (!ENVIRONMENTS.has(environment)) return undefined;
  const safe = /^[A-Za-z0-9_-]{1,64}$/.test(orgId)
    ? orgId
    : `~${createHash('sha256').update(orgId, 'utf8').digest('hex').slice(0, 40)}`;
  return `${safe}.${environment}.json`;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** A file of the cache as parsed JSON; undefined when it is missing, a link, too large or not JSON. Never follows a link. */
function readJson(path: string): unknown {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return JSON.parse(readFileSync(fd, 'utf8')) as unknown;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `text` to `dir/name` atomically: a new temporary file beside it (created exclusively,
 * never through a link, mode 0600), written, synced, then renamed over the name. A link or file
 * someone put at the name is replaced, never written through. On failure the temporary file goes.
 */
export async function writeAtomic(dir: string, name: string, text: string): Promise<void> {
  const temp = join(dir, `.${name}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

export interface KeyCacheOptions {
  /** The cache folder (`<profile>/key-cache`); without one the cache lives in memory only (unit tests). */
  dir?: string;
  /** Files of an older layout, deleted on the first write. */
  legacyFiles?: string[];
  writeDelayMs?: number;
}

/**
 * The last key list per organization and environment, so lists appear at once and stay readable
 * offline ("as of <time>"). One small file per organization-environment (`<dir>/<org>.<env>.json`)
 * plus `quota.json` and `reminded.json`, each read the first time it is needed and then kept in
 * memory. Writes are gathered for a short while, then only the files that changed are written,
 * asynchronously and atomically, without reading anything back. A cache only: a file that does not
 * parse is treated as absent, never an error. Masked keys and public facts only; anything
 * key-shaped is refused.
 */
export class KeyCache {
  readonly dir: string | undefined;
  /** Files read, written (renamed into place) and removed by this instance: for tests and the benchmark. */
  readonly stats = { read: 0, written: 0, removed: 0 };
  /** Lists read or set, per `orgId:environment`; null: known to be absent. */
  private readonly lists = new Map<string, CachedList | null>();
  /** Whether every list file has been read. */
  private allRead = false;
  private quotaDoc: Record<string, QuotaEntry> | undefined;
  private remindedDoc: Record<string, string> | undefined;
  private dirtyLists = new Set<string>();
  private dirtyQuota = false;
  private dirtyReminded = false;
  private timer: NodeJS.Timeout | undefined;
  /** Writes and removals, one after the other. */
  private chain: Promise<void> = Promise.resolve();
  /** Whether this process prepared the folder (made it, checked it, removed temporaries and the legacy files). */
  private prepared = false;
  private refusal: string | undefined;
  private readonly legacyFiles: string[];
  private readonly delayMs: number;

  constructor(options: KeyCacheOptions = {}) {
    this.dir = options.dir;
    this.legacyFiles = options.legacyFiles ?? [];
    this.delayMs = options.writeDelayMs ?? WRITE_DELAY_MS;
  }

  /** The cache of a profile folder: `<profile>/key-cache/`, replacing `<profile>/cache.json`. */
  static inProfile(profileDir: string): KeyCache {
    return new KeyCache({ dir: join(profileDir, KEY_CACHE_DIR), legacyFiles: [join(profileDir, LEGACY_CACHE_FILE)] });
  }

  private path(name: string): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, name);
  }

  private readList(orgId: string, environment: string): CachedList | undefined {
    const name = listFileName(orgId, environment);
    const path = name && this.path(name);
    if (!path) return undefined;
    this.stats.read++;
    const parsed = ListFile.safeParse(readJson(path));
    return parsed.success &&
      parsed.data.orgId === orgId &&
      parsed.data.environment === environment &&
      parsed.data.list.environment === environment
      ? parsed.data.list
      : undefined;
  }

  private quotas(): Record<string, QuotaEntry> {
    if (!this.quotaDoc) {
      const path = this.path(QUOTA_FILE);
      if (path) this.stats.read++;
      const parsed = path ? QuotaFile.safeParse(readJson(path)) : undefined;
      this.quotaDoc = parsed?.success ? parsed.data.quota : {};
    }
    return this.quotaDoc;
  }

  quota(orgId: string, environment: string): QuotaEntry | undefined {
    return this.quotas()[`${orgId}:${environment}`];
  }

  setQuota(orgId: string, environment: string, entry: QuotaEntry): void {
    this.quotas()[`${orgId}:${environment}`] = entry;
    this.dirtyQuota = true;
    this.schedule();
  }

  /** Reminder days per key; the caller changes the map and calls `touch()`. */
  reminded(): Record<string, string> {
    if (!this.remindedDoc) {
      const path = this.path(REMINDED_FILE);
      if (path) this.stats.read++;
      const parsed = path ? RemindedFile.safeParse(readJson(path)) : undefined;
      this.remindedDoc = parsed?.success ? parsed.data.reminded : {};
    }
    return this.remindedDoc;
  }

  /** The reminder days changed: write them with the next burst. */
  touch(): void {
    this.dirtyReminded = true;
    this.schedule();
  }

  /** One organization-environment's list; the first call reads just its file. The same object until the next `set`. */
  get(orgId: string, environment: string): CachedList | undefined {
    const key = `${orgId}:${environment}`;
    const known = this.lists.get(key);
    if (known !== undefined) return known ?? undefined;
    if (this.allRead || !ENVIRONMENTS.has(environment)) return undefined;
    const list = this.readList(orgId, environment);
    this.lists.set(key, list ?? null);
    return list;
  }

  /** Every list, per `orgId:environment` (reads the files not read yet). */
  all(): Record<string, CachedList> {
    if (!this.allRead && this.dir !== undefined) {
      let names: string[] = [];
      try {
        names = readdirSync(this.dir);
      } catch {
        // No folder: no lists.
      }
      for (const name of names) {
        const match = LIST_FILE_NAME.exec(name);
        if (!match) continue;
        const literal = match[1];
        if (literal !== undefined && this.lists.has(`${literal}:${match[2]}`)) continue;
        this.stats.read++;
        const parsed = ListFile.safeParse(readJson(join(this.dir, name)));
        if (
          !parsed.success ||
          listFileName(parsed.data.orgId, parsed.data.environment) !== name ||
          parsed.data.list.environment !== parsed.data.environment
        )
          continue;
        const key = `${parsed.data.orgId}:${parsed.data.environment}`;
        if (!this.lists.has(key)) this.lists.set(key, parsed.data.list);
      }
    }
    this.allRead = true;
    const out: Record<string, CachedList> = {};
    for (const [key, list] of this.lists) if (list) out[key] = list;
    return out;
  }

  set(orgId: string, environment: string, list: CachedList): void {
    if (!ENVIRONMENTS.has(environment) || containsSecret(JSON.stringify(list))) return;
    const key = `${orgId}:${environment}`;
    this.lists.set(key, list);
    this.dirtyLists.add(key);
    this.schedule();
  }

  forgetOrg(orgId: string): void {
    for (const environment of ENVIRONMENTS) {
      const key = `${orgId}:${environment}`;
      this.lists.set(key, null);
      this.dirtyLists.add(key);
    }
    const prefix = `${orgId}:`;
    const quota = this.quotas();
    for (const k of Object.keys(quota)) {
      if (!k.startsWith(prefix)) continue;
      delete quota[k];
      this.dirtyQuota = true;
    }
    const reminded = this.reminded();
    for (const k of Object.keys(reminded)) {
      if (!k.startsWith(prefix)) continue;
      delete reminded[k];
      this.dirtyReminded = true;
    }
    this.schedule();
  }

  /**
   * From now on nothing is written (the profile lock was lost or released: another process may own
   * the folder). Reads and changes in memory still work.
   */
  refuseWrites(reason: string): void {
    this.refusal ??= reason;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.dir === undefined || this.refusal !== undefined) return;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
    this.timer.unref?.();
  }

  /** Writes pending changes now; resolves once they are on disk (awaited on dispose, so nothing is lost at quit). Never rejects. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.writeChanges()).catch(() => undefined);
    return this.chain;
  }

  /**
   * Settings → Remove all Keydeck data: forgets everything, waits for any write under way, then
   * deletes the cache folder and the legacy file. Says which files went and which could not.
   */
  clear(): Promise<{ removed: string[]; problems: string[] }> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lists.clear();
    this.allRead = true;
    this.quotaDoc = {};
    this.remindedDoc = {};
    this.dirtyLists = new Set();
    this.dirtyQuota = false;
    this.dirtyReminded = false;
    const result = { removed: [] as string[], problems: [] as string[] };
    const remove = async () => {
      const dir = this.dir;
      if (dir === undefined) return;
      if (this.refusal !== undefined) {
        // Another process may own the profile now: its files are not this one's to delete.
        result.problems.push(`${dir} (not removed: ${this.refusal})`);
        return;
      }
      const problem = (path: string, error: unknown) =>
        result.problems.push(`${path} (${error instanceof Error ? error.message : String(error)})`);
      for (const path of this.legacyFiles) {
        try {
          await lstat(path);
        } catch {
          continue;
        }
        await rm(path, { force: true }).then(
          () => result.removed.push(path),
          (error: unknown) => problem(path, error),
        );
      }
      let names: string[];
      try {
        // A link in place of the folder is removed itself, never followed.
        if (!(await lstat(dir)).isDirectory()) names = [];
        else names = await readdir(dir);
      } catch {
        return;
      }
      try {
        await rm(dir, { recursive: true, force: true });
        result.removed.push(...names.map((n) => join(dir, n)), dir);
      } catch (error) {
        problem(dir, error);
      }
      // The next write makes and checks the folder again.
      this.prepared = false;
    };
    const done = this.chain.then(remove, remove).then(() => result);
    this.chain = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** Makes the folder (0700) on first use and refuses one that is a link or not a folder. */
  private async prepare(dir: string): Promise<void> {
    if (this.prepared) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await lstat(dir);
    if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`${dir} is not a folder`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) await chmod(dir, 0o700);
    // Temporary files left by a crash, then the cache of an older version (replaced by this folder).
    for (const name of await readdir(dir))
      if (TEMP_FILE_NAME.test(name)) await rm(join(dir, name), { force: true }).catch(() => undefined);
    for (const path of this.legacyFiles) await rm(path, { force: true }).catch(() => undefined);
    this.prepared = true;
  }

  private async writeChanges(): Promise<void> {
    const dir = this.dir;
    if (dir === undefined || this.refusal !== undefined) return;
    // What changed, as text now: later changes are written by the next flush.
    const jobs: { name: string; text?: string; redo: () => void }[] = [];
    for (const key of this.dirtyLists) {
      const at = key.lastIndexOf(':');
      const orgId = key.slice(0, at);
      const environment = key.slice(at + 1);
      const name = listFileName(orgId, environment);
      if (!name) continue;
      const list = this.lists.get(key);
      const text = list ? JSON.stringify({ version: 1, orgId, environment, list }) : undefined;
      if (text !== undefined && containsSecret(text)) continue;
      jobs.push({ name, text, redo: () => this.dirtyLists.add(key) });
    }
    if (this.dirtyQuota) {
      const text = JSON.stringify({ version: 1, quota: this.quotas() });
      if (!containsSecret(text)) jobs.push({ name: QUOTA_FILE, text, redo: () => (this.dirtyQuota = true) });
    }
    if (this.dirtyReminded) {
      const text = JSON.stringify({ version: 1, reminded: this.reminded() });
      if (!containsSecret(text)) jobs.push({ name: REMINDED_FILE, text, redo: () => (this.dirtyReminded = true) });
    }
    this.dirtyLists = new Set();
    this.dirtyQuota = false;
    this.dirtyReminded = false;
    try {
      await this.prepare(dir);
    } catch {
      // A cache that cannot be written only costs a slower next start; the next flush tries again.
      for (const job of jobs) job.redo();
      return;
    }
    if (jobs.length === 0) return;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          if (job.text === undefined) {
            await rm(join(dir, job.name), { force: true });
            this.stats.removed++;
          } else {
            await writeAtomic(dir, job.name, job.text);
            this.stats.written++;
          }
        } catch {
          job.redo();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, jobs.length) }, worker));
    // The renames themselves made durable (where a folder can be synced).
    try {
      const handle = await open(dir, 'r');
      await handle.sync().finally(() => handle.close());
    } catch {
      // Windows cannot open a folder; the files themselves were synced.
    }
  }
}
