import { createHash } from 'node:crypto';
import { KeydeckFailure } from '../../shared/errors.js';

/**
 * At most one change at a time per thing (a key, an organization-environment, a rotation), in the
 * core rather than in the UI: a double click, a second window or a resume racing a person's click
 * must never run the same intent twice (two keys created, two rotations of one key, a backup
 * overwritten, two DELETEs).
 *
 * - The same call again while the first is running (same channel, same input: a double click) gets
 *   the first call's own answer, so nothing is done twice and nothing (a shown-once secret) is lost.
 * - Any other change to a thing that is busy is refused at once with BUSY, saying what is running.
 *
 * Locks live in this process only; one process per profile is enforced by the profile lock.
 */
export class Exclusive {
  /** Lock name → what holds it, in words. */
  private readonly held = new Map<string, string>();
  /** Fingerprint of a running call → its answer. */
  private readonly running = new Map<string, Promise<unknown>>();

  /**
   * Runs `op` holding every lock in `locks`, or joins the identical call already running.
   * `identity` is what makes two calls "the same" (channel and input); it is hashed, never kept
   * as is (it may hold a pasted key).
   */
  run<T>(locks: readonly string[], identity: unknown, what: string, op: () => Promise<T>): Promise<T> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(identity) ?? '')
      .digest('hex');
    const same = this.running.get(fingerprint);
    if (same) return same as Promise<T>;
    // EVERYTHING (removing all data) waits for nothing and lets nothing else start while it runs.
    const busy = locks.includes(EVERYTHING)
      ? this.held.values().next().value
      : locks.length > 0
        ? (this.held.get(EVERYTHING) ?? locks.map((l) => this.held.get(l)).find((w) => w !== undefined))
        : undefined;
    if (busy !== undefined) {
      return Promise.reject(
        new KeydeckFailure({
          code: 'BUSY',
          message: `Keydeck is still ${busy}. Nothing else was done; try again when it has finished.`,
        }),
      );
    }
    for (const l of locks) this.held.set(l, what);
    const done = (async () => {
      try {
        return await op();
      } finally {
        for (const l of locks) this.held.delete(l);
        this.running.delete(fingerprint);
      }
    })();
    this.running.set(fingerprint, done);
    return done;
  }

  /** Whether any of `locks` is held (for tests and for refusing work that would race). */
  isBusy(...locks: string[]): boolean {
    return locks.some((l) => this.held.has(l));
  }

  /** Whether any lock at all is held: something is changing somewhere. */
  isAnyBusy(): boolean {
    return this.held.size > 0;
  }
}

/**
 * The lock of a change to everything (Settings → Remove all Keydeck data): refused while any other
 * lock is held, and while it is held every other call that takes a lock is refused with BUSY.
 */
export const EVERYTHING = 'everything';

/** Lock names, so every caller spells them the same way. */
export const lock = {
  orgEnv: (orgId: string, environment: string) => `org:${orgId}:${environment}`,
  org: (orgId: string) => [`org:${orgId}:live`, `org:${orgId}:test`],
  rotation: (id: string) => `rotation:${id}`,
  /** A pasted key being connected, by its hash: two organizations must never be made from one key. */
  key: (secret: string) => `key:${createHash('sha256').update(secret).digest('hex')}`,
};

/** What one call holds while it runs: its locks, and what it is doing, in words, for a BUSY answer. */
export interface LockPlan {
  locks: string[];
  what: string;
}

type Doc = {
  organizations: { id: string; name: string }[];
  credentials: { id: string; orgId: string; environment: string }[];
  rotations: { id: string; orgId: string; environment: string }[];
};

/**
 * The locks of every call that changes something at a provider, in the keychain or in a file.
 * Calls not listed change nothing that a double click could duplicate (reads, settings).
 */
export function lockPlan(channel: string, input: Record<string, unknown>, read: () => Doc): LockPlan | undefined {
  // Only names and environments are looked up; a damaged file (recovery mode) must not block the call.
  let cached: Doc | undefined;
  const empty: Doc = { organizations: [], credentials: [], rotations: [] };
  const doc = () =>
    (cached ??= (() => {
      try {
        return read();
      } catch {
        return empty;
      }
    })());
  const orgName = (id: unknown) => doc().organizations.find((o) => o.id === id)?.name ?? 'this organization';
  const where = (orgId: unknown, env: unknown) => `${orgName(orgId)} (${String(env)})`;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const credEnv = () =>
    doc().credentials.find((c) => c.id === input.credentialId && c.orgId === input.orgId)?.environment ?? 'unknown';
  switch (channel) {
    case 'orgs.connect':
      return { locks: [lock.key(str(input.key).trim())], what: 'connecting this key' };
    case 'orgs.connectEnvironment':
      return {
        locks: [lock.orgEnv(str(input.orgId), str(input.environment)), lock.key(str(input.key).trim())],
        what: `connecting a key to ${where(input.orgId, input.environment)}`,
      };
    case 'orgs.remove':
      return { locks: lock.org(str(input.orgId)), what: `removing ${orgName(input.orgId)}` };
    case 'keys.create':
      return {
        locks: [lock.orgEnv(str(input.orgId), str(input.environment))],
        what: `creating a key in ${where(input.orgId, input.environment)}`,
      };
    case 'keys.revoke':
      return {
        locks: [lock.orgEnv(str(input.orgId), str(input.environment))],
        what: `revoking a key in ${where(input.orgId, input.environment)}`,
      };
    case 'keys.adopt':
      return {
        locks: [lock.orgEnv(str(input.orgId), str(input.environment)), lock.key(str(input.key).trim())],
        what: `adding a key to ${where(input.orgId, input.environment)}`,
      };
    case 'keys.confirmRevoked':
      return {
        locks: [lock.orgEnv(str(input.orgId), credEnv())],
        what: `checking a revoked key of ${where(input.orgId, credEnv())}`,
      };
    case 'keys.check':
      // Harmless twice (a second GET), so only an identical call is joined; no lock.
      return { locks: [], what: 'checking this key' };
    case 'rotation.start':
      return {
        locks: [lock.orgEnv(str(input.orgId), credEnv())],
        what: `changing keys of ${where(input.orgId, credEnv())}`,
      };
    case 'data.removeAll':
      return { locks: [EVERYTHING, 'store'], what: 'removing all Keydeck data' };
    case 'store.recover':
      return { locks: ['store'], what: 'rebuilding the metadata' };
    default:
      return undefined;
  }
}
