import { useEffect, useRef } from 'react';

/**
 * Something the person asked for from the command palette that a screen carries out (the screen
 * owns the dialog or the request): open New key, start rotating a key, refresh, refresh all, export.
 * The palette first navigates to the screen, then hands it the intent; the screen runs it once.
 */
export type Intent =
  | { kind: 'new-key' }
  | { kind: 'rotate'; keyId: string }
  | { kind: 'refresh' }
  | { kind: 'refresh-all' }
  | { kind: 'export'; format: 'csv' | 'json' };

/** An intent waiting for its screen; `n` tells two identical requests apart. */
export interface PendingIntent {
  intent: Intent;
  n: number;
}

/**
 * Runs `run` for a pending intent of one of `kinds` once its screen can (`run` answers false while
 * it cannot yet, e.g. the key list is not loaded), then reports it done so no later screen runs it again.
 */
export function useIntent<K extends Intent['kind']>(
  pending: PendingIntent | undefined,
  kinds: readonly K[],
  run: (intent: Extract<Intent, { kind: K }>) => boolean,
  done: (n: number) => void,
): void {
  const handled = useRef(0);
  useEffect(() => {
    if (!pending || handled.current === pending.n || !(kinds as readonly string[]).includes(pending.intent.kind))
      return;
    if (!run(pending.intent as Extract<Intent, { kind: K }>)) return;
    handled.current = pending.n;
    done(pending.n);
  });
}
