import type { Channel } from '../../shared/contract.js';

/**
 * Which reads each call makes stale: one table for the whole renderer (used by calls.ts), so no
 * component writes an invalidation rule by hand. Pure, so it is checked against the contract under Node.
 */

/** The calls that read (cached and refetched); every other channel changes something. */
export const READS = [
  'app.info',
  'orgs.list',
  'keys.list',
  'keys.cached',
  'rotation.list',
  'rotation.get',
  'usage.overview',
  'usage.quotas',
  'reminders.take',
  'settings.get',
  'activity.list',
  'vault.status',
  'store.status',
  'providers.list',
] as const satisfies readonly Channel[];
export type ReadChannel = (typeof READS)[number];
export type ChangeChannel = Exclude<Channel, ReadChannel>;

/** Everything a key list feeds: the views built from the cached lists. */
const FROM_LISTS = ['keys.cached', 'usage.overview', 'usage.quotas', 'reminders.take'] as const;
const KEYS = ['keys.list', ...FROM_LISTS, 'activity.list'] as const;
const ROTATIONS = ['rotation.list', 'rotation.get', 'orgs.list', ...KEYS] as const;

/**
 * After a call succeeds (or a read answers: `keys.list` refreshes the cache), the reads it makes
 * stale. Typed over every channel, so adding a call without saying what it changes fails to compile.
 */
export const STALE_AFTER: Record<Channel, readonly ReadChannel[]> = {
  'app.info': [],
  'orgs.list': [],
  // A list answered: what is built from the lists. Not `keys.cached` itself: the screen showing that
  // list has the fresher answer, and fetching the cached copy again after each list was work done twice.
  'keys.list': ['usage.overview', 'usage.quotas', 'reminders.take'],
  'keys.cached': [],
  'rotation.list': [],
  'rotation.get': [],
  'usage.overview': [],
  'usage.quotas': [],
  'reminders.take': [],
  'settings.get': [],
  'activity.list': [],
  'vault.status': [],
  'store.status': [],
  'providers.list': [],
  'providers.check': [],
  'providers.test': [],
  'providers.add': ['app.info', 'providers.list'],
  'providers.remove': ['app.info', 'providers.list'],
  'orgs.connect': ['orgs.list', 'vault.status', ...KEYS],
  'orgs.connectEnvironment': ['orgs.list', ...KEYS],
  'orgs.remove': ['orgs.list', ...ROTATIONS],
  'orgs.update': ['orgs.list', ...FROM_LISTS],
  'keys.create': KEYS,
  'keys.revoke': KEYS,
  'keys.adopt': KEYS,
  'keys.check': KEYS,
  'keys.confirmRevoked': KEYS,
  'dashboard.open': [],
  'rotation.start': ROTATIONS,
  'rotation.act': ROTATIONS,
  'settings.update': ['settings.get', 'reminders.take'],
  'activity.reveal': ['activity.list'],
  'activity.copied': ['activity.list'],
  'deploy.pickEnvFile': [],
  'clipboard.copySecret': ['activity.list'],
  'vault.useSession': ['vault.status', 'orgs.list'],
  'store.recover': [...READS],
  'data.removeAll': [...READS],
};

/** The reads kept per organization-environment (`[channel, { orgId, environment }]`). */
const PER_LIST: readonly ReadChannel[] = ['keys.list', 'keys.cached'];

/**
 * The query keys `channel` makes stale. With `scope` (the organization the call acted on), the
 * per-list reads are that organization's only: a key created in one organization does not send
 * every other organization's list again (1,000 of them at 50,000 keys). TanStack Query matches
 * `[read, { orgId }]` against `[read, { orgId, environment }]` by its partial key match.
 */
export function staleKeys(channel: Channel, scope?: { orgId: string }): readonly (readonly unknown[])[] {
  return STALE_AFTER[channel].map((read) =>
    scope && PER_LIST.includes(read) ? [read, { orgId: scope.orgId }] : [read],
  );
}
