import { z } from 'zod';
import { Environment, KeyRecord, LocalId, ProviderId } from './domain.js';

/** How an organization wants its keys judged. Defaults from the sk-style docs' 90-day advice and a 30-day staleness. */
export const UsagePolicy = z.object({
  rotateAfterDays: z.number().int().min(1).max(3650),
  staleAfterDays: z.number().int().min(1).max(3650),
});
export type UsagePolicy = z.infer<typeof UsagePolicy>;
export const DEFAULT_POLICY: UsagePolicy = { rotateAfterDays: 90, staleAfterDays: 30 };

/** What Keydeck concludes about one key. */
export const KeyFlags = z.object({
  /** Whole days since creation (0 for a key created "in the future" by a skewed provider clock). */
  ageDays: z.number().int().nonnegative().optional(),
  /** Older than the organization's rotation policy. */
  due: z.boolean(),
  /** Not used for the stale window (only where the provider reports last use). */
  stale: z.boolean(),
  /** The provider reports last use, and this key has none. */
  neverUsed: z.boolean(),
  /** The provider does not report last use, so stale/never-used cannot be told. */
  lastUsedUnknown: z.boolean(),
  /** A creation or last-use date after now: the provider's clock is ahead; shown, not trusted. */
  clockSkew: z.boolean(),
});
export type KeyFlags = z.infer<typeof KeyFlags>;

/** One row of the usage views. */
export const UsageRow = z.object({
  orgId: LocalId,
  orgName: z.string(),
  provider: ProviderId,
  environment: Environment,
  key: KeyRecord,
  flags: KeyFlags,
});
export type UsageRow = z.infer<typeof UsageRow>;
