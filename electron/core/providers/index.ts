import type { ProviderId, ProviderInfo } from '../../../shared/domain.js';
import { laghav } from './laghav.js';
import { leadey } from './leadey.js';
import { legba } from './legba.js';
import { logtalk } from './logtalk.js';
import { skapi } from './skapi.js';
import type { AdapterSource, ProviderAdapter } from './types.js';

/** An operation the adapter has is done by API; one it lacks, in the dashboard. One source of truth: the code. */
export function withCapabilities(source: AdapterSource): ProviderAdapter {
  const by = (has: unknown) => (has ? ('api' as const) : ('dashboard' as const));
  return {
    ...source,
    info: {
      ...source.info,
      capabilities: { verify: 'api', list: by(source.list), create: by(source.create), revoke: by(source.revoke) },
    },
  };
}

/** Every adapter Keydeck ships, by provider id. The only place that lists providers by name. */
export const ADAPTERS: Record<ProviderId, ProviderAdapter> = {
  legba: withCapabilities(legba),
  laghav: withCapabilities(laghav),
  leadey: withCapabilities(leadey),
  logtalk: withCapabilities(logtalk),
  skapi: withCapabilities(skapi),
};

export function adapterFor(id: ProviderId): ProviderAdapter {
  return ADAPTERS[id];
}

/** The capability matrix as the UI reads it. */
export function providerInfos(): ProviderInfo[] {
  return Object.values(ADAPTERS).map((a) => a.info);
}
