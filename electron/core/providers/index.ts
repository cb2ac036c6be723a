import type { ProviderId, ProviderInfo } from '../../../shared/domain.js';
import { laghav } from './laghav.js';
import { leadey } from './leadey.js';
import { legba } from './legba.js';
import { logtalk } from './logtalk.js';
import { skapi } from './skapi.js';
import type { ProviderAdapter } from './types.js';

/** Every adapter Keydeck ships, by provider id. The only place that lists providers by name. */
export const ADAPTERS: Record<ProviderId, ProviderAdapter> = { legba, laghav, leadey, logtalk, skapi };

export function adapterFor(id: ProviderId): ProviderAdapter {
  return ADAPTERS[id];
}

/** The capability matrix as the UI reads it. */
export function providerInfos(): ProviderInfo[] {
  return Object.values(ADAPTERS).map((a) => a.info);
}
