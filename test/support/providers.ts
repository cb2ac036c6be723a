import { providerInfos } from '../../electron/core/providers/index.js';
import type { ProviderId, ProviderInfo } from '../../shared/domain.js';

/** Every provider Keydeck has, from its registry (never a list typed by hand, which a new provider would miss). */
export const PROVIDERS: readonly ProviderId[] = providerInfos().map((p) => p.id);

/** The providers whose published capabilities match: e.g. `providersWhere((p) => p.capabilities.create === 'dashboard')`. */
export function providersWhere(test: (info: ProviderInfo) => boolean): ProviderId[] {
  return providerInfos()
    .filter(test)
    .map((p) => p.id);
}
