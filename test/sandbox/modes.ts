/**
 * Switchable misbehaviour for the provider sandbox: what real or hostile providers do that their
 * docs do not say. Every mode is off by default; with no mode set the sandbox behaves exactly as
 * the docs describe. Set them with the typed methods on each `ProviderSandbox`, with
 * `Sandbox.mode(provider, request)`, or over `POST /__sandbox/mode` (see server.ts).
 */
import { randomBody } from './keystore.js';

/**
 * What a hostile or broken API create answers in `key` (the key record itself is really created).
 * - `shell-injection`: `lgh_live_` + 24 chars + `;touch${IFS}/tmp/keydeck-pwned`
 * - `newline`: a valid-looking key + `\nEVIL=1`
 * - `wrong-environment`: `lgh_test_…` for a live caller (`lgh_live_…` for a test caller)
 * - `foreign-prefix`: another provider's prefix, `sk_live_…`
 * - `huge`: `lgh_live_…`, 10,000 characters in all
 * - `empty`: `""`
 * - `non-string`: a number
 * - `null`: `null`
 * - `object`: `{"value": "lgh_live_…"}` (the secret the record is filed under, nested)
 * - `whitespace`: a valid key with a leading space and a trailing tab + newline (the record is
 *   filed under the clean key: trimming gives a key the provider accepts)
 * - `zero-width`: a valid key with a U+200B after 16 body characters (filed under the clean key)
 *
 * Every other string answer is itself the secret the record is filed under (the provider accepts
 * it); `empty`, `non-string` and `null` are filed under a secret nobody ever sees. Printable
 * answers (and clean keys) are pushed to `issued`, the secret-hygiene canaries.
 */
export const HOSTILE_KEY_VARIANTS = [
  'shell-injection',
  'newline',
  'wrong-environment',
  'foreign-prefix',
  'huge',
  'empty',
  'non-string',
  'null',
  'object',
  'whitespace',
  'zero-width',
] as const;
export type HostileKeyVariant = (typeof HOSTILE_KEY_VARIANTS)[number];

/** Where an echoing error puts the caller's bearer token (`message` is always included). */
export type EchoField = 'message' | 'request_id' | 'details';
export const ECHO_FIELDS: readonly EchoField[] = ['message', 'request_id', 'details'];
export type EchoStatus = 401 | 403 | 404 | 429 | 500;
export const ECHO_STATUSES: readonly EchoStatus[] = [401, 403, 404, 429, 500];

/**
 * Usage data that lags: a use becomes visible in `last_used` only once every given condition holds
 * (`afterRequests` later API requests to this provider, `afterMs` of the sandbox clock).
 */
export interface LateLastUse {
  afterRequests?: number;
  afterMs?: number;
}

/** One hostile create the sandbox answered. `key` is exactly the value it put in the response. */
export interface HostileKeyRecord {
  variant: HostileKeyVariant;
  /** The id of the key record the provider really created (list it, revoke it by this id). */
  id: string;
  key: unknown;
  environment: 'live' | 'test';
  createdAt: string;
}

/** The provider's truth about one key, read without going through Keydeck. */
export interface TruthKey {
  id: string;
  orgId: string;
  name: string;
  environment: 'live' | 'test';
  status: 'active' | 'revoked';
  prefix: string;
  last4: string;
  scope?: string;
  createdAt: string;
  revokedAt?: string;
  /** What the API (and dashboard) reports now: lags behind `actualLastUsedAt` in late-last-use mode. */
  lastUsedAt?: string;
  /** When the key was really last used (a background use included). */
  actualLastUsedAt?: string;
  /** Set when the key came from a hostile create. */
  hostile?: HostileKeyVariant;
}

/** A mode request: the JSON body of `POST /__sandbox/mode` and the argument of `Sandbox.mode`. */
export type ModeRequest =
  /** The next creates answer hostile keys: `variants` in order, cycled for `times` creates (default: each once). */
  | { kind: 'hostile-create'; variants: HostileKeyVariant[]; times?: number }
  /** Every error body (status ≥ 400) of the provider's API echoes the caller's bearer token (`on: false` stops it). */
  | { kind: 'echo-key'; on: boolean; where?: EchoField[] }
  /** The next `times` API requests (default 1) fail with `status` in the provider's shape, echoing the token. */
  | { kind: 'fail-with-echo'; status: EchoStatus; times?: number; where?: EchoField[] }
  /** Last use becomes visible late; `off: true` stops it (pending uses become visible at once). */
  | ({ kind: 'late-last-use'; off?: boolean } & LateLastUse)
  /** These keys are used by someone else on every API request to this provider (`[]` stops it). */
  | { kind: 'background-use'; keyIds: string[] }
  /** Someone else uses this key now (once). */
  | { kind: 'touch'; keyId: string }
  /** Every mode off. */
  | { kind: 'clear' };

/**
 * The value a hostile create answers, and the secret the record is filed under (the provider
 * accepts that secret: it really issued it). `generate` is the provider's own key generator.
 */
