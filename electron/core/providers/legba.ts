import { fail } from '../../../shared/errors.js';
import type { HttpResponse } from '../http/client.js';
import { bearer, errorObject, isSuccess, joinUrl, text } from './common.js';
import { badResponse, providerFailure } from './errors.js';
import type { AdapterSource, ProviderFacts } from './types.js';

/**
 * Legba (docs: "Authentication", public preview).
 *
 * Published: Bearer auth; `GET https://{your-api-host}/orgs/{org_uuid}/api/instances` as the
 * example call; 401 `{"error":{"code":"UNAUTHORIZED","message":"Invalid or missing API key"}}`;
 * keys are generated in the dashboard (Settings → API Keys → Generate New API Key), shown once;
 * keys "may expire or be revoked"; audit logs in the dashboard.
 *
 * Not published, so Keydeck asks or assumes:
 * - the API host ("not final"): the user gives it per organization; there is no default;
 * - the key format: none, so the user says it is a Legba key, and which environment (live unless
 *   they say test);
 * - the org UUID: the user gives it; it must be a UUID;
 * - the instances answer: a JSON list (`[…]`, or `{"data":[…]}` / `{"instances":[…]}`); anything
 *   else, `{}` included, does not verify a key;
 * - a revoked or expired key: the same 401 UNAUTHORIZED as an unknown one (the docs give one body);
 * - the dashboard URL: the user gives it (https), and it is the only dashboard host Keydeck opens.
 */
export const legbaInfo: ProviderFacts = {
  id: 'legba',
  displayName: 'Legba',
  environments: ['live', 'test'],
  keyPrefixes: [],
  defaultApiBaseUrl: '',
  dashboardUrl: '',
  dashboardHosts: [],
  envVar: 'LEGBA_API_KEY',
  reportsLastUsed: false,
  providerOrgField: {
    label: 'Organization UUID',
    help: 'The {org_uuid} in your Legba API paths, e.g. /orgs/{org_uuid}/api/instances.',
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    example: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f',
  },
  dashboardSteps: {
    create: [
      'Log in to your Legba organization dashboard.',
      'Navigate to Settings → API Keys.',
      'Click Generate New API Key.',
      'Copy the key (it is shown once) and paste it here.',
    ],
    revoke: [
      'Log in to your Legba organization dashboard.',
      'Navigate to Settings → API Keys.',
      'Find the key and revoke it.',
      'Come back and let Keydeck check that the key is now refused.',
    ],
  },
  notes: [
    'Legba publishes no key format: tell Keydeck it is a Legba key, and whether it is live or test.',
    'The API host is not final: give the one your organization uses.',
    'Legba answers 401 UNAUTHORIZED alike for unknown, revoked and expired keys.',
  ],
};

const NAME = legbaInfo.displayName;
const ORG_UUID = new RegExp(legbaInfo.providerOrgField?.pattern ?? '^$');

function toFailure(res: HttpResponse) {
  const inner = errorObject(res.json);
  // UNAUTHORIZED is "invalid or missing": Keydeck always sends a key, so it means the key is refused.
  return providerFailure(
    NAME,
    res,
    { code: text(inner.code, 200), message: text(inner.message), requestId: text(res.headers['x-request-id'], 200) },
    { UNAUTHORIZED: 'KEY_INVALID' },
  );
}

function isInstanceList(json: unknown): boolean {
  if (Array.isArray(json)) return true;
  if (typeof json !== 'object' || json === null) return false;
  const body = json as Record<string, unknown>;
  return (
    Array.isArray(body.data) ||
    Array.isArray(body.instances) ||
    Array.isArray(body.items) ||
    Array.isArray((body.data as { instances?: unknown } | undefined)?.instances)
  );
}

export const legba: AdapterSource = {
  info: legbaInfo,

  async verify(ctx) {
    if (!ctx.providerOrgId || !ORG_UUID.test(ctx.providerOrgId))
      fail('VALIDATION_FAILED', 'Legba needs the organization UUID from your API paths.');
    if (!ctx.baseUrl) fail('VALIDATION_FAILED', 'Legba needs your organization’s API host.');
    const res = await ctx.http.send({
      method: 'GET',
      url: joinUrl(ctx.baseUrl, `/orgs/${encodeURIComponent(ctx.providerOrgId)}/api/instances`),
      headers: bearer(ctx.secret),
    });
    if (!isSuccess(res)) throw toFailure(res);
    if (!isInstanceList(res.json)) throw badResponse(NAME, res, 'a list of instances');
  },
};
