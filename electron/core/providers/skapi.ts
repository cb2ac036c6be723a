import { z } from 'zod';
import type { HttpResponse } from '../http/client.js';
import { bearer, environmentOfPrefix, errorObject, isSuccess, joinUrl, keyPrefixes, MAX_KEYS, text } from './common.js';
import { badResponse, providerFailure } from './errors.js';
import type { CallContext, AdapterSource, ProviderFacts, ProviderKey } from './types.js';

/**
 * The sk-style API (docs: "Authentication", api.example.com; a Stripe-like generic service).
 *
 * Published: `sk_live_…` (real data, billed), `sk_test_…` (no charges, data not persisted);
 * Bearer auth; `GET /v1/api-keys` →
 * `{"success":true,"data":[{id,name,prefix,created_at,last_used}]}`; `DELETE /v1/api-keys/{id}` →
 * `{"success":true,"message":"API key revoked successfully"}`; 401 for a missing or invalid key,
 * 403 when the key lacks permission for the resource; keys created in the dashboard
 * (Settings > API Keys > "Create New API Key"); rotate every 90 days.
 *
 * Not published, so Keydeck assumes: error bodies `{"success":false,"error":{"code","message"}}`
 * (read if present, not required); the list holds the calling key's environment; the list gives
 * no last 4, so Keydeck recognises its own key as the one whose `last_used` moved on its own call
 * (only when exactly one did); the dashboard is on example.com.
 */
export const skapiInfo: ProviderFacts = {
  id: 'skapi',
  displayName: 'sk-style API',
  environments: ['live', 'test'],
  keyPrefixes: keyPrefixes('skapi'),
  defaultApiBaseUrl: 'https://api.example.com/v1',
  dashboardUrl: 'https://example.com/dashboard',
  dashboardHosts: ['example.com', '*.example.com'],
  envVar: 'API_KEY',
  reportsLastUsed: true,
  dashboardSteps: {
    create: [
      'Log in to your account.',
      'Navigate to Settings > API Keys.',
      'Click "Create New API Key" and give it a descriptive name.',
      'Copy the key and paste it here.',
    ],
  },
  notes: [
    'The provider advises rotating keys every 90 days.',
    'Keys can be restricted by IP address, referrer URL or endpoint; a restricted key may get 403.',
  ],
};

const NAME = skapiInfo.displayName;

const WireKey = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/),
  name: z.string().max(10_000).nullish(),
  prefix: z.string().max(100).nullish(),
  created_at: z.string().max(100).nullish(),
  last_used: z.string().max(100).nullish(),
  status: z.string().max(100).nullish(),
});
const WireList = z.object({ success: z.literal(true), data: z.array(WireKey) });

function toFailure(res: HttpResponse) {
  const inner = errorObject(res.json);
  return providerFailure(
    NAME,
    res,
    {
      code: text(inner.code, 200),
      message: text(inner.message),
      requestId: text(res.headers['request-id'] ?? res.headers['x-request-id'], 200),
    },
    {},
  );
}

async function list(ctx: CallContext): Promise<ProviderKey[]> {
  const res = await ctx.http.send({
    method: 'GET',
    url: joinUrl(ctx.baseUrl, '/api-keys'),
    headers: bearer(ctx.secret),
  });
  if (!isSuccess(res)) throw toFailure(res);
  const parsed = WireList.safeParse(res.json);
  if (!parsed.success) throw badResponse(NAME, res, 'a list of API keys');
  return parsed.data.data.slice(0, MAX_KEYS).map((w) => {
    const format = environmentOfPrefix(w.prefix);
    return {
      id: w.id,
      name: (w.name ?? '').slice(0, 200),
      prefix: format?.prefix,
      environment: format?.environment,
      status: w.status === 'revoked' ? 'revoked' : 'active',
      createdAt: w.created_at ?? undefined,
      lastUsedAt: w.last_used ?? undefined,
    };
  });
}

export const skapi: AdapterSource = {
  info: skapiInfo,

  async verify(ctx) {
    await list(ctx);
  },

  list,

  async revoke(ctx, keyId) {
    const res = await ctx.http.send({
      method: 'DELETE',
      url: joinUrl(ctx.baseUrl, `/api-keys/${encodeURIComponent(keyId)}`),
      headers: bearer(ctx.secret),
    });
    if (!isSuccess(res)) throw toFailure(res);
    // Documented: {"success":true,"message":…}. A 204 with no body is a success too; `success:false` never is.
    const body = res.json as { success?: unknown } | undefined;
    if (!(res.status === 204 && res.text === '') && body?.success !== true)
      throw badResponse(NAME, res, '{"success": true, …}');
  },
};
