import type { KeyFlags, UsagePolicy } from './usage.js';

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch, or undefined for a missing or unreadable date. */
function instant(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Judges one key against a policy at `now`. Ages are elapsed time in whole 24-hour days between
 * instants, never local calendar arithmetic, so time zones and daylight-saving changes cannot move
 * a key across a threshold. A date after `now` (a provider clock running ahead) counts as now and
 * is flagged, so a skewed clock can neither hide a due key nor make a fresh one look stale.
 */
export function computeFlags(
  key: { createdAt?: string; lastUsedAt?: string; status: string },
  policy: UsagePolicy,
  reportsLastUsed: boolean,
  now: Date,
): KeyFlags {
  const nowMs = now.getTime();
  const created = instant(key.createdAt);
  const lastUsed = instant(key.lastUsedAt);
  const clockSkew = (created !== undefined && created > nowMs) || (lastUsed !== undefined && lastUsed > nowMs);
  const ageDays = created === undefined ? undefined : Math.floor(Math.max(0, nowMs - created) / DAY_MS);
  const active = key.status === 'active' || key.status === 'unknown';
  const neverUsed = reportsLastUsed && lastUsed === undefined;
  // A never-used key is stale once it is older than the window; a used one once its last use is.
  const quietSince = lastUsed ?? created;
  const quietDays = quietSince === undefined ? undefined : Math.floor(Math.max(0, nowMs - quietSince) / DAY_MS);
  return {
    ageDays,
    due: active && ageDays !== undefined && ageDays >= policy.rotateAfterDays,
    stale: active && reportsLastUsed && quietDays !== undefined && quietDays >= policy.staleAfterDays,
    neverUsed: active && neverUsed,
    lastUsedUnknown: !reportsLastUsed,
    clockSkew,
  };
}
