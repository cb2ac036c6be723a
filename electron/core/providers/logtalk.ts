import { type KeydeckFailure } from '../../../shared/errors.js';
import type { HttpResponse } from '../http/client.js';
import { bearer, errorObject, isSuccess, joinUrl, text } from './common.js';
import { badResponse, providerFailure } from './errors.js';
import { builtinAdapter } from './manifest/builtin.js';
import manifest from './manifests/logtalk.json' with { type: 'json' };
import type { AdapterSource } from './types.js';

const NAME = manifest.displayName;
const CODE_MAP = {
  MISSING_API_KEY: 'UNAUTHORIZED',
  INVALID_API_KEY: 'KEY_INVALID',
  EXPIRED_API_KEY: 'KEY_EXPIRED',
  API_ACCESS_DENIED: 'PROVIDER_FORBIDDEN',
} as const;

/**
 * Hook `logtalk.tierMessage`: a 403 API_ACCESS_DENIED names the organization's tier and where to
 * upgrade (documented `details.current_tier` and `details.upgrade_url`): a message built from two
 * fields, which a manifest's error rules cannot write.
 */
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

/**
 * LogTalk: its manifest (manifests/logtalk.json), and one hook.
 *
 * Hook `logtalk.verify`: the documented envelope says `"success": true`; an answer without
 * `success` must at least carry `data` ({} does not verify, `success:false` never does). "true when
 * present, else another field" is a rule a manifest's `success` cannot say. It also carries the
 * tier message above.
 */
export const logtalk: AdapterSource = builtinAdapter(manifest, {
  async verify(ctx) {
    const res = await ctx.http.send({
      method: 'GET',
      url: joinUrl(ctx.baseUrl, manifest.calls.verify.path),
      headers: bearer(ctx.secret),
    });
    if (!isSuccess(res)) throw toFailure(res);
    const body = res.json as { success?: unknown; data?: unknown } | undefined;
    const ok =
      typeof body === 'object' &&
      body !== null &&
      (body.success === true || (body.success === undefined && body.data !== undefined && body.data !== null));
    if (!ok) throw badResponse(NAME, res, '{"success": true, …}');
  },
});
