import { useQuery, type QueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { KeydeckApi } from '../../shared/api.js';
import type { Channel, Input, Output } from '../../shared/contract.js';
import { staleKeys, type ReadChannel } from './calls-table.js';
import type { Result } from '../../shared/errors.js';
import { api, unwrap } from './api.js';

/**
 * The renderer's one data layer: every read is `useCall(channel, input)`, cached by TanStack Query
 * under `[channel, input]`, and every change says which reads it makes stale in one table
 * (`STALE_AFTER`, calls-table.ts), so no component writes a query key or an invalidation rule by hand.
 */
export { READS, STALE_AFTER, type ChangeChannel, type ReadChannel } from './calls-table.js';

/** The cache key of one read: its channel, then its input. */
export const callKey = <C extends ReadChannel>(channel: C, input?: Input<C>) =>
  (input === undefined ? [channel] : [channel, input]) as readonly unknown[];

/** Sends one call through the API the app (preload) or the preview host gave, and unwraps its result. */
export function send<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
  const [group, name] = channel.split('.') as [keyof KeydeckApi, string];
  const fn = (api[group] as Record<string, ((input: unknown) => Promise<Result<unknown>>) | undefined>)[name];
  if (!fn) return Promise.reject(new Error(`No such call: ${channel}`));
  return unwrap(fn(input)) as Promise<Output<C>>;
}

/**
 * A list answered (`keys.list`): it is the list the core now keeps, so the copy in memory (what a
 * switch and the overview are drawn from) is replaced with it, never by an older one.
 */
export function keepList(queryClient: QueryClient, target: Input<'keys.cached'>, answer: Output<'keys.list'>): void {
  queryClient.setQueryData<Output<'keys.cached'>>(callKey('keys.cached', target), (held) =>
    held?.list && held.list.fetchedAt > answer.fetchedAt
      ? held
      : { list: { ...answer, environment: target.environment } },
  );
}

/**
 * Told of every read that answered (the query cache's `onSuccess`): a `keys.list` answer is kept as
 * the list in memory and makes what is built from the lists stale, whichever screen asked for it
 * and whether or not that screen is still open.
 */
export function readAnswered(queryClient: QueryClient, queryKey: readonly unknown[], data: unknown): void {
  if (queryKey[0] !== 'keys.list') return;
  const input = queryKey[1] as Input<'keys.list'> | undefined;
  if (!input) return;
  keepList(queryClient, { orgId: input.orgId, environment: input.environment }, data as Output<'keys.list'>);
  void staleAfter(queryClient, 'keys.list');
}

/** A read, cached under `[channel, input]`. */
export function useCall<C extends ReadChannel>(
  channel: C,
  input: Input<C>,
  options: Omit<UseQueryOptions<Output<C>>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<Output<C>>({ queryKey: callKey(channel, input), queryFn: () => send(channel, input), ...options });
}

/**
 * Marks stale what `channel` changed (reads on screen refetch now; the rest when next shown), and
 * answers once they are fetched again, or only once those in `wait` are (the rest go on behind).
 * With `scope`, the key lists made stale are that organization's only (calls-table.ts `staleKeys`).
 */
export async function staleAfter(
  queryClient: QueryClient,
  channel: Channel,
  wait?: readonly ReadChannel[],
  scope?: { orgId: string },
): Promise<void> {
  const pending = staleKeys(channel, scope).map((queryKey) => ({
    read: queryKey[0] as ReadChannel,
    done: queryClient.invalidateQueries({ queryKey }),
  }));
  await Promise.all(pending.filter((p) => !wait || wait.includes(p.read)).map((p) => p.done));
}
