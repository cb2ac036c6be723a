import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Output } from '../../shared/contract.js';
import type { ProviderId, ProviderInfo } from '../../shared/domain.js';

type AppInfo = Output<'app.info'>;

interface AppInfoValue extends AppInfo {
  names: Record<string, string>;
  provider(id: ProviderId): ProviderInfo;
}

const Context = createContext<AppInfoValue | undefined>(undefined);

/** What the whole UI reads about the app and its providers (capabilities, names, formats). */
export function AppInfoProvider({ info, children }: { info: AppInfo; children: ReactNode }) {
  // One value per answer, not per render: what is computed from it (the overview) is not redone on every render of the app.
  const value = useMemo<AppInfoValue>(
    () => ({
      ...info,
      names: Object.fromEntries(info.providers.map((p) => [p.id, p.displayName])),
      provider: (id) => {
        const found = info.providers.find((p) => p.id === id);
        if (!found) throw new Error(`unknown provider ${id}`);
        return found;
      },
    }),
    [info],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useAppInfo(): AppInfoValue {
  const value = useContext(Context);
  if (!value) throw new Error('useAppInfo outside AppInfoProvider');
  return value;
}
