import type { Credential, Environment } from '../../shared/domain.js';
import { KeydeckFailure } from '../../shared/errors.js';
import type { CoreContext } from './context.js';
import type { ProviderKey } from './providers/types.js';
import type { StoredOrganization } from './store/schema.js';

/** Keydeck codes that mean "the provider refused this key" (a 401), as opposed to "could not tell". */
export const REJECTED_CODES = new Set(['KEY_INVALID', 'KEY_REVOKED', 'KEY_EXPIRED', 'UNAUTHORIZED']);

/**
 * True when a failure is the provider refusing the key itself, not a network or server problem: a
 * 4xx (not 429) that Keydeck's codes call an invalid, revoked, expired or missing key. By default
 * only a 401 becomes one of these; a manifest's error rules may name another status (a provider that
 * answers a revoked key with 403 and `key_revoked`). A timeout, a 5xx or a 429 is "could not tell".
 */
export function isRejection(error: unknown): error is KeydeckFailure {
  const status = error instanceof KeydeckFailure ? error.error.provider?.status : undefined;
  return (
    error instanceof KeydeckFailure &&
    REJECTED_CODES.has(error.error.code) &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    status !== 429
  );
}

/** Keydeck's calls with the key being identified, in the last-use pattern: called in these rounds, quiet in the others. */
const PATTERN = [false, true, false, true, false] as const;
const ROUND_GAP_MS = 3;
/**
 * The watch costs about 10 calls (a list before, a list per round, a call with the key in two
 * rounds), each counted against the organization-environment's quota as "identifying". A watch that
 * proves nothing is not repeated at once for the same key: the wait grows after each one (none, then
 * 1 min, 5 min, 30 min, 2 h, then 6 h), and an organization-environment gets at most
 * WATCHES_PER_HOUR watches in any hour, whichever keys they are for.
 */
