import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string: the body of a sandbox key. */
export function randomBody(length = 32): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

export interface StoredKey {
  id: string;
  orgId: string;
  name: string;
  scope?: string;
  prefix: string;
  last4: string;
  environment: 'live' | 'test';
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
  /** Calls made today (UTC), for the test-key daily limit. */
  usage: { day: string; calls: number };
}

/**
 * The provider's side of keys, as every provider page describes it: the full key exists only in
 * the create response; the server keeps an HMAC-SHA256 of it (keyed by a per-sandbox pepper) and
 * looks keys up by that hash.
 */
export class HashedKeyStore {
  private readonly pepper = randomBytes(32);
  private readonly byHash = new Map<string, StoredKey>();
  readonly byId = new Map<string, StoredKey>();
  private seq = 0;

  hash(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret).digest('hex');
  }

  /** Mints a key and returns its secret once; only the hash is kept. */
  mint(fields: Omit<StoredKey, 'id' | 'last4' | 'status' | 'usage'> & { idPrefix?: string }): { key: StoredKey; secret: string } {
    const secret = `${fields.prefix}${randomBody()}`;
    this.seq += 1;
    const key: StoredKey = {
      id: `${fields.idPrefix ?? 'key_'}${randomBody(12).toLowerCase()}${this.seq}`,
      orgId: fields.orgId,
      name: fields.name,
      scope: fields.scope,
      prefix: fields.prefix,
      last4: secret.slice(-4),
      environment: fields.environment,
      status: 'active',
      createdAt: fields.createdAt,
      usage: { day: '', calls: 0 },
    };
    this.byHash.set(this.hash(secret), key);
    this.byId.set(key.id, key);
    return { key, secret };
  }

  lookup(secret: string): StoredKey | undefined {
    return this.byHash.get(this.hash(secret));
  }
}
