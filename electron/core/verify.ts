import type { Credential, Environment } from '../../shared/domain.js';
import { KeydeckFailure } from '../../shared/errors.js';
import type { CoreContext } from './context.js';
import type { StoredOrganization } from './store/schema.js';

/** Keydeck codes that mean "the provider refused this key" (a 401), as opposed to "could not tell". */
export const REJECTED_CODES = new Set(['KEY_INVALID', 'KEY_REVOKED', 'KEY_EXPIRED', 'UNAUTHORIZED']);

/** True when a failure is the provider refusing the key itself (401), not a network or server problem. */
export function isRejection(error: unknown): error is KeydeckFailure {
  return error instanceof KeydeckFailure && REJECTED_CODES.has(error.error.code) && error.error.provider?.status === 401;
}

/**
 * Verifies a key with the provider (throws when refused), then, where the provider lists keys,
 * finds the key's own id: by prefix and last 4 where the list gives them, or else as the only key
 * whose last use moved on this very call (the sk-style list has no last 4).
 */
export async function verifyAndIdentify(
  c: CoreContext,
  org: StoredOrganization,
  key: { key: string; prefix: string; last4: string; environment: Environment },
  /** Provider ids of keys Keydeck already knows (default: from the metadata; recovery passes its own). */
  knownIds?: Set<string>,
): Promise<{ providerKeyId?: string }> {
  // Keys Keydeck already knows by id cannot be this one (the admin key was likely used moments ago too).
  const known = knownIds ?? new Set(c.deps.meta.read().credentials.filter((x) => x.orgId === org.id && x.providerKeyId).map((x) => x.providerKeyId));
  const adapter = c.adapter(org);
  const ctx = c.callContext(org, key.key, key.environment);
  const since = Date.now() - 2000;
  await adapter.verify(ctx);
  if (!adapter.list || adapter.info.capabilities.list !== 'api') return {};
  const keys = await adapter.list(ctx).catch(() => []);
  const candidates = keys.filter((k) => k.status === 'active' && !known.has(k.id) && (k.environment ?? key.environment) === key.environment && (k.prefix ?? key.prefix) === key.prefix);
  const byLast4 = candidates.filter((k) => k.last4 === key.last4);
  if (byLast4.length === 1) return { providerKeyId: byLast4[0]?.id };
  if (candidates.some((k) => k.last4 !== undefined)) return {};
  const justUsed = candidates.filter((k) => k.lastUsedAt !== undefined && Date.parse(k.lastUsedAt) >= since);
  return justUsed.length === 1 ? { providerKeyId: justUsed[0]?.id } : {};
}

/** Asks the provider about a held key and records the answer on the credential. */
export async function checkCredential(c: CoreContext, org: StoredOrganization, cred: Credential): Promise<{ result: 'accepted' | 'rejected'; code?: string; checkedAt: string }> {
  const secret = await c.secretOf(org, cred);
  const checkedAt = c.now();
  let outcome: { result: 'accepted' | 'rejected'; code?: string };
  try {
    await c.adapter(org).verify(c.callContext(org, secret, cred.environment));
    outcome = { result: 'accepted' };
  } catch (error) {
    if (!isRejection(error)) throw error;
    outcome = { result: 'rejected', code: error.error.code };
  }
  await c.deps.meta.update((doc) => {
    const stored = doc.credentials.find((x) => x.id === cred.id);
    if (!stored) return;
    if (outcome.result === 'accepted') {
      stored.verifiedAt = checkedAt;
      delete stored.rejectedAt;
      delete stored.rejectedCode;
    } else {
      stored.rejectedAt = checkedAt;
      stored.rejectedCode = outcome.code;
    }
  });
  return { ...outcome, checkedAt };
}
