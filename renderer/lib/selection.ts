import { useCallback, useState } from 'react';
import type { Environment } from '../../shared/domain.js';

const KEY = 'keydeck.selection';

export type View = 'org' | 'overview' | 'activity';

export interface Selection {
  orgId?: string;
  environment: Environment;
  view: View;
}

function load(): Selection {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Selection>;
    return {
      orgId: typeof raw.orgId === 'string' ? raw.orgId : undefined,
      environment: raw.environment === 'live' || raw.environment === 'test' ? raw.environment : 'live',
      view: raw.view === 'overview' || raw.view === 'activity' ? raw.view : 'org',
    };
  } catch {
    return { environment: 'live', view: 'org' };
  }
}

/** The selected view, organization and environment, remembered across restarts (ids only, never a secret). */
export function useSelection(): [Selection, (next: Partial<Selection> | ((current: Selection) => Partial<Selection>)) => void] {
  const [selection, setSelection] = useState<Selection>(load);
  const update = useCallback((next: Partial<Selection> | ((current: Selection) => Partial<Selection>)) => {
    setSelection((prev) => {
      const merged = { ...prev, ...(typeof next === 'function' ? next(prev) : next) };
      localStorage.setItem(KEY, JSON.stringify(merged));
      return merged;
    });
  }, []);
  return [selection, update];
}
