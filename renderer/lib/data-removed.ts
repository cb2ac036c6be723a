import { useSyncExternalStore } from 'react';
import type { Output } from '../../shared/contract.js';

/**
 * What the last "Remove all Keydeck data" did, kept in this window's memory (never stored) so the
 * first-run screen that follows can say it: the settings dialog that made the call is gone by then.
 */
type Removed = Output<'data.removeAll'>;

let last: Removed | undefined;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};

export function announceRemoved(value: Removed | undefined): void {
  last = value;
  emit();
}

export function useRemovedData(): Removed | undefined {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => last,
  );
}
