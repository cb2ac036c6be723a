import type { Environment } from '../../shared/domain.js';
import type { HttpClient, HttpResponse } from './http/client.js';
import { mentionsSecret, scrub, scrubDeep } from './log.js';
import type { CallMeter } from './meter.js';
import type { CallContext } from './providers/types.js';
import type { StoredOrganization } from './store/schema.js';

/**
 * A provider's answer with the caller's own secret removed from its text, parsed body and headers
 * (the body is walked as parsed too: JSON escapes such as `\u0061` would hide the key from a text search).
 */
export function withoutSecret(res: HttpResponse, secret: string): HttpResponse {
  const clean = !mentionsSecret(res.text, [secret]);
  // `json` is parsed from `text`: with no escape in the text, every string in it (names too) is in the text verbatim,
  // so a text that holds nothing of the key means a `json` that holds nothing of it, and the parse is kept as is.
  const verbatim = clean && !res.text.includes('\\');
  return {
    ...res,
    text: clean ? res.text : scrub(res.text, [secret], { keyShaped: false }),
    json: verbatim ? res.json : scrubDeep(res.json, [secret]),
    headers: scrubDeep(res.headers, [secret]),
  };
}

/**
 * What an adapter calls a provider with, for one key of one organization-environment: every answer
 * is counted by the meter (injected) and loses the key before the adapter sees it, so an adapter
 * that builds an error from the answer can never hand the key on.
 */
export function providerCall(
  http: HttpClient,
  meter: CallMeter,
  org: StoredOrganization,
  environment: Environment,
  secret: string,
  baseUrl: string,
  /** `identify`: a call of the last-use watch, also counted as such (shown beside the day's calls). */
  purpose?: 'identify',
): CallContext {
  const observe = (status: number, headers: Record<string, string>) =>
    meter.record(org.id, environment, status, headers, purpose);
  const send: CallContext['http']['send'] = async (req) => withoutSecret(await http.send({ ...req, observe }), secret);
  return { http: { send }, baseUrl, secret, providerOrgId: org.providerOrgId };
}
