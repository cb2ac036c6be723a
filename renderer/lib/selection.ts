import { useCallback, useEffect, useState } from 'react';
import type { Environment } from '../../shared/domain.js';

const KEY = 'keydeck.selection';
const CLEARED = 'keydeck:selection-cleared';

export type View = 'org' | 'overview' | 'activity';

/** Where the sidebar, the shortcuts and the palette take the person (one set of moves for all three). */
export interface Go {
  org: (orgId: string, environment?: Environment) => void;
  view: (view: 'overview' | 'activity') => void;
  env: (environment: Environment) => void;
  add: () => void;
  settings: () => void;
}

export interface Selection {
  orgId?: string;
  environment: Environment;
  view: View;
  /**
   * The person chose `environment` for this organization themselves (the environment switch, the
   * palette), so it is shown even when the organization has no key there yet ("Connect a live key").
   * Otherwise opening an organization shows an environment it has (see `environmentToShow`).
   */
  pinned?: boolean;
  /** The environment last shown per organization, so opening it again shows that one. */
  lastEnv?: Record<string, Environment>;
}

const isEnv = (v: unknown): v is Environment => v === 'live' || v === 'test';

function load(): Selection {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Selection>;
    const lastEnv = Object.fromEntries(Object.entries(typeof raw.lastEnv === 'object' && raw.lastEnv ? raw.lastEnv : {}).filter((e): e is [string, Environment] => isEnv(e[1])).slice(0, 500));
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

/**
 * The environment to open an organization on: the one last shown for it, else the current one, else
 * the first it has connected. Undefined when it has none connected.
 */
export function preferredEnvironment(org: { id: string; environments: readonly Environment[] }, current: Selection): Environment | undefined {
  const last = current.lastEnv?.[org.id];
  if (last && org.environments.includes(last)) return last;
  if (org.environments.includes(current.environment)) return current.environment;
  return org.environments[0];
}

/**
 * The environment to show for the selected organization: the selected one when the organization has
 * it or the person chose it there; else (a stale or default selection, an organization opened without
 * one, a test-only session organization) an environment it has connected.
 */
export function environmentToShow(org: { id: string; environments: readonly Environment[] }, current: Selection): Environment {
  if (current.orgId === org.id && (org.environments.includes(current.environment) || current.pinned)) return current.environment;
  return preferredEnvironment(org, current) ?? current.environment;
}

/** The selected view, organization and environment, remembered across restarts (ids only, never a secret). */
export function useSelection(): [Selection, (next: Partial<Selection> | ((current: Selection) => Partial<Selection>)) => void] {
  const [selection, setSelection] = useState<Selection>(load);
  useEffect(() => {
    const reset = () => setSelection(load());
    window.addEventListener(CLEARED, reset);
    return () => window.removeEventListener(CLEARED, reset);
  }, []);
  const update = useCallback((next: Partial<Selection> | ((current: Selection) => Partial<Selection>)) => {
    setSelection((prev) => {
      const change = typeof next === 'function' ? next(prev) : next;
      const merged = { ...prev, ...change };
      // A choice of environment belongs to the organization it was made on.
      if (merged.orgId !== prev.orgId && change.pinned === undefined) merged.pinned = false;
      localStorage.setItem(KEY, JSON.stringify(merged));
      return merged;
    });
  }, []);
  return [selection, update];
}
