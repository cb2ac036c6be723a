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
const CacheDoc = z.object({ version: z.literal(1), lists: z.record(z.string(), CachedList) });

/** How long writes are gathered before the cache file is written (a Refresh all writes once, not 200 times). */
const WRITE_DELAY_MS = 250;

/**
 * The last key list per organization and environment, so lists appear at once and stay readable
 * offline ("as of <time>"). Read from disk once and kept in memory; writes are gathered and
 * flushed shortly after, and on dispose. A cache only: a file that does not parse is treated as
 * empty, never an error. Masked keys and public facts only; anything key-shaped is refused.
 */
export class KeyCache {
  private lists: Record<string, CachedList> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly backend: DocumentBackend) {}

  private load(): Record<string, CachedList> {
    if (!this.lists) {
      try {
        const parsed = CacheDoc.safeParse(this.backend.store);
        this.lists = parsed.success ? parsed.data.lists : {};
      } catch {
        this.lists = {};
      }
    }
    return this.lists;
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
    const lists = this.load();
    for (const k of Object.keys(lists)) if (k.startsWith(`${orgId}:`)) delete lists[k];
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
    if (!this.lists) return;
    try {
      this.backend.store = { version: 1, lists: this.lists } as unknown as Record<string, unknown>;
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
