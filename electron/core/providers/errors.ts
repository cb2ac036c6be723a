import { KeydeckFailure, type ErrorCode, type ProviderDetail } from '../../../shared/errors.js';
import type { HttpResponse } from '../http/client.js';
import { parseRetryAfter } from '../http/client.js';
import { scrub } from '../log.js';

/**
 * Turns a non-2xx response into a typed failure. `codeMap` maps the provider's own error codes onto
 * Keydeck's; the provider's code, message and request id are kept verbatim for the user.
 */
export function providerFailure(
  providerName: string,
  res: HttpResponse,
  detail: Omit<ProviderDetail, 'status' | 'contentType'>,
  /** The provider's codes as Keydeck's, or a function of the code and status (a manifest's error rules). */
  codeMap: Record<string, ErrorCode> | ((code: string | undefined, status: number) => ErrorCode | undefined),
): KeydeckFailure {
  // Provider text is untrusted: anything key-shaped in it is masked before it can reach an error, a
  // journal, a log or the renderer (the caller's own key was already removed from the answer).
  const clean = (v: string | undefined) => (v === undefined ? undefined : scrub(v));
  detail = {
    code: clean(detail.code),
    message: clean(detail.message),
    requestId: clean(detail.requestId),
    documentationUrl: clean(detail.documentationUrl),
  };
  const provider: ProviderDetail = {
    status: res.status,
    contentType: res.contentType || undefined,
    ...stripUndefined(detail),
  };
  const mapped =
    typeof codeMap === 'function' ? codeMap(detail.code, res.status) : detail.code ? codeMap[detail.code] : undefined;
  const said = detail.message ? ` ${providerName} said: “${detail.message}”` : '';
  if (mapped) return new KeydeckFailure({ code: mapped, message: messageFor(mapped, providerName) + said, provider });
  if (res.status === 401)
    return new KeydeckFailure({
      code: 'KEY_INVALID',
      message: messageFor('KEY_INVALID', providerName) + said,
      provider,
    });
  if (res.status === 403)
    return new KeydeckFailure({
      code: 'PROVIDER_FORBIDDEN',
      message: messageFor('PROVIDER_FORBIDDEN', providerName) + said,
      provider,
    });
  if (res.status === 404)
    return new KeydeckFailure({ code: 'NOT_FOUND', message: `${providerName} has no such key.` + said, provider });
  if (res.status === 429) {
    const retryAfterSeconds = parseRetryAfter(res.headers['retry-after']);
    const when = retryAfterSeconds !== undefined ? ` Try again in ${formatWait(retryAfterSeconds)}.` : '';
    return new KeydeckFailure({
      code: 'PROVIDER_RATE_LIMITED',
      message: `${providerName} is rate-limiting this key.${when}` + said,
      provider,
      retryAfterSeconds,
    });
  }
  if (!/json/i.test(res.contentType)) {
    return new KeydeckFailure({
      code: 'PROVIDER_ERROR',
      message: `${providerName} answered HTTP ${res.status} with ${res.contentType ? `a ${res.contentType.split(';')[0]} page` : 'no content type'} instead of its API's JSON.`,
      provider,
    });
  }
  return new KeydeckFailure({
    code: 'PROVIDER_ERROR',
    message: `${providerName} answered HTTP ${res.status}.` + said,
    provider,
  });
}

/** A 2xx whose body is not what the provider documents. */
export function badResponse(providerName: string, res: HttpResponse, what: string): KeydeckFailure {
  const kind = res.invalidJson
    ? 'invalid JSON'
    : !/json/i.test(res.contentType)
      ? `${res.contentType.split(';')[0] || 'no content type'} instead of JSON`
      : 'an unexpected shape';
  return new KeydeckFailure({
    code: 'PROVIDER_BAD_RESPONSE',
    message: `${providerName} answered HTTP ${res.status} with ${kind} where ${what} was expected.`,
    provider: { status: res.status, contentType: res.contentType || undefined },
  });
}

function messageFor(code: ErrorCode, providerName: string): string {
  switch (code) {
    case 'KEY_INVALID':
      return `${providerName} does not recognise this key.`;
    case 'KEY_REVOKED':
      return `${providerName} says this key was revoked.`;
    case 'KEY_EXPIRED':
      return `${providerName} says this key has expired.`;
    case 'UNAUTHORIZED':
      return `${providerName} did not receive a key.`;
    case 'PROVIDER_FORBIDDEN':
      return `${providerName} refused: this key may not do that.`;
    case 'PROVIDER_RATE_LIMITED':
      return `${providerName} is rate-limiting this key.`;
    default:
      return `${providerName} returned an error.`;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
