import { useEffect, useReducer, useRef } from 'react';
import type { Environment } from '../../shared/domain.js';
import { navigate, type NavAction, type Selection } from './navigation.js';

export {
  environmentToShow,
  navigate,
  preferredEnvironment,
  type Go,
  type NavAction,
  type Selection,
  type View,
} from './navigation.js';

const KEY = 'keydeck.selection';
const CLEARED = 'keydeck:selection-cleared';

const isEnv = (v: unknown): v is Environment => v === 'live' || v === 'test';

/** The selection remembered from the last session (or the defaults). */
export function loadSelection(): Selection {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Selection>;
    const lastEnv = Object.fromEntries(
      Object.entries(typeof raw.lastEnv === 'object' && raw.lastEnv ? raw.lastEnv : {})
        .filter((e): e is [string, Environment] => isEnv(e[1]))
        .slice(0, 500),
    );
    return {
      orgId: typeof raw.orgId === 'string' ? raw.orgId : undefined,
      environment: isEnv(raw.environment) ? raw.environment : 'live',
      view: raw.view === 'overview' || raw.view === 'activity' ? raw.view : 'org',
      pinned: raw.pinned === true,
      lastEnv,
    };
  } catch {
    return { environment: 'live', view: 'org' };
  }
}

/** Forgets the remembered selection (Remove all Keydeck data): storage and every window's state. */
export function clearSelection(): void {
  localStorage.removeItem(KEY);
  window.dispatchEvent(new Event(CLEARED));
}

/** The selected view, organization and environment (one reducer), remembered across restarts (ids only, never a secret). */
export function useSelection(): [Selection, (action: NavAction) => void] {
  const [selection, dispatch] = useReducer(navigate, undefined, loadSelection);
  // What storage holds: a move is written; what was just read (at start, after a reset) is not,
  // so forgetting the selection (Remove all Keydeck data) leaves nothing behind.
  const stored = useRef(selection);
  useEffect(() => {
    const reset = () => {
      const to = loadSelection();
      stored.current = to;
      dispatch({ type: 'reset', to });
    };
    window.addEventListener(CLEARED, reset);
    return () => window.removeEventListener(CLEARED, reset);
  }, []);
  useEffect(() => {
    if (selection === stored.current) return;
    stored.current = selection;
    localStorage.setItem(KEY, JSON.stringify(selection));
  }, [selection]);
  return [selection, dispatch];
}
