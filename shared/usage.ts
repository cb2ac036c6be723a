import { z } from 'zod';
import { Environment, KeyRecord, LocalId, ProviderId } from './domain.js';

/** How an organization wants its keys judged. Defaults from the sk-style docs' 90-day advice and a 30-day staleness. */
export const UsagePolicy = z.object({
  rotateAfterDays: z.number().int().min(1).max(3650),
  staleAfterDays: z.number().int().min(1).max(3650),
});
export type UsagePolicy = z.infer<typeof UsagePolicy>;
export { DEFAULT_POLICY, trayOn } from './plain.js';

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

/** Keydeck's own calls to one organization-environment today, against its limit. */
export const QuotaView = z.object({
  orgId: LocalId,
  orgName: z.string(),
  provider: ProviderId,
  environment: Environment,
  /** Calls Keydeck made today (UTC), retries included, and how many were refused for a limit (429). */
  calls: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  /** Of `calls`, those spent identifying keys by their last use (the sk-style watch). */
  identifying: z.number().int().nonnegative().optional(),
  /** The provider's documented daily limit for this environment. */
  documentedDailyLimit: z.number().int().positive().optional(),
  /** The provider's last rate-limit headers, while their window lasts. */
  header: z
    .object({
      limit: z.number().int().optional(),
      remaining: z.number().int().optional(),
      resetAt: z.string().optional(),
      seenAt: z.string(),
    })
    .optional(),
  /** Calls left today: the provider's own figure when it sent one, else the documented limit less Keydeck's calls. */
  remaining: z.number().int().nonnegative().optional(),
  resetsAt: z.string(),
});
export type QuotaView = z.infer<typeof QuotaView>;

/** One key a reminder is about. */
export const Reminder = z.object({
  orgId: LocalId,
  orgName: z.string(),
  environment: Environment,
  keyId: z.string(),
  name: z.string(),
  masked: z.string(),
  reason: z.enum(['due', 'stale']),
});
export type Reminder = z.infer<typeof Reminder>;

/** The person's preferences. */
export const Settings = z.object({
  /** Remind (a desktop notification, or a banner in the preview) when keys become due or stale. */
  reminders: z.boolean(),
  /**
   * Keep Keydeck in the tray when its last window closes, so reminders keep firing (the app only).
   * Absent until the person chooses: then the platform's default (`trayOn`). Optional, so files
   * written before it parse unchanged and no schema migration is needed.
   */
  tray: z.boolean().optional(),
});
export type Settings = z.infer<typeof Settings>;
export const DEFAULT_SETTINGS: Settings = { reminders: true };
