import type { HttpResponse } from '../http/client.js';
import { bearer, errorObject, isSuccess, joinUrl, keyPrefixes, text } from './common.js';
import { badResponse, providerFailure } from './errors.js';
import type { AdapterSource, ProviderFacts } from './types.js';

/**
 * Leadey (docs: "Authentication", backend.leadey.ai).
 *
 * Published: base `https://backend.leadey.ai/v1`; Bearer auth; `GET /v1/me` answers
 * `{"data": …}`; a missing, malformed or revoked key gets 401
 * `{"error":{"message":"Invalid or revoked API key.","details":null}}` (no code); keys look like
 * `leadey_sk_live_…`; created, listed (masked label `leadey_sk_live_••••a1b2`, created, last used)
 * and revoked in the Cockpit under Settings → API Keys; revocation is immediate; keys never expire.
 *
 * Not published, so Keydeck assumes: no test environment (no test prefix is published); the
 * Cockpit's address (`https://app.leadey.ai`, overridable per organization, any *.leadey.ai host).
 */
export const leadeyInfo: ProviderFacts = {
  id: 'leadey',
  displayName: 'Leadey',
  environments: ['live'],
  keyPrefixes: keyPrefixes('leadey'),
  defaultApiBaseUrl: 'https://backend.leadey.ai/v1',
  dashboardUrl: 'https://app.leadey.ai',
  dashboardHosts: ['leadey.ai', '*.leadey.ai'],
  envVar: 'LEADEY_API_KEY',
  reportsLastUsed: false,
  dashboardSteps: {
    create: [
      'Open the Leadey Cockpit.',
      'Go to Settings → API Keys and create a key.',
      'Copy the full key: it is shown once, and Leadey keeps only a hash.',
      'Paste it here.',
    ],
    revoke: [
      'Open the Leadey Cockpit.',
      'Go to Settings → API Keys.',
      'Find the key by its masked label and revoke it (this takes effect immediately).',
      'Come back and let Keydeck check that the key is now refused.',
    ],
  },
  notes: [
    'A Leadey key acts as the whole organization: use one key per integration.',
    'Keys never expire; revoke them when done.',
    'Leadey shows last use in its Cockpit only.',
  ],
};

const NAME = leadeyInfo.displayName;

function toFailure(res: HttpResponse) {
  const inner = errorObject(res.json);
  return providerFailure(
    NAME,
    res,
    { message: text(inner.message), requestId: text(res.headers['x-request-id'], 200) },
    {},
  );
}

export const leadey: AdapterSource = {
  info: leadeyInfo,

  async verify(ctx) {
    const res = await ctx.http.send({ method: 'GET', url: joinUrl(ctx.baseUrl, '/me'), headers: bearer(ctx.secret) });
    if (!isSuccess(res)) throw toFailure(res);
    const data = (res.json as { data?: unknown } | undefined)?.data;
    if (typeof data !== 'object' || data === null) throw badResponse(NAME, res, '{"data": …}');
  },
};
