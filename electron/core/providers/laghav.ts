import { z } from 'zod';
import { detectFormat } from '../../../shared/keys.js';
import type { HttpResponse } from '../http/client.js';
import { bearer, environmentOfPrefix, errorObject, isSuccess, joinUrl, keyPrefixes, MAX_KEYS, text } from './common.js';
import { badResponse, providerFailure } from './errors.js';
import type { CallContext, AdapterSource, ProviderFacts, ProviderKey } from './types.js';

/**
 * Laghav (docs: "Authentication", api.laghav.ai).
 *
 * Published: Bearer auth; keys `lgh_live_…` (billable, per-plan monthly quota) and `lgh_test_…`
 * (free, 100 calls/day); `GET /api/keys` lists, `POST /api/keys {"name","app_id"}` creates,
 * `DELETE /api/keys/{key_id}` revokes; `GET /health` needs no auth; 401 codes `UNAUTHORIZED`
 * (missing header), `INVALID_KEY` (not found / hash mismatch), `KEY_REVOKED`.
 *
 * Where the docs are silent, Keydeck assumes (and the sandbox serves) the following, and accepts
 * close variants so a real response that differs slightly still works:
 * - error bodies are `{"error":{"code","message"}}` (Legba's documented shape); a top-level
 *   `{"code","message"}` is read too;
 * - the list is `{"data":[…]}` (a bare array or `{"keys":[…]}` also accepted), each key with `id`,
 *   `name`, `app_id`, `prefix`, `last4`, `status`, `created_at`; keys of the calling key's
 *   environment only;
 * - create answers the new key's fields plus the full secret in `key` (shown once);
 * - the daily test limit answers 429 with a `Retry-After` header.
 * Laghav does not publish last-used, so Keydeck shows it as unknown.
 */
export const laghavInfo: ProviderFacts = {
  id: 'laghav',
  displayName: 'Laghav',
  environments: ['live', 'test'],
  keyPrefixes: keyPrefixes('laghav'),
  defaultApiBaseUrl: 'https://api.laghav.ai',
  // Not published: the docs say "your dashboard under Settings → API Keys". Overridable per organization.
  dashboardUrl: 'https://laghav.ai/dashboard',
  dashboardHosts: ['laghav.ai', '*.laghav.ai'],
  envVar: 'LAGHAV_API_KEY',
  reportsLastUsed: false,
  createScopeLabel: 'App ID',
  // Documented: "lgh_test_xxx … 100 calls/day". When the day starts is not: Keydeck assumes UTC midnight.
  dailyCallLimits: { test: 100 },
  dashboardSteps: {},
  notes: [
    'Live keys are billable against a per-plan monthly quota; test keys are free and limited to 100 calls a day.',
    'Laghav does not report when a key was last used.',
  ],
};

const NAME = laghavInfo.displayName;

const CODE_MAP = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  INVALID_KEY: 'KEY_INVALID',
  KEY_REVOKED: 'KEY_REVOKED',
} as const;

const WireKey = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/),
  name: z.string().max(10_000).nullish(),
  app_id: z.string().max(10_000).nullish(),
  prefix: z.string().max(100).nullish(),
  last4: z.string().max(100).nullish(),
  status: z.string().max(100).nullish(),
  created_at: z.string().max(100).nullish(),
  last_used_at: z.string().max(100).nullish(),
  revoked_at: z.string().max(100).nullish(),
});
type WireKey = z.infer<typeof WireKey>;

const WireList = z.union([
  z.array(WireKey),
  z.object({ data: z.array(WireKey) }),
  z.object({ keys: z.array(WireKey) }),
]);
/** The new key's secret: `key` as Keydeck assumes, or `api_key` / `secret`; possibly wrapped in `data`. */
const SECRET_FIELDS = ['key', 'api_key', 'secret'] as const;
function createdKey(json: unknown): { wire: WireKey; secret: string } | undefined {
  const body = (json as { data?: unknown } | undefined)?.data ?? json;
  const parsed = WireKey.safeParse(body);
  if (!parsed.success) return undefined;
  const record = body as Record<string, unknown>;
  // Whatever the secret looks like, the key was made and has an id: the caller checks the secret
  // like a pasted key and revokes the key by its id when it is refused. A missing secret is ''.
  const secret = SECRET_FIELDS.map((f) => record[f]).find((v): v is string => typeof v === 'string') ?? '';
  return { wire: parsed.data, secret: secret.slice(0, 4096) };
}

function toFailure(res: HttpResponse) {
  const inner = errorObject(res.json);
  const body = (res.json ?? {}) as Record<string, unknown>;
  return providerFailure(
    NAME,
    res,
    {
      code: text(inner.code, 200),
      message: text(inner.message),
      requestId: text(body.request_id ?? res.headers['x-request-id'], 200),
    },
    CODE_MAP,
  );
}

function toKey(w: WireKey): ProviderKey {
  const format = environmentOfPrefix(w.prefix);
  const status =
    w.status === 'revoked' || w.revoked_at
      ? 'revoked'
      : w.status === 'active' || !w.status
        ? 'active'
        : w.status === 'expired'
          ? 'expired'
          : 'unknown';
  return {
    id: w.id,
    name: (w.name ?? '').slice(0, 200),
    prefix: format?.prefix,
    last4: w.last4 ? w.last4.slice(-4) : undefined,
    environment: format?.environment,
    status,
    createdAt: w.created_at ?? undefined,
    lastUsedAt: w.last_used_at ?? undefined,
    scope: w.app_id ? w.app_id.slice(0, 200) : undefined,
  };
}

async function list(ctx: CallContext): Promise<ProviderKey[]> {
  const res = await ctx.http.send({
    method: 'GET',
    url: joinUrl(ctx.baseUrl, '/api/keys'),
    headers: bearer(ctx.secret),
  });
  if (!isSuccess(res)) throw toFailure(res);
  const parsed = WireList.safeParse(res.json);
  if (!parsed.success) throw badResponse(NAME, res, 'a list of keys');
  const items = Array.isArray(parsed.data) ? parsed.data : 'data' in parsed.data ? parsed.data.data : parsed.data.keys;
  return items.slice(0, MAX_KEYS).map(toKey);
}

export const laghav: AdapterSource = {
  info: laghavInfo,

  // The cheapest authenticated call Laghav documents is the key list itself. Only a 2xx with the
  // documented shape counts as verified: an HTML 200 or `{}` does not.
  async verify(ctx) {
    await list(ctx);
  },

  list,

  async create(ctx, request) {
    const body: Record<string, string> = { name: request.name };
    if (request.scope) body.app_id = request.scope;
    const res = await ctx.http.send({
      method: 'POST',
      url: joinUrl(ctx.baseUrl, '/api/keys'),
      headers: bearer(ctx.secret),
      json: body,
    });
    if (!isSuccess(res)) throw toFailure(res);
    const created = createdKey(res.json);
    if (!created) throw badResponse(NAME, res, 'the new key');
    const { secret } = created;
    const format = detectFormat(secret);
    const key = toKey(created.wire);
    return {
      secret,
      key: {
        ...key,
        prefix: format?.prefix ?? key.prefix,
        environment: format?.environment ?? key.environment,
        last4: secret.slice(-4),
      },
    };
  },

  async revoke(ctx, keyId) {
    const res = await ctx.http.send({
      method: 'DELETE',
      url: joinUrl(ctx.baseUrl, `/api/keys/${encodeURIComponent(keyId)}`),
      headers: bearer(ctx.secret),
    });
    if (!isSuccess(res)) throw toFailure(res);
  },
};
