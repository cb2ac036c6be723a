import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Output } from '../../shared/contract.js';
import type { ProviderId, ProviderInfo } from '../../shared/domain.js';
import { formatsOf, prefixlessProviders, type KeyFormat } from '../../shared/keys.js';

type AppInfo = Output<'app.info'>;

interface AppInfoValue extends AppInfo {
  names: Record<string, string>;
  provider(id: ProviderId): ProviderInfo;
  /** Every provider's key formats, the added ones too: a paste is checked as the core will check it. */
  formats: KeyFormat[];
  /** Providers that publish no key prefix: the person chooses one of these for a key Keydeck cannot detect. */
  prefixless: ProviderId[];
}

const Context = createContext<AppInfoValue | undefined>(undefined);

/** What the whole UI reads about the app and its providers (capabilities, names, formats). */
export function AppInfoProvider({ info, children }: { info: AppInfo; children: ReactNode }) {
  // One value per answer, not per render: what is computed from it (the overview) is not redone on every render of the app.
  const value = useMemo<AppInfoValue>(
    () => ({
      ...info,
      names: Object.fromEntries(info.providers.map((p) => [p.id, p.displayName])),
      formats: formatsOf(info.providers),
      prefixless: prefixlessProviders(formatsOf(info.providers)),
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
