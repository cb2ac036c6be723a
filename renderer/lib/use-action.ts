import {
  useMutation,
  useQueryClient,
  type DefaultError,
  type UseMutationOptions,
  type UseMutationResult,
} from '@tanstack/react-query';
import type { Channel } from '../../shared/contract.js';
import { staleAfter } from './calls.js';
import { useCallback, useRef, useState } from 'react';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What to do once this one call has settled (runs even if the component has gone meanwhile). */
export interface RunCallbacks<TData> {
  onSuccess?: (data: TData) => void;
  onError?: (error: DefaultError) => void;
  onSettled?: () => void;
}

/**
 * A mutation behind a button: the mutation's state (data, error, isPending…) without `mutate`, plus
 * `run`, which sends the call only when none from this action is in flight, and `busy`, which is
 * true from the first click until the call (and its onSuccess/onSettled follow-ups) has settled.
 */
export type Action<TData, TVariables> = DistributiveOmit<
  UseMutationResult<TData, DefaultError, TVariables>,
  'mutate' | 'mutateAsync'
> & {
  /** Sends the call unless one is still in flight; answers whether it was sent. */
  run: (variables: TVariables, callbacks?: RunCallbacks<TData>) => boolean;
  /** Disable the button with this: set on the first click, before anything else can happen. */
  busy: boolean;
};

/**
 * Every mutating button in Keydeck goes through this hook, so a double click (or Enter pressed
 * twice) sends one call. The guard is a ref, checked and set synchronously in the click handler,
 * so the second click of a double click is ignored even before React re-renders; `busy` is set in
 * the same handler and disables the button with the next (synchronous, discrete-event) render,
 * without waiting for TanStack Query's deferred `isPending`.
 *
 * The core is the guarantee (it runs one change at a time and answers BUSY or joins a repeated
 * call); this is the courtesy.
 */
export function useAction<TData, TVariables = void>(
  options: UseMutationOptions<TData, DefaultError, TVariables> & {
    /** The call this action makes: once it settles, the reads it changes (calls.ts `STALE_AFTER`) are marked stale. */
    changes?: Channel;
    /** The organization the call acts on: only its key lists are marked stale (the rest of `changes` as a whole). */
    changesIn?: { orgId: string };
  },
): Action<TData, TVariables> {
  const queryClient = useQueryClient();
  const { changes, changesIn, ...rest } = options;
  // Marked stale as soon as the call answers, success or not (a failed call may have changed
  // something: a created key that could not be kept is still at the provider). The organization
  // list (local, quick) is fetched again before the action's own follow-up runs, so a move to a
  // new or removed organization lands on it; key lists and views follow behind, so a dialog shows
  // its answer without waiting for a provider.
  const stale = () => (changes ? staleAfter(queryClient, changes, ['orgs.list'], changesIn) : undefined);
  const mutation = useMutation<TData, DefaultError, TVariables>({
    ...rest,
    onSuccess: async (...args) => {
      await stale();
      return rest.onSuccess?.(...args);
    },
    onError: async (...args) => {
      await stale();
      return rest.onError?.(...args);
    },
  });
  const inFlight = useRef(false);
  const [held, setHeld] = useState(false);
  const { mutateAsync } = mutation;
  const run = useCallback(
    (variables: TVariables, callbacks: RunCallbacks<TData> = {}): boolean => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setHeld(true);
      mutateAsync(variables)
        .then(
          (data) => callbacks.onSuccess?.(data),
          (error: DefaultError) => callbacks.onError?.(error),
        )
        .finally(() => {
          inFlight.current = false;
          setHeld(false);
          callbacks.onSettled?.();
        });
      return true;
    },
    [mutateAsync],
  );
  return { ...mutation, run, busy: held || mutation.isPending } as Action<TData, TVariables>;
}
