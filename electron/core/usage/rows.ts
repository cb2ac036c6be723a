import type { Environment } from '../../../shared/domain.js';
import { addCounts, noCounts, overviewPart, type OverviewCounts } from '../../../shared/overview.js';
import { DEFAULT_POLICY, type UsageRow } from '../../../shared/usage.js';
import type { CoreContext } from '../context.js';
import type { CachedList } from '../store/key-cache.js';
import type { StoredOrganization } from '../store/schema.js';

/** Every key of every organization (or one) from the last lists, with its flags; `flagged` are the rows due or stale. */
export type UsageRows = () => {
  rows: UsageRow[];
  flagged: UsageRow[];
  counts: OverviewCounts;
  organizations: number;
  unlisted: number;
  asOf: string | undefined;
};

/** One organization-environment's rows, and what they were computed from. */
interface RowsMemo {
  list: CachedList;
  orgName: string;
  provider: string;
  rotateAfterDays: number;
  staleAfterDays: number;
  reportsLastUsed: boolean;
  /** Flags depend on the time: rows are reused within the minute they were computed in. */
  minute: number;
  rows: UsageRow[];
  flagged: UsageRow[];
  counts: OverviewCounts;
}

/**
 * Usage rows, computed per organization-environment and kept until what they depend on changes:
 * the cached list (a new list is a new object), the organization's name and policy, whether the
 * provider reports last use, and the minute. After a Refresh of one list, the next overview or
 * reminders look recomputes that one list, not every key.
 */
export function usageRowsMemo(c: CoreContext) {
  const memo = new Map<string, RowsMemo>();

  function rowsOf(
    org: StoredOrganization,
    environment: Environment,
    list: CachedList,
    reportsLastUsed: boolean,
    now: Date,
  ): RowsMemo {
    const policy = org.policy ?? DEFAULT_POLICY;
    const minute = Math.floor(now.getTime() / 60_000);
    const key = `${org.id}:${environment}`;
    const known = memo.get(key);
    if (
      known &&
      known.list === list &&
      known.minute === minute &&
      known.orgName === org.name &&
      known.provider === org.provider &&
      known.rotateAfterDays === policy.rotateAfterDays &&
      known.staleAfterDays === policy.staleAfterDays &&
      known.reportsLastUsed === reportsLastUsed
    ) {
      return known;
    }
    const { rows, flagged, counts } = overviewPart(org, environment, list.keys, reportsLastUsed, now);
    const made: RowsMemo = {
      list,
      orgName: org.name,
      provider: org.provider,
      rotateAfterDays: policy.rotateAfterDays,
      staleAfterDays: policy.staleAfterDays,
      reportsLastUsed,
      minute,
      rows,
      flagged,
      counts,
    };
    memo.set(key, made);
    return made;
  }

  return (orgId?: string, only?: Environment): ReturnType<UsageRows> => {
    const doc = c.deps.meta.read();
    const now = c.deps.clock();
    const environments = c.adminEnvironments(doc, orgId);
    const parts: RowsMemo[] = [];
    const counts = noCounts();
    const seen = new Set<string>();
    let asOf: string | undefined;
    let unlisted = 0;
    const orgs = doc.organizations.filter((o) => !orgId || o.id === orgId);
    for (const org of orgs) {
      const reportsLastUsed = c.adapter(org).info.reportsLastUsed;
      const envs = environments.get(org.id);
      for (const environment of ['live', 'test'] as const) {
        if (!envs?.has(environment) || (only && environment !== only)) continue;
        const list = c.cache.get(org.id, environment);
        if (!list) {
          unlisted++;
          continue;
        }
        if (!asOf || list.fetchedAt < asOf) asOf = list.fetchedAt;
        const part = rowsOf(org, environment, list, reportsLastUsed, now);
        seen.add(`${org.id}:${environment}`);
        parts.push(part);
        addCounts(counts, part.counts);
      }
    }
    // Organizations and environments that are gone are forgotten (after a look at all of them).
    if (!orgId && !only) for (const key of memo.keys()) if (!seen.has(key)) memo.delete(key);
    const rows = parts.length === 1 ? parts[0]!.rows.slice() : parts.flatMap((p) => p.rows);
    const flagged = parts.flatMap((p) => p.flagged);
    return { rows, flagged, counts, organizations: orgs.length, unlisted, asOf };
  };
}
