import type { Environment } from '../../shared/domain.js';

/** Where the person is: pure state and moves, so they are tested under Node (the hook is in selection.ts). */

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

/**
 * The environment to open an organization on: the one last shown for it, else the current one, else
 * the first it has connected. Undefined when it has none connected.
 */
export function preferredEnvironment(
  org: { id: string; environments: readonly Environment[] },
  current: Selection,
): Environment | undefined {
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
export function environmentToShow(
  org: { id: string; environments: readonly Environment[] },
  current: Selection,
): Environment {
  if (current.orgId === org.id && (org.environments.includes(current.environment) || current.pinned))
    return current.environment;
  return preferredEnvironment(org, current) ?? current.environment;
}

/**
 * Every move the sidebar, the shortcuts, the palette and the screens make, as one reducer: the
 * navigation state changes only here, so each way of getting somewhere lands in the same place.
 */
export type NavAction =
  /** Open an organization: on the environment asked for (pinned), else the one it last showed. */
  | {
      type: 'org';
      org: { id: string; environments: readonly Environment[] } | undefined;
      orgId: string;
      environment?: Environment;
    }
  | { type: 'view'; view: 'overview' | 'activity' }
  /** The environment switch or the palette: shown even where not connected yet ("Connect a test key"). */
  | { type: 'env'; environment: Environment; orgId?: string }
  /** What the window shows became the selection; remembered as the organization's last one when connected. */
  | { type: 'shown'; orgId: string; environment: Environment; connected: boolean }
  /** Any other change (after connecting, removing, opening a rotation). */
  | { type: 'set'; change: Partial<Selection> }
  | { type: 'reset'; to: Selection };

export function navigate(prev: Selection, action: NavAction): Selection {
  let change: Partial<Selection>;
  switch (action.type) {
    case 'reset':
      return action.to;
    case 'org': {
      const chosen = action.environment ?? (action.org ? preferredEnvironment(action.org, prev) : undefined);
      change = {
        orgId: action.orgId,
        view: 'org',
        pinned: action.environment !== undefined,
        ...(chosen ? { environment: chosen } : {}),
      };
      // Remembered as the organization's last environment at once (when connected there), so the
      // screen that opens has nothing left to write back: a switch is one render, not two.
      if (chosen && action.org?.environments.includes(chosen))
        change.lastEnv = { ...prev.lastEnv, [action.orgId]: chosen };
      break;
    }
    case 'view':
      change = { view: action.view };
      break;
    case 'env':
      change = {
        ...(action.orgId ? { orgId: action.orgId } : {}),
        environment: action.environment,
        view: 'org',
        pinned: true,
      };
      break;
    case 'shown':
      if (
        prev.orgId === action.orgId &&
        prev.environment === action.environment &&
        (!action.connected || prev.lastEnv?.[action.orgId] === action.environment)
      )
        return prev;
      change = {
        orgId: action.orgId,
        environment: action.environment,
        ...(action.connected ? { lastEnv: { ...prev.lastEnv, [action.orgId]: action.environment } } : {}),
      };
      break;
    case 'set':
      change = action.change;
      break;
  }
  const merged = { ...prev, ...change };
  // A choice of environment belongs to the organization it was made on.
  if (merged.orgId !== prev.orgId && change.pinned === undefined) merged.pinned = false;
  return merged;
}