export const WATCH_RETRY_GAPS_MS = [0, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;
export const WATCHES_PER_HOUR = 6;
const HOUR_MS = 3_600_000;

/** Per core (one workspace): the watches already run, per key and per organization-environment. */
interface WatchLog {
  byKey: Map<string, { failed: number; lastAt: number }>;
  byEnv: Map<string, number[]>;
}
const watchLogs = new WeakMap<CoreContext, WatchLog>();

function watchLog(c: CoreContext): WatchLog {
  let log = watchLogs.get(c);
  if (!log) watchLogs.set(c, (log = { byKey: new Map(), byEnv: new Map() }));
  return log;
}

/** Whether a watch for this key may run now; if so, it is counted as run. */
function mayWatch(c: CoreContext, envKey: string, keyKey: string): boolean {
  const log = watchLog(c);
  const now = c.deps.clock().getTime();
  const previous = log.byKey.get(keyKey);
  if (previous) {
    const gap = WATCH_RETRY_GAPS_MS[Math.min(previous.failed, WATCH_RETRY_GAPS_MS.length - 1)] ?? 0;
    if (now - previous.lastAt < gap) return false;
  }
  const recent = (log.byEnv.get(envKey) ?? []).filter((at) => now - at < HOUR_MS);
  if (recent.length >= WATCHES_PER_HOUR) return false;
  log.byEnv.set(envKey, [...recent, now]);
  return true;
}

/** Records a watch's outcome: a failure lengthens the wait before this key is watched again. */
function watched(c: CoreContext, keyKey: string, proven: boolean): void {
  const log = watchLog(c);
  if (proven) {
    log.byKey.delete(keyKey);
    return;
  }
  const previous = log.byKey.get(keyKey);
  log.byKey.set(keyKey, { failed: (previous?.failed ?? 0) + 1, lastAt: c.deps.clock().getTime() });
}

/**
 * Verifies a key with the provider (throws when refused), then, where the provider lists keys,
 * finds the key's own id, only with evidence, never by guessing:
 * - by prefix and last 4 where the list gives them (exactly one candidate);
 * - where the list gives no last 4 (the sk-style API), by last use, and only when another key can
 *   watch (`observer`): Keydeck lists with the observer between rounds, calling with this key in
 *   some rounds and not in others. The key is the one candidate whose last use moved in exactly the
 *   rounds Keydeck called with it. A key in use elsewhere moves in quiet rounds too; a provider that
 *   reports late (or in coarse steps) is caught by the observer's own use, which must move in every
 *   round; each leaves the id unknown (fail closed).
 * An unknown id is not an error: the key is kept as "not matched", and anything that needs the id refuses.
 */
export async function verifyAndIdentify(
  c: CoreContext,
  org: StoredOrganization,
  key: { key: string; prefix: string; last4: string; environment: Environment },
  /** Provider ids of keys Keydeck already knows (default: from the metadata; recovery passes its own). */
  knownIds?: Set<string>,
  /** Another working key of the same organization-environment to list with, for identification by last use. */
  observer?: string,
): Promise<{ providerKeyId?: string }> {
  const known =
    knownIds ??
    new Set(
      c.deps.meta
        .read()
        .credentials.filter((x) => x.orgId === org.id && x.providerKeyId)
        .map((x) => x.providerKeyId),
    );
  const adapter = c.adapter(org);
  const ctx = c.callContext(org, key.key, key.environment);
  const verified = await adapter.verify(ctx);
  const named = verified?.keyId && !known.has(verified.keyId) ? verified.keyId : undefined;
  // The provider's own word for which key made the call (a manifest's `verify.keyId`), with no list to hold it against.
  if (!adapter.list) return named ? { providerKeyId: named } : {};
  const list = adapter.list.bind(adapter);
  const candidatesOf = (keys: ProviderKey[]) =>
    keys.filter(
      (k) =>
        k.status === 'active' &&
        !known.has(k.id) &&
        (k.environment ?? key.environment) === key.environment &&
        (k.prefix ?? key.prefix) === key.prefix,
    );
  const keys = await list(ctx).catch(() => []);
  const candidates = candidatesOf(keys);
  if (named) {
    // The provider's word holds only if its list agrees: that key is there, active, of this environment and
    // prefix, and with this key's last 4 where the list says. Otherwise the word is ignored, never trusted alone.
    const listed = candidates.find((k) => k.id === named);
    if (listed && (listed.last4 === undefined || listed.last4 === key.last4)) return { providerKeyId: named };
  }
  if (candidates.some((k) => k.last4 !== undefined) || keys.some((k) => k.last4 !== undefined)) {
    const byLast4 = candidates.filter((k) => k.last4 === key.last4);
    return byLast4.length === 1 ? { providerKeyId: byLast4[0]?.id } : {};
  }
  if (!adapter.info.reportsLastUsed || !observer || observer === key.key) return {};
  // The same key (by its public parts) in the same organization-environment.
  const envKey = `${org.id}:${key.environment}`;
  const keyKey = `${envKey}:${key.prefix}${key.last4}`;
  if (!mayWatch(c, envKey, keyKey)) return {};
  const proven = await watchLastUse(c, org, key, observer, candidatesOf, keys);
  watched(c, keyKey, proven.providerKeyId !== undefined);
  return proven;
}

/** The watch itself (see verifyAndIdentify): every call it makes is metered as "identifying". */
async function watchLastUse(
  c: CoreContext,
  org: StoredOrganization,
  key: { key: string; environment: Environment },
  observer: string,
  candidatesOf: (keys: ProviderKey[]) => ProviderKey[],
  keys: ProviderKey[],
): Promise<{ providerKeyId?: string }> {
  const adapter = c.adapter(org);
  if (!adapter.list) return {};
  const list = adapter.list.bind(adapter);
  const ctx = c.callContext(org, key.key, key.environment, 'identify');
  const watch = c.callContext(org, observer, key.environment, 'identify');
  try {
    let before = new Map((await list(watch)).map((k) => [k.id, k.lastUsedAt]));
    const movedIn: Set<string>[] = [];
    for (const callWithKey of PATTERN) {
      // Rounds a few milliseconds apart, so each use gets a timestamp of its own at a provider that
      // reports milliseconds; coarser timestamps leave the id unknown.
      await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
      if (callWithKey) await adapter.verify(ctx);
      const now = await list(watch);
      movedIn.push(
        new Set(now.filter((k) => k.lastUsedAt !== undefined && k.lastUsedAt !== before.get(k.id)).map((k) => k.id)),
      );
      before = new Map(now.map((k) => [k.id, k.lastUsedAt]));
    }
    // The observer lists in every round, so its own last use must move in every round: if no key
    // did, the provider's usage data lags or is coarse, and no pattern read from it is evidence.
    const everyRound = [...(movedIn[0] ?? [])].filter((id) => movedIn.every((m) => m.has(id)));
    if (everyRound.length === 0) return {};
    const matches = candidatesOf(keys).filter((k) =>
      PATTERN.every((called, round) => movedIn[round]?.has(k.id) === called),
    );
    return matches.length === 1 ? { providerKeyId: matches[0]?.id } : {};
  } catch {
    // The key itself verified; only its identification failed: leave the id unknown.
    return {};
  }
}

/** Asks the provider about a held key and records the answer on the credential. */
export async function checkCredential(
  c: CoreContext,
  org: StoredOrganization,
  cred: Credential,
): Promise<{ result: 'accepted' | 'rejected'; code?: string; checkedAt: string }> {
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

/**
 * Learns the provider's id of a key Keydeck holds whose id is unknown, watched by another key
 * (`observer`), with the same evidence rules as verifyAndIdentify. Best effort: an id that cannot be
 * proven stays unknown. Used once a second key exists, so the admin key's id (which protects it from
 * being revoked) is learnt as soon as there is evidence.
 */
export async function learnId(
  c: CoreContext,
  org: StoredOrganization,
  credentialId: string,
  observer: string,
): Promise<void> {
  try {
    const cred = c.deps.meta.read().credentials.find((x) => x.id === credentialId);
    if (!cred || cred.providerKeyId || !c.adapter(org).info.reportsLastUsed) return;
    const secret = await c.secretOf(org, cred);
    const { providerKeyId } = await verifyAndIdentify(
      c,
      org,
      { key: secret, prefix: cred.prefix, last4: cred.last4, environment: cred.environment },
      undefined,
      observer,
    );
    if (!providerKeyId) return;
    await c.deps.meta.update((doc) => {
      const stored = doc.credentials.find((x) => x.id === credentialId);
      if (
        stored &&
        !stored.providerKeyId &&
        !doc.credentials.some((x) => x.orgId === org.id && x.providerKeyId === providerKeyId)
      )
        stored.providerKeyId = providerKeyId;
    });
  } catch {
    // Learning is a bonus: the key keeps working as "not matched".
  }
}
