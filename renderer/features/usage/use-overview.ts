import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Output } from '../../../shared/contract.js';
import type { Environment, Organization } from '../../../shared/domain.js';
import { addCounts, noCounts, overviewPart, type OverviewPart } from '../../../shared/overview.js';
import { DEFAULT_POLICY } from '../../../shared/plain.js';
import { refreshTargets } from '../../../shared/refresh.js';
import type { UsageRow } from '../../../shared/usage.js';
import { useAppInfo } from '../../lib/app-info.js';
import { callKey, send } from '../../lib/calls.js';

type CachedList = NonNullable<Output<'keys.cached'>['list']>;

/** The overview as `usage.overview` answers it (the same rows, flags and counts, from shared/overview.ts). */
export interface Overview {
  rows: UsageRow[];
  summary: {
    keys: number;
    organizations: number;
    due: number;
    stale: number;
    neverUsed: number;
    lastUsedUnknown: number;
    unlisted: number;
  };
  asOf: string | null;
}

/** How many lists are asked for at once while the overview gathers those not in memory yet. */
const GATHER = 8;

/**
 * The usage overview, built in the renderer from the last lists it already holds in memory (the
 * ones switching paints from: `keys.cached`, replaced in place by a Refresh all and by each
 * organization's own refresh), with the same shared function the core's `usage.overview` uses.
 * Opening the overview at 50,000 keys therefore sends no key again, and a refreshed list is
 * recomputed alone. Lists not in memory yet (or made stale by a change) are fetched, 8 at a time.
 */
