import { createHmac, randomBytes } from 'node:crypto';
import type { HostileKeyVariant } from './modes.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER36 = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random string over an alphabet: the body of a sandbox key. */
export function randomBody(length = 32, alphabet = BASE62): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}
export const lowerAlnum = (length: number) => randomBody(length, LOWER36);

export interface StoredKey {
  id: string;
  orgId: string;
  name: string;
  scope?: string;
  /** The published prefix ('' for Legba, which publishes none). */
  prefix: string;
  last4: string;
  environment: 'live' | 'test';
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
  /** Last use as the API reports it (lags behind `actualLastUsedAt` in late-last-use mode). */
  lastUsedAt?: string;
  /** When the key was really last used. */
  actualLastUsedAt?: string;
  expiresAt?: string;
  /** sk-style restrictions: a read-only key may list but not revoke (403). */
  readOnly?: boolean;
  /** Calls made today (UTC), for daily limits. */
  usage: { day: string; calls: number };
  /** Set when a hostile create answered this key's secret garbled (modes.ts). */
  hostile?: HostileKeyVariant;
}

/**
 * The provider's side of keys, as every provider page describes it: the full key exists only in
 * the create response; the server keeps an HMAC-SHA256 of it (keyed by a per-sandbox pepper) and
 * looks keys up by that hash.
 */
export class HashedKeyStore {
  private pepper = randomBytes(32);
  private readonly byHash = new Map<string, StoredKey>();
  /** Every key by id, in filing order. Written only through `file` and `importState` (which keep the index below). */
  readonly byId = new Map<string, StoredKey>();
  /**
   * Each organization's keys in filing order, so a list costs O(that organization's keys), not a scan
   * of every key of every organization (the benchmark holds 50,000). A key's organization and
   * environment never change after filing; revoking changes only its status.
   */
  private readonly byOrg = new Map<string, StoredKey[]>();
  private indexed = 0;
  private seq = 0;

  hash(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret).digest('hex');
  }

  /** Files a freshly generated secret by its hash; the secret itself is returned once and not kept. */
  file(secret: string, fields: Omit<StoredKey, 'id' | 'last4' | 'status' | 'usage'>, idPrefix = 'key_'): StoredKey {
    this.seq += 1;
    const key: StoredKey = {
      ...fields,
      id: `${idPrefix}${randomBody(12, LOWER36)}${this.seq}`,
      last4: secret.slice(-4),
      status: 'active',
      usage: { day: '', calls: 0 },
    };
    this.byHash.set(this.hash(secret), key);
    this.byId.set(key.id, key);
    this.index(key);
    return key;
  }

  private index(key: StoredKey): void {
    const list = this.byOrg.get(key.orgId);
    if (list) list.push(key);
    else this.byOrg.set(key.orgId, [key]);
    this.indexed += 1;
  }

  /**
   * One organization's keys (of one environment when given), in filing order: the same keys, in the
   * same order, as filtering `byId.values()`. Rebuilds the index if `byId` was changed behind it.
   */
  ofOrg(orgId: string, environment?: 'live' | 'test'): StoredKey[] {
    if (this.indexed !== this.byId.size) this.reindex();
    const list = this.byOrg.get(orgId) ?? [];
    return environment === undefined ? [...list] : list.filter((k) => k.environment === environment);
  }

  private reindex(): void {
    this.byOrg.clear();
    this.indexed = 0;
    for (const key of this.byId.values()) this.index(key);
  }

  lookup(secret: string): StoredKey | undefined {
    return this.byHash.get(this.hash(secret));
  }

  /**
   * Everything needed to accept the same keys after a restart (`npm run demo -- --keep`): the
   * pepper and each key's record under its HMAC. Never a secret: keys stay hashed on disk too.
   */
  exportState(): KeyStoreState {
    return {
      pepper: this.pepper.toString('hex'),
      seq: this.seq,
      keys: [...this.byHash].map(([hash, key]) => ({ hash, key: structuredClone(key) })),
    };
  }

  /** Replaces every key with a saved state (see exportState). */
  importState(state: KeyStoreState): void {
    this.pepper = Buffer.from(state.pepper, 'hex');
    this.seq = state.seq;
    this.byHash.clear();
    this.byId.clear();
    this.byOrg.clear();
    this.indexed = 0;
    for (const { hash, key } of state.keys) {
      const copy = structuredClone(key);
      this.byHash.set(hash, copy);
      this.byId.set(copy.id, copy);
      this.index(copy);
    }
  }
}

/** A HashedKeyStore as saved to disk: hashes and key records only, no secret. */
export interface KeyStoreState {
  pepper: string;
  seq: number;
  keys: { hash: string; key: StoredKey }[];
}
