import type { QueryClient } from '@tanstack/react-query';
import { callKey, send } from './calls.js';
import type { Selection } from './navigation.js';

/**
 * The first screen in one round trip: the organization list carries the last list of the
 * organization and environment the window opens on, put where that screen's query looks for it.
 * One cache entry whatever the selection (`show` only shapes the extra list), so a switch never
 * refetches it; changes mark it stale (calls-table.ts), so it never goes stale on its own.
 */
export function firstScreenQuery(queryClient: QueryClient, selection: Selection) {
  return {
    queryKey: callKey('orgs.list'),
    queryFn: async () => {
      const environment = selection.orgId
        ? (selection.lastEnv?.[selection.orgId] ?? selection.environment)
        : selection.environment;
      const value = await send('orgs.list', {
        show: { ...(selection.orgId ? { orgId: selection.orgId } : {}), environment },
      });
      const shown = value.shown;
      const listKey = shown && callKey('keys.cached', { orgId: shown.orgId, environment: shown.environment });
      if (shown && listKey && queryClient.getQueryData(listKey) === undefined)
        queryClient.setQueryData(listKey, { list: shown.list });
      return value;
    },
    staleTime: Infinity,
  };
}

/**
 * Asked as soon as the script runs, before React's first render, so the round trip overlaps it
 * (the screens' queries then find these answers, or join them in flight).
 */
export function askFirstScreen(queryClient: QueryClient, selection: Selection): void {
  void queryClient.prefetchQuery({
    queryKey: callKey('app.info', {}),
    queryFn: () => send('app.info', {}),
    staleTime: Infinity,
  });
  void queryClient.prefetchQuery(firstScreenQuery(queryClient, selection));
}