export function useOverview(orgId?: string, environment?: Environment, paused = false) {
  const queryClient = useQueryClient();
  const info = useAppInfo();
  // The organizations the window already has (a change to them marks them stale, and they are fetched again).
  const orgs = useQuery({ queryKey: callKey('orgs.list'), queryFn: () => send('orgs.list', {}), staleTime: Infinity });
  const targets = useMemo(
    () => refreshTargets(orgs.data?.organizations ?? [], orgId, environment),
    [orgs.data, orgId, environment],
  );
  const version = useListsVersion(queryClient, paused);

  // A list that failed is asked again once while this view is open (then its error is shown).
  const [retried] = useState(() => new Set<string>());
  // Gather what is missing or stale, a few at a time; runs again whenever a list changes.
  useEffect(() => {
    let stopped = false;
    const wanted = targets.filter((t) => {
      const q = queryClient.getQueryState(callKey('keys.cached', t));
      if (q?.status === 'error' && q.fetchStatus === 'idle') {
        const key = `${t.orgId}:${t.environment}`;
        if (retried.has(key)) return false;
        retried.add(key);
        return true;
      }
      return !q || (q.isInvalidated && q.fetchStatus === 'idle') || (q.data === undefined && q.fetchStatus === 'idle');
    });
    if (wanted.length === 0) return;
    let next = 0;
    const worker = async () => {
      while (!stopped && next < wanted.length) {
        const t = wanted[next++]!;
        // A failure stays on that list's entry, and the overview says so (below).
        await queryClient
          .fetchQuery({ queryKey: callKey('keys.cached', t), queryFn: () => send('keys.cached', t), staleTime: 0 })
          .catch(() => undefined);
      }
    };
    for (let i = 0; i < Math.min(GATHER, wanted.length); i++) void worker();
    return () => {
      stopped = true;
    };
  }, [targets, version, queryClient, retried]);

  const [parts] = useState(() => new WeakMap<CachedList, { stamp: string; part: OverviewPart }>());
  const data = useMemo<{ overview: Overview; at: number } | { error: unknown } | undefined>(() => {
    if (!orgs.data) return undefined;
    const lists: (CachedList | null)[] = [];
    for (const t of targets) {
      const state = queryClient.getQueryState<Output<'keys.cached'>>(callKey('keys.cached', t));
      if (state?.status === 'error' && state.data === undefined) return { error: state.error };
      if (state?.data === undefined) return undefined;
      lists.push(state.data.list);
    }
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    const byId = new Map<string, Organization>(orgs.data.organizations.map((o) => [o.id, o]));
    const counts = noCounts();
    const rows: UsageRow[][] = [];
    let unlisted = 0;
    let asOf: string | undefined;
    targets.forEach((t, i) => {
      const list = lists[i];
      const org = byId.get(t.orgId);
      if (!org) return;
      if (!list) {
        unlisted++;
        return;
      }
      if (!asOf || list.fetchedAt < asOf) asOf = list.fetchedAt;
      const reportsLastUsed = info.provider(org.provider).reportsLastUsed;
      const policy = org.policy ?? DEFAULT_POLICY;
      // Flags depend on the time: a list's rows are reused within the minute they were computed in.
      const stamp = `${minute}:${org.name}:${org.provider}:${policy.rotateAfterDays}:${policy.staleAfterDays}:${reportsLastUsed}`;
      let memo = parts.get(list);
      if (memo?.stamp !== stamp)
        parts.set(list, (memo = { stamp, part: overviewPart(org, t.environment, list.keys, reportsLastUsed, now) }));
      rows.push(memo.part.rows);
      addCounts(counts, memo.part.counts);
    });
    const all = rows.length === 1 ? rows[0]!.slice() : rows.flat();
    const organizations = orgs.data.organizations.filter((o) => !orgId || o.id === orgId).length;
    return {
      overview: { rows: all, summary: { keys: all.length, organizations, ...counts, unlisted }, asOf: asOf ?? null },
      at: now.getTime(),
    };
    // `version` is not read: it changes whenever a list in memory does, which is what recomputes this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [orgs.data, targets, version, queryClient, info, parts, orgId]);

  // The last complete overview of this same place stays on screen while a changed list is fetched
  // again; another organization or environment never shows this one's rows.
  const place = `${orgId ?? ''}:${environment ?? ''}`;
  const [shown, setShown] = useState<{ overview: Overview; at: number; place: string }>();
  if (data && 'overview' in data && (data.overview !== shown?.overview || shown.place !== place))
    setShown({ ...data, place });
  const current = shown?.place === place ? shown : undefined;
  // A list that could not be read is said, over the last overview when there is one.
  const error = (data && 'error' in data ? data.error : undefined) ?? orgs.error ?? undefined;
  return { data: current?.overview, dataUpdatedAt: current?.at ?? 0, isError: Boolean(error), error };
}

/** How long the lists must be quiet before the overview is recomputed, and the longest it waits. */
const SETTLE_MS = 250;
const MAX_WAIT_MS = 2_000;

/**
 * A number that changes when the lists in memory (`keys.cached`) have changed and then been quiet for
 * a moment (at most every 2 s while they keep changing), and not at all while `paused` (a Refresh
 * all under way: its progress line moves, the overview is recomputed once when it ends). At 50,000
 * keys a recompute re-sorts and redraws every key, so 1,000 lists arriving must not mean 1,000 of them.
 */
function useListsVersion(queryClient: QueryClient, paused: boolean): number {
  const [store] = useState(() => {
    let version = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let since: number | undefined;
    let dirty = false;
    let held = false;
    let notify = () => {};
    const flush = () => {
      timer = undefined;
      since = undefined;
      if (held) return;
      dirty = false;
      version += 1;
      notify();
    };
    const changed = () => {
      dirty = true;
      if (held) return;
      since ??= Date.now();
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(flush, Date.now() - since >= MAX_WAIT_MS ? 0 : SETTLE_MS);
    };
    return {
      get: () => version,
      hold(on: boolean) {
        held = on;
        if (!on && dirty) changed();
      },
      subscribe(onChange: () => void) {
        notify = onChange;
        const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
          if (event.query.queryKey[0] !== 'keys.cached') return;
          if (event.type !== 'updated' && event.type !== 'removed' && event.type !== 'added') return;
          if (
            event.type === 'updated' &&
            event.action.type !== 'success' &&
            event.action.type !== 'invalidate' &&
            event.action.type !== 'error'
          )
            return;
          changed();
        });
        return () => {
          unsubscribe();
          if (timer !== undefined) clearTimeout(timer);
          timer = undefined;
          notify = () => {};
        };
      },
    };
  });
  useEffect(() => store.hold(paused), [store, paused]);
  return useSyncExternalStore(store.subscribe, store.get);
}
