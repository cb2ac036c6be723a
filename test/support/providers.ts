import { ADAPTERS, providerInfos } from '../../electron/core/providers/index.js';
import type { BuiltinProviderId, ProviderInfo } from '../../shared/domain.js';

/** Every built-in provider, from its registry (never a list typed by hand, which a new provider would miss). */
export const PROVIDERS = Object.keys(ADAPTERS) as BuiltinProviderId[];

/** The providers whose published capabilities match: e.g. `providersWhere((p) => p.capabilities.create === 'dashboard')`. */
export function providersWhere(test: (info: ProviderInfo) => boolean): BuiltinProviderId[] {
  return providerInfos()
    .filter(test)
    .map((p) => p.id as BuiltinProviderId);
}
