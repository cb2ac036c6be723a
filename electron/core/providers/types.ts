import type { Environment, ProviderInfo } from '../../../shared/domain.js';
import type { HttpSender } from '../http/client.js';

/** A key as a provider's API describes it, before Keydeck joins it with what it holds. */
export interface ProviderKey {
  id: string;
  name: string;
  /** Public prefix, when the provider reports it (e.g. `lgh_live_`). */
  prefix?: string;
  last4?: string;
  environment?: Environment;
  status: 'active' | 'revoked' | 'expired' | 'unknown';
  createdAt?: string;
  lastUsedAt?: string;
  scope?: string;
}

/** What an adapter gets for one call: the HTTP client, the organization's base URL, the key to call with. */
export interface CallContext {
  http: HttpSender;
  baseUrl: string;
  secret: string;
  /** The provider's own organization id, for providers whose paths carry it (Legba). */
  providerOrgId?: string;
}

/**
 * One provider: its data (ProviderInfo: capabilities, formats, URLs) plus the small code that speaks
 * its API. Operations whose capability is `dashboard` are absent; callers read `info.capabilities`
 * and never branch on a provider's name.
 */
export interface ProviderAdapter {
  info: ProviderInfo;
  /** Proves the key works with a cheap authenticated call. Throws a KeydeckFailure when it does not. */
  verify(ctx: CallContext): Promise<void>;
  list?(ctx: CallContext): Promise<ProviderKey[]>;
  create?(ctx: CallContext, request: { name: string; scope?: string }): Promise<{ key: ProviderKey; secret: string }>;
  revoke?(ctx: CallContext, keyId: string): Promise<void>;
}
