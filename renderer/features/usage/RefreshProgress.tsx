import { useSyncExternalStore } from 'react';

export interface Progress {
  done: number;
  total: number;
  failed: number;
}

/**
 * Refresh all's progress, kept outside React state: lists settle hundreds of times a second, so the
 * figure is published at most once per frame (and at once when done), and only the status line below
 * re-renders, never the overview's table, chart or quotas around it.
 */
export interface ProgressStore {
  get(): Progress | undefined;
  subscribe(onChange: () => void): () => void;
  set(p: Progress): void;
  dispose(): void;
}

export function progressStore(): ProgressStore {
  let shown: Progress | undefined;
  let pending: Progress | undefined;
  let frame: number | undefined;
  const listeners = new Set<() => void>();
  const publish = (p: Progress | undefined) => {
    shown = p;
    for (const l of listeners) l();
  };
  return {
    get: () => shown,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    set(p) {
      pending = p;
      if (p.done === p.total) {
        if (frame !== undefined) cancelAnimationFrame(frame);
        frame = undefined;
        publish(p);
        return;
      }
      frame ??= requestAnimationFrame(() => {
        frame = undefined;
        publish(pending);
      });
    },
    dispose() {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      listeners.clear();
    },
  };
}

/** The status line of a Refresh all: "N of M refreshed", and how many could not be reached. */
export function RefreshProgress({ store }: { store: ProgressStore }) {
  const progress = useSyncExternalStore(store.subscribe, store.get);
  if (!progress) return null;
  return (
    <div className="refresh-progress" role="status">
      <progress max={progress.total} value={progress.done} aria-label="Refresh progress" /> {progress.done} of{' '}
      {progress.total} refreshed
      {progress.failed > 0 && `, ${progress.failed} could not be reached (their last lists are kept)`}
    </div>
  );
}