export function hostileKey(
  variant: HostileKeyVariant,
  environment: 'live' | 'test',
  generate: (env: 'live' | 'test') => { secret: string; prefix: string },
): { answer: unknown; secret: string; canaries: string[] } {
  const { prefix } = generate(environment);
  const valid = () => generate(environment).secret;
  const other = environment === 'live' ? 'test' : 'live';
  const str = (s: string) => ({ answer: s, secret: s, canaries: [s] });
  switch (variant) {
    case 'shell-injection':
      return str(`${prefix}${randomBody(24)};touch\${IFS}/tmp/keydeck-pwned`);
    case 'newline':
      return str(`${valid()}\nEVIL=1`);
    case 'wrong-environment':
      return str(`${prefix.replace(environment, other)}${randomBody(32)}`);
    case 'foreign-prefix':
      return str(`${prefix.startsWith('sk_') ? 'lgh_live_' : 'sk_live_'}${randomBody(32)}`);
    case 'huge':
      return str(`${prefix}${randomBody(10_000 - prefix.length)}`);
    // The key issued is the clean one; the answer wraps it in whitespace / splits it with U+200B.
    case 'whitespace': {
      const secret = valid();
      return { answer: ` ${secret}\t\n`, secret, canaries: [` ${secret}\t\n`, secret] };
    }
    case 'zero-width': {
      const secret = valid();
      const answer = `${secret.slice(0, prefix.length + 16)}\u200b${secret.slice(prefix.length + 16)}`;
      return { answer, secret, canaries: [answer, secret] };
    }
    case 'object': {
      const secret = valid();
      return { answer: { value: secret }, secret, canaries: [secret] };
    }
    // No usable secret reaches the caller: the record is filed under one nobody ever sees.
    case 'empty':
      return { answer: '', secret: valid(), canaries: [] };
    case 'non-string':
      return { answer: 4_242_424_242, secret: valid(), canaries: [] };
    case 'null':
      return { answer: null, secret: valid(), canaries: [] };
  }
}

/** The raw bearer token of a request, however malformed (`Bearer ` removed), or undefined. */
export function rawBearer(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const token = authorization.replace(/^Bearer\s+/i, '');
  return token === '' ? undefined : token;
}

type Body = Record<string, unknown> & { error?: Record<string, unknown> };

/**
 * Puts `token` into an error body in the provider's own shape: every provider's message lives at
 * `error.message`; `request_id` is top-level where the provider has one (LogTalk), else inside
 * `error`; `details` is merged where it exists (Leadey's `details: null`, LogTalk's 403).
 */
export function echoInto(body: unknown, token: string, where: readonly EchoField[]): unknown {
  if (!body || typeof body !== 'object') return body;
  const out = structuredClone(body) as Body;
  const error = (out.error && typeof out.error === 'object' ? out.error : (out.error = {})) as Record<string, unknown>;
  if (where.includes('message') || where.length === 0)
    error.message = `${typeof error.message === 'string' ? error.message.replace(/\.$/, '') : 'Error'}: ${token}`;
  if (where.includes('request_id')) {
    if ('request_id' in out) out.request_id = `req_${token}`;
    else error.request_id = `req_${token}`;
  }
  if (where.includes('details')) {
    const details =
      error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
    error.details = { ...details, api_key: token };
  }
  return out;
}

const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isFields = (v: unknown) =>
  v === undefined || (Array.isArray(v) && v.every((f) => ECHO_FIELDS.includes(f as EchoField)));

/** Validates a mode request from JSON; undefined when it is not one. */
export function parseModeRequest(value: unknown): ModeRequest | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const times = v.times === undefined || isInt(v.times, 1) || v.times === null;
  switch (v.kind) {
    case 'hostile-create':
      return Array.isArray(v.variants) &&
        v.variants.length > 0 &&
        v.variants.every((x) => HOSTILE_KEY_VARIANTS.includes(x as HostileKeyVariant)) &&
        times
        ? {
            kind: 'hostile-create',
            variants: v.variants as HostileKeyVariant[],
            times: (v.times as number | undefined) ?? undefined,
          }
        : undefined;
    case 'echo-key':
      return typeof v.on === 'boolean' && isFields(v.where)
        ? { kind: 'echo-key', on: v.on, where: v.where as EchoField[] | undefined }
        : undefined;
    case 'fail-with-echo':
      return ECHO_STATUSES.includes(v.status as EchoStatus) && times && isFields(v.where)
        ? {
            kind: 'fail-with-echo',
            status: v.status as EchoStatus,
            times: (v.times as number | undefined) ?? undefined,
            where: v.where as EchoField[] | undefined,
          }
        : undefined;
    case 'late-last-use':
      if (v.off === true) return { kind: 'late-last-use', off: true };
      return (v.afterRequests === undefined || isInt(v.afterRequests, 0)) &&
        (v.afterMs === undefined || isInt(v.afterMs, 0)) &&
        (v.afterRequests !== undefined || v.afterMs !== undefined)
        ? {
            kind: 'late-last-use',
            afterRequests: v.afterRequests as number | undefined,
            afterMs: v.afterMs as number | undefined,
          }
        : undefined;
    case 'background-use':
      return Array.isArray(v.keyIds) && v.keyIds.every((x) => typeof x === 'string')
        ? { kind: 'background-use', keyIds: v.keyIds as string[] }
        : undefined;
    case 'touch':
      return typeof v.keyId === 'string' ? { kind: 'touch', keyId: v.keyId } : undefined;
    case 'clear':
      return { kind: 'clear' };
    default:
      return undefined;
  }
}
