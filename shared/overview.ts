/**
 * The usage overview from the last lists, in one place for the core (`usage.overview`, reminders)
 * and the renderer (which builds the overview from the lists it already holds for switching, so
 * opening it or refreshing every list never ships every key again). No zod: see shared/plain.ts.
 */
import type { Environment, KeyRecord } from './domain.js';
import { computeFlags } from './flags.js';
import { DEFAULT_POLICY } from './plain.js';
import type { UsagePolicy, UsageRow } from './usage.js';

/** The summary line's counts. */
export interface OverviewCounts {
  due: number;
  stale: number;
  neverUsed: number;
  lastUsedUnknown: number;
}

/** One organization-environment's rows, the due or stale ones among them, and their counts. */
export interface OverviewPart {
  rows: UsageRow[];
  flagged: UsageRow[];
  counts: OverviewCounts;
}

export const noCounts = (): OverviewCounts => ({ due: 0, stale: 0, neverUsed: 0, lastUsedUnknown: 0 });

export function addCounts(to: OverviewCounts, part: OverviewCounts): void {
  to.due += part.due;
  to.stale += part.stale;
  to.neverUsed += part.neverUsed;
  to.lastUsedUnknown += part.lastUsedUnknown;
}

/** Every key of one organization-environment's last list with its flags at `now`. */
export function overviewPart(
  org: { id: string; name: string; provider: UsageRow['provider']; policy?: UsagePolicy },
  environment: Environment,
  keys: readonly KeyRecord[],
  reportsLastUsed: boolean,
  now: Date,
): OverviewPart {
  const policy = org.policy ?? DEFAULT_POLICY;
  const rows: UsageRow[] = [];
  const flagged: UsageRow[] = [];
  const counts = noCounts();
  for (const k of keys) {
    // A held key Keydeck cannot match is one of the provider's rows already: count it once.
    if (k.unmatched) continue;
    const row: UsageRow = {
      orgId: org.id,
      orgName: org.name,
      provider: org.provider,
      environment,
      key: k,
      flags: computeFlags(k, policy, reportsLastUsed, now),
    };
    rows.push(row);
    if (row.flags.due || row.flags.stale) flagged.push(row);
    if (row.flags.due) counts.due++;
    if (row.flags.stale) counts.stale++;
    if (row.flags.neverUsed) counts.neverUsed++;
    if (row.flags.lastUsedUnknown && k.status !== 'revoked') counts.lastUsedUnknown++;
  }
  return { rows, flagged, counts };
}
