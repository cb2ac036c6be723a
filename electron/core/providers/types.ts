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
 * One provider: its data (ProviderInfo: formats, URLs, limits, capabilities) plus the small code that
 * speaks its API. An operation it has is one it does by API; one it lacks is done in the provider's
 * dashboard, with Keydeck's guidance. `info.capabilities` says the same for the window, and is derived
 * from which operations are here (providers/index.ts), so the two can never disagree.
 */
export interface ProviderAdapter {
  info: ProviderInfo;
  /**
   * Proves the key works with a cheap authenticated call. Throws a KeydeckFailure when it does not.
   * Answers the calling key's own id where the provider's answer names it (a manifest's `verify.keyId`).
   */
  verify(ctx: CallContext): Promise<void | { keyId?: string }>;
  list?(ctx: CallContext): Promise<ProviderKey[]>;
  create?(ctx: CallContext, request: { name: string; scope?: string }): Promise<{ key: ProviderKey; secret: string }>;
  revoke?(ctx: CallContext, keyId: string): Promise<void>;
}

/** What a provider's file states about it: everything in ProviderInfo but the capabilities, which follow from its code. */
export type ProviderFacts = Omit<ProviderInfo, 'capabilities'>;

/** A provider's file: its facts and its operations; the registry adds the capabilities they imply. */
export type AdapterSource = Omit<ProviderAdapter, 'info'> & { info: ProviderFacts };
