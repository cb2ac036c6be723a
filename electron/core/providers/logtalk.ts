import { type KeydeckFailure } from '../../../shared/errors.js';
import type { HttpResponse } from '../http/client.js';
import { bearer, errorObject, isSuccess, joinUrl, keyPrefixes, text } from './common.js';
import { badResponse, providerFailure } from './errors.js';
import type { AdapterSource, ProviderFacts } from './types.js';

/**
 * LogTalk (docs: "Authentication", api.logtalk.io).
 *
 * Published: `lt_live_` / `lt_test_` + 32 lowercase alphanumerics; Bearer auth;
 * `GET https://api.logtalk.io/v1/conversions` as the example call; 401 with
 * `{"success":false,"error":{"code","message","documentation_url"},"request_id","timestamp"}` and
 * codes MISSING_API_KEY, INVALID_API_KEY, EXPIRED_API_KEY; 403 API_ACCESS_DENIED with
 * `details.current_tier` and `details.upgrade_url` when the subscription is below Growth; keys
 * created in the dashboard (Settings → API Keys → Create API Key, a name and an organization),
 * shown once.
 *
 * Not published, so Keydeck assumes: no cheaper verify call exists, so `GET /v1/conversions` is
 * it, and a success is `{"success":true,…}`; listing and revoking are dashboard-only; the
 * dashboard lives on logtalk.io (overridable per organization).
 */
export const logtalkInfo: ProviderFacts = {
  id: 'logtalk',
  displayName: 'LogTalk',
  environments: ['live', 'test'],
  keyPrefixes: keyPrefixes('logtalk'),
  defaultApiBaseUrl: 'https://api.logtalk.io/v1',
  dashboardUrl: 'https://logtalk.io/dashboard',
  dashboardHosts: ['logtalk.io', '*.logtalk.io'],
  envVar: 'LOGTALK_API_KEY',
  reportsLastUsed: false,
  dashboardSteps: {
    create: [
      'Log in to your LogTalk dashboard.',
      'Navigate to Settings → API Keys.',
      'Click Create API Key.',
      // The page's example name ("Production CI/CD") is left out: Keydeck suggests the name to give.
      'Give your key a descriptive name.',
      'Select the organization the key should belong to.',
      'Copy the full key immediately (it is shown only once) and paste it here.',
    ],
    revoke: [
      'Log in to your LogTalk dashboard.',
      'Navigate to Settings → API Keys.',
      'Find the key and revoke it.',
      'Come back and let Keydeck check that the key is now refused.',
    ],
  },
  notes: [
    'API access needs the Growth tier or higher; on Starter every call answers 403 API_ACCESS_DENIED.',
    'LogTalk keys can expire (EXPIRED_API_KEY).',
  ],
};

const NAME = logtalkInfo.displayName;
const CODE_MAP = {
  MISSING_API_KEY: 'UNAUTHORIZED',
  INVALID_API_KEY: 'KEY_INVALID',
  EXPIRED_API_KEY: 'KEY_EXPIRED',
  API_ACCESS_DENIED: 'PROVIDER_FORBIDDEN',
} as const;

function toFailure(res: HttpResponse): KeydeckFailure {
  const inner = errorObject(res.json);
  const body = (res.json ?? {}) as Record<string, unknown>;
  const failure = providerFailure(
    NAME,
    res,
    {
      code: text(inner.code, 200),
      message: text(inner.message),
      requestId: text(body.request_id, 200),
      documentationUrl: text(inner.documentation_url, 2000),
    },
    CODE_MAP,
  );
  const details = (inner.details ?? {}) as Record<string, unknown>;
  if (inner.code === 'API_ACCESS_DENIED') {
    const tier = text(details.current_tier, 60);
    const upgrade = text(details.upgrade_url, 500);
    failure.error.message = `LogTalk API access needs the Growth tier or higher${tier ? `; this organization is on ${tier}` : ''}.${upgrade ? ` Upgrade at ${upgrade}.` : ''}`;
  }
  return failure;
}

export const logtalk: AdapterSource = {
  info: logtalkInfo,

  async verify(ctx) {
    const res = await ctx.http.send({
      method: 'GET',
      url: joinUrl(ctx.baseUrl, '/conversions'),
      headers: bearer(ctx.secret),
    });
    if (!isSuccess(res)) throw toFailure(res);
    // The documented envelope says `success`; a body without it must at least carry `data`. `{}` does not verify.
    const body = res.json as { success?: unknown; data?: unknown } | undefined;
    const ok =
      typeof body === 'object' &&
      body !== null &&
      (body.success === true || (body.success === undefined && body.data !== undefined && body.data !== null));
    if (!ok) throw badResponse(NAME, res, '{"success": true, …}');
  },
};
