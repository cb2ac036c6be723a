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

/**
 * The last key list per organization and environment, so lists appear at once and stay readable
 * offline ("as of <time>"). A cache only: a file that does not parse is treated as empty, never an
 * error. Masked keys and public facts only; a write holding anything key-shaped is refused.
 */
export class KeyCache {
  constructor(private readonly backend: DocumentBackend) {}

  private read(): z.infer<typeof CacheDoc> {
    try {
      const parsed = CacheDoc.safeParse(this.backend.store);
      return parsed.success ? parsed.data : { version: 1, lists: {} };
    } catch {
      return { version: 1, lists: {} };
    }
  }

  get(orgId: string, environment: string): CachedList | undefined {
    return this.read().lists[`${orgId}:${environment}`];
  }

  all(): Record<string, CachedList> {
    return this.read().lists;
  }

  set(orgId: string, environment: string, list: CachedList): void {
    const doc = this.read();
    doc.lists[`${orgId}:${environment}`] = list;
    if (containsSecret(JSON.stringify(doc))) return;
    try {
      this.backend.store = doc as unknown as Record<string, unknown>;
    } catch {
      // A cache that cannot be written only costs a slower next start.
    }
  }

  forgetOrg(orgId: string): void {
    const doc = this.read();
    for (const k of Object.keys(doc.lists)) if (k.startsWith(`${orgId}:`)) delete doc.lists[k];
    try {
      this.backend.store = doc as unknown as Record<string, unknown>;
    } catch {
      // see set()
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
