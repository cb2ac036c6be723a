import { z } from 'zod';
import { Environment, KeyRecord } from '../../../shared/domain.js';
import { containsSecret } from '../log.js';
import type { DocumentBackend } from './meta-store.js';

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

const CacheDoc = z.object({
  version: z.literal(1),
  lists: z.record(z.string(), CachedList),
  /** Per `orgId:environment`. */
  quota: z.record(z.string(), QuotaEntry).default({}),
  /** Per key (`orgId:environment:keyId`): the local day of its last reminder. */
  reminded: z.record(z.string(), z.string()).default({}),
});
type CacheDoc = z.infer<typeof CacheDoc>;

/** How long writes are gathered before the cache file is written (a Refresh all writes once, not 200 times). */
const WRITE_DELAY_MS = 250;

/**
 * The last key list per organization and environment, so lists appear at once and stay readable
 * offline ("as of <time>"). Read from disk once and kept in memory; writes are gathered and
 * flushed shortly after, and on dispose. A cache only: a file that does not parse is treated as
 * empty, never an error. Masked keys and public facts only; anything key-shaped is refused.
 */
export class KeyCache {
  private doc: CacheDoc | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly backend: DocumentBackend) {}

  private loadDoc(): CacheDoc {
    if (!this.doc) {
      try {
        const parsed = CacheDoc.safeParse(this.backend.store);
        this.doc = parsed.success ? parsed.data : undefined;
      } catch {
        this.doc = undefined;
      }
      this.doc ??= { version: 1, lists: {}, quota: {}, reminded: {} };
    }
    return this.doc;
  }

  private load(): Record<string, CachedList> {
    return this.loadDoc().lists;
  }

  quota(orgId: string, environment: string): QuotaEntry | undefined {
    return this.loadDoc().quota[`${orgId}:${environment}`];
  }

  setQuota(orgId: string, environment: string, entry: QuotaEntry): void {
    this.loadDoc().quota[`${orgId}:${environment}`] = entry;
    this.schedule();
  }

  /** Reminder days per key; the caller changes the map and calls `touch()`. */
  reminded(): Record<string, string> {
    return this.loadDoc().reminded;
  }

  touch(): void {
    this.schedule();
  }

  get(orgId: string, environment: string): CachedList | undefined {
    return this.load()[`${orgId}:${environment}`];
  }

  all(): Record<string, CachedList> {
    return this.load();
  }

  set(orgId: string, environment: string, list: CachedList): void {
    if (containsSecret(JSON.stringify(list))) return;
    this.load()[`${orgId}:${environment}`] = list;
    this.schedule();
  }

  forgetOrg(orgId: string): void {
    const doc = this.loadDoc();
    for (const section of [doc.lists, doc.quota, doc.reminded]) {
      for (const k of Object.keys(section)) if (k.startsWith(`${orgId}:`)) delete section[k];
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
    this.timer.unref?.();
  }

  /** Writes pending changes now (called on dispose, so nothing is lost at quit). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.doc) return;
    try {
      this.backend.store = this.doc as unknown as Record<string, unknown>;
    } catch {
      // A cache that cannot be written only costs a slower next start.
    }
  }
}

/** A cache held in memory, where no file is wanted (unit tests). */
export function memoryBackend(): DocumentBackend {
  let store: Record<string, unknown> = {};
  return {
    get store() {
      return store;
    },
    set store(value) {
      store = value;
    },
    path: ':memory:',
  };
}
