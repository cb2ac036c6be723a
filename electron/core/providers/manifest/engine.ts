// Long on purpose: one provider's whole API from its manifest (request, success, fields, errors), read as one story.
import type { ErrorCode } from '../../../../shared/errors.js';
import { fail } from '../../../../shared/errors.js';
import type { KeyFormatInfo } from '../../../../shared/keys.js';
import type { HttpResponse } from '../../http/client.js';
import { isSuccess, joinUrl, MAX_KEYS } from '../common.js';
import { badResponse, providerFailure } from '../errors.js';
import type { AdapterSource, CallContext, ProviderFacts, ProviderKey } from '../types.js';
import { CHARSET_WORDS, CHARSETS, type Pagination, type ProviderManifest } from './schema.js';

type Calls = ProviderManifest['calls'];
type CallName = keyof Calls;
type AnyCall = NonNullable<Calls[CallName]>;
type Fields = NonNullable<Calls['list']>['fields'];
type Words = NonNullable<Calls['list']>['values'];

/**
 * An id Keydeck may put in a path: letters, digits and `_ . : -`, never `.` or `..` alone (escaping leaves
 * those as they are, and `/keys/..` is the collection itself).
 */
export function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,200}$/.test(id) && id !== '.' && id !== '..';
}

/** The most pages one list reads (with MAX_KEYS, a bound on what a provider can make Keydeck fetch). */
export const MAX_PAGES = 50;

/** The next page of a list, or undefined when the answer says there is none. */
function nextPage(
  p: Pagination,
  json: unknown,
  items: unknown[],
  baseUrl: string,
  number: number,
  idPath: string,
): { param?: [string, string]; url?: string; refused?: string } | undefined {
  const more = (path: string | undefined) => path === undefined || valueAt(json, path) === true;
  switch (p.style) {
    case 'cursor': {
      const next = valueAt(json, p.next);
      const cursor = typeof next === 'number' ? String(next) : next;
      return typeof cursor === 'string' && cursor !== '' && cursor.length <= 1000
        ? { param: [p.param, cursor] }
        : undefined;
    }
    case 'after-last-id': {
      const id = valueAt(items.at(-1), idPath);
      const last = typeof id === 'number' ? String(id) : id;
      return more(p.hasMore) && typeof last === 'string' && last.length <= 200 ? { param: [p.param, last] } : undefined;
    }
    case 'page':
      return p.hasMore === undefined || more(p.hasMore) ? { param: [p.param, String(number)] } : undefined;
    case 'next-url': {
      const next = valueAt(json, p.next);
      if (typeof next !== 'string' || next === '' || next.length > 2000) return undefined;
      // The next page is on the API's own origin, never elsewhere (the key goes with it).
      let url: URL;
      try {
        url = new URL(next, baseUrl);
      } catch {
        return undefined;
      }
      const base = new URL(baseUrl);
      const under = `${base.pathname.replace(/\/+$/, '')}/`;
      if (url.origin !== base.origin || url.username || url.password || !url.pathname.startsWith(under))
        return { refused: `a next page outside ${base.origin}${under}` };
      return { url: url.href };
    }
  }
}

/** What the manifest engine tells a watcher (the "Test with a key" view): which rule decided each answer. */
export type RuleNote = (note: { call: CallName; rule: string }) => void;

const MEANS: Record<ProviderManifest['errors']['rules'][number]['means'], ErrorCode> = {
  invalid: 'KEY_INVALID',
  revoked: 'KEY_REVOKED',
  expired: 'KEY_EXPIRED',
  missing: 'UNAUTHORIZED',
  forbidden: 'PROVIDER_FORBIDDEN',
  'rate-limited': 'PROVIDER_RATE_LIMITED',
  'not-found': 'NOT_FOUND',
};

const DEFAULT_WORDS = {
  active: ['active', 'enabled', true],
  revoked: ['revoked', 'disabled', 'deleted', 'inactive'],
  expired: ['expired'],
  live: ['live', 'production', 'prod'],
  test: ['test', 'sandbox', 'development', 'dev'],
} as const;

/**
 * The value at a dot-separated path of own properties ("" is the value itself), trying `|`
 * alternatives in order (the first that is neither absent nor null). Never walks a prototype.
 */
export function valueAt(value: unknown, path: string): unknown {
  if (path.includes('|')) {
    for (const alternative of path.split('|')) {
      const found = valueAt(value, alternative);
      if (found !== undefined && found !== null) return found;
    }
    return undefined;
  }
  if (path === '') return value;
  let current = value;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** The key formats a manifest publishes, as Keydeck checks pasted keys (prefix '' for a provider that publishes none). */
export function keyFormatsOf(m: ProviderManifest): KeyFormatInfo[] {
  if (!Array.isArray(m.keys)) {
    const keys = m.keys;
    return m.environments.map((environment) => ({
      environment,
      prefix: '',
      charset: CHARSETS[keys.charset],
      hint: `${keys.length.min} to ${keys.length.max} ${CHARSET_WORDS[keys.charset]}`,
      length: keys.length,
    }));
  }
  return m.keys.map((k) => ({
    environment: k.environment,
    prefix: k.prefix,
    charset: CHARSETS[k.charset],
    hint: k.length.min === k.length.max ? `${k.length.min} ${CHARSET_WORDS[k.charset]}` : CHARSET_WORDS[k.charset],
    length: k.length,
  }));
}

/** What the window and the core know of a provider, from its manifest. Capabilities follow from its calls. */
export function factsOf(m: ProviderManifest): ProviderFacts {
  const param = m.pathParameters[0];
  let dashboardHost: string | undefined;
  try {
    dashboardHost = new URL(m.dashboard.url).hostname;
  } catch {
    dashboardHost = undefined;
  }
  return {
    id: m.id,
    displayName: m.displayName,
    environments: m.environments,
    keyFormats: keyFormatsOf(m),
    defaultApiBaseUrl: m.baseUrl.default,
    dashboardUrl: m.dashboard.url,
    dashboardHosts: [...new Set([...(dashboardHost ? [dashboardHost] : []), ...m.dashboard.hosts])],
    envVar: m.envVar,
    reportsLastUsed: m.calls.list?.fields.lastUsedAt !== undefined,
    ...(m.calls.create?.scopeLabel ? { createScopeLabel: m.calls.create.scopeLabel } : {}),
    ...(param
      ? {
          providerOrgField: {
            label: param.label,
            help: param.help,
            pattern: `^[${CHARSETS[param.charset]}]{${param.length.min},${param.length.max}}$`,
            example: param.example,
          },
        }
      : {}),
    dashboardSteps: m.dashboard.steps,
    ...(m.limits.dailyCalls ? { dailyCallLimits: m.limits.dailyCalls } : {}),
    notes: m.notes,
  };
}

/**
 * A provider adapter that does what its manifest says: nothing else. Every value a path, query or
 * body holds is escaped for where it goes; every answer is checked against what the manifest says a
 * success is; every field read is bounded and typed; every error answer goes through the manifest's
 * rules, then Keydeck's defaults. `note` hears which rule decided each answer.
 */
export function adapterFromManifest(m: ProviderManifest, note?: RuleNote): AdapterSource {
  const NAME = m.displayName;
  const formats = keyFormatsOf(m).filter((f) => f.prefix !== '');
  // Anything in an error answer shaped like one of this provider's keys (the caller's own key is already
  // gone, provider-calls.ts) is masked before it can reach a message, a journal or a log.
  const ownKeys = formats.length
    ? new RegExp(`(${formats.map((f) => f.prefix).join('|')})[A-Za-z0-9_.~+/=-]{6,}`, 'g')
    : undefined;
  const maskOwnKeys = (text: string) =>
    ownKeys ? text.replace(ownKeys, (_, prefix: string) => `${prefix}••••`) : text;

  function values(ctx: CallContext, extra: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = { ...extra };
    if (!ctx.baseUrl) fail('VALIDATION_FAILED', `${NAME} needs your organization’s API host.`);
    const param = m.pathParameters[0];
    if (param) {
      const value = ctx.providerOrgId ?? '';
      const { min, max } = param.length;
      const fits =
        new RegExp(`^[${CHARSETS[param.charset]}]*$`).test(value) && value.length >= min && value.length <= max;
      if (!value || !fits)
        fail(
          'VALIDATION_FAILED',
          `${NAME} needs the organization's ${param.label} (${param.example || CHARSET_WORDS[param.charset]}).`,
        );
      out[param.name] = value;
    }
    return out;
  }

  function fill(template: string, vals: Record<string, string>, escape: (s: string) => string): string {
    return template.replace(/\{([A-Za-z0-9_]*)\}/g, (_, name: string) => escape(vals[name] ?? ''));
  }

  /** The body with its placeholders filled in; a field that is only an empty placeholder is left out. */
  function fillBody(body: unknown, vals: Record<string, string>): unknown {
    if (typeof body === 'string') return fill(body, vals, (s) => s);
    if (Array.isArray(body)) return body.map((b) => fillBody(b, vals));
    if (typeof body === 'object' && body !== null)
      return Object.fromEntries(
        Object.entries(body)
          .filter(([, v]) => !(typeof v === 'string' && /^\{[A-Za-z0-9_]+\}$/.test(v) && !vals[v.slice(1, -1)]))
          .map(([k, v]) => [k, fillBody(v, vals)]),
      );
    return body;
  }

  function failure(call: CallName, res: HttpResponse) {
    const e = m.errors;
    const str = (path: string | undefined, max = 500) => {
      const v = path === undefined ? undefined : valueAt(res.json, path);
      return typeof v === 'string' ? maskOwnKeys(v.slice(0, max)) : typeof v === 'number' ? String(v) : undefined;
    };
    const header = e.requestIdHeader ? res.headers[e.requestIdHeader.toLowerCase()] : undefined;
    const requestId = str(e.requestId, 200) ?? header?.slice(0, 200) ?? res.headers['x-request-id']?.slice(0, 200);
    return providerFailure(
      NAME,
      res,
      { code: str(e.code, 200), message: str(e.message), requestId, documentationUrl: str(e.documentationUrl, 500) },
      (code, status) => {
        const index = e.rules.findIndex(
          (r) => (r.status === undefined || r.status === status) && (r.code === undefined || r.code === code),
        );
        const rule = e.rules[index];
        if (!rule) {
          note?.({
            call,
            rule: `no rule in errors.rules matched HTTP ${status}${code ? ` code "${code}"` : ''}: Keydeck's default for HTTP ${status}`,
          });
          return undefined;
        }
        note?.({
          call,
          rule: `errors.rules[${index}] (${[rule.status && `HTTP ${rule.status}`, rule.code && `code "${rule.code}"`].filter(Boolean).join(', ')}) means ${rule.means}`,
        });
        // A 429 keeps Keydeck's own handling, which reads Retry-After.
        return rule.means === 'rate-limited' && status === 429 ? undefined : MEANS[rule.means];
      },
    );
  }

  /** The header value the key goes in: `<scheme> <key>`, the key alone, or HTTP Basic with the key as user or password. */
  function credential(secret: string): string {
    if (m.auth.basic === 'username') return `Basic ${btoa(`${secret}:`)}`;
    if (m.auth.basic === 'password') return `Basic ${btoa(`:${secret}`)}`;
    return m.auth.scheme ? `${m.auth.scheme} ${secret}` : secret;
  }

  /** `page`: a query parameter to add (a cursor, a page number), or the next page's own URL (already checked). */
  async function send(
    name: CallName,
    call: AnyCall,
    ctx: CallContext,
    extra: Record<string, string> = {},
    page?: { param?: [string, string]; url?: string },
  ) {
    const vals = values(ctx, extra);
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k.toLowerCase(), v])),
      [m.auth.header.toLowerCase()]: credential(ctx.secret),
      accept: 'application/json',
    };
    const filled = 'body' in call && call.body ? fillBody(call.body, vals) : undefined;
    const form = 'bodyEncoding' in call && call.bodyEncoding === 'form';
    const body =
      filled === undefined
        ? {}
        : form
          ? {
              form: Object.fromEntries(
                Object.entries(filled as Record<string, unknown>).map(([k, v]) => [k, v === null ? '' : String(v)]),
              ),
            }
          : { json: filled };
    let url = page?.url ?? joinUrl(ctx.baseUrl, fill(call.path, vals, encodeURIComponent));
    if (page?.param)
      url += `${url.includes('?') ? '&' : '?'}${encodeURIComponent(page.param[0])}=${encodeURIComponent(page.param[1])}`;
    const res = await ctx.http.send({
      method: call.method,
      url,
      headers,
      ...body,
    });
    if (!isSuccess(res) || !call.success.status.includes(res.status)) {
      if (isSuccess(res)) {
        note?.({ call: name, rule: `HTTP ${res.status} is not in calls.${name}.success.status` });
        throw badResponse(NAME, res, `HTTP ${call.success.status.join(' or ')}`);
      }
      throw failure(name, res);
    }
    // An empty answer (a 204) with a listed status is a success: there is no shape to check. Any other
    // answer must be JSON: an HTML 200 (a sign-in page, a captive portal) never counts.
    const empty = res.text === '';
    if (!empty && (res.invalidJson || !/json/i.test(res.contentType))) {
      note?.({ call: name, rule: `HTTP ${res.status} but not JSON: never a success` });
      throw badResponse(NAME, res, 'JSON');
    }
    if (!empty && call.success.array !== undefined && !Array.isArray(valueAt(res.json, call.success.array))) {
      note?.({ call: name, rule: `calls.${name}.success.array: "${call.success.array}" is not a list` });
      throw badResponse(NAME, res, `a list at "${call.success.array || '(the whole answer)'}"`);
    }
    for (const path of empty ? [] : call.success.required) {
      const v = valueAt(res.json, path);
      if (v === undefined || v === null) {
        note?.({ call: name, rule: `calls.${name}.success.required: "${path}" is missing` });
        throw badResponse(NAME, res, `an answer with "${path}"`);
      }
    }
    for (const [path, want] of Object.entries(empty ? {} : call.success.equals)) {
      if (valueAt(res.json, path) !== want) {
        note?.({ call: name, rule: `calls.${name}.success.equals: "${path}" is not ${JSON.stringify(want)}` });
        throw badResponse(NAME, res, `an answer with "${path}": ${JSON.stringify(want)}`);
      }
    }
    note?.({ call: name, rule: `HTTP ${res.status} is a success (calls.${name}.success)` });
    return res;
  }

  function word<T extends string>(value: unknown, words: Words, kinds: readonly T[]): T | undefined {
    if (typeof value !== 'string' && typeof value !== 'boolean') return undefined;
    const v = typeof value === 'string' ? value.toLowerCase() : value;
    return kinds.find((k) => {
      const list: readonly (string | boolean)[] =
        words[k as keyof Words] ?? DEFAULT_WORDS[k as keyof typeof DEFAULT_WORDS];
      return list.some((w) => (typeof w === 'string' ? w.toLowerCase() === v : w === v));
    });
  }

  function time(value: unknown): string | undefined {
    if (typeof value === 'string') return value.slice(0, 64) || undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1e14) {
      const date = new Date(value > 1e11 ? value : value * 1000);
      return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
    }
    return undefined;
  }

  /** One key from the answer, or undefined when its id is not one Keydeck can address. */
  function toKey(raw: unknown, fields: Fields, words: Words): ProviderKey | undefined {
    const get = (path: string | undefined) => (path === undefined ? undefined : valueAt(raw, path));
    const idValue = get(fields.id);
    const id = typeof idValue === 'number' && Number.isSafeInteger(idValue) ? String(idValue) : idValue;
    if (!isUsableId(id)) return undefined;
    const str = (path: string | undefined, max: number) => {
      const v = get(path);
      return typeof v === 'string' ? v.slice(0, max) : undefined;
    };
    const masked = str(fields.masked, 100);
    const last4Raw = str(fields.last4, 100) ?? (masked && /[A-Za-z0-9_-]{4}$/.test(masked) ? masked : undefined);
    const last4 = last4Raw && /^[A-Za-z0-9_-]{4}$/.test(last4Raw.slice(-4)) ? last4Raw.slice(-4) : undefined;
    const reported = str(fields.prefix, 100) ?? masked;
    const format = reported ? formats.find((f) => reported.startsWith(f.prefix)) : undefined;
    const envWord = word(get(fields.environment), words, ['live', 'test'] as const);
    const statusValue = get(fields.status);
    const revokedAt = get(fields.revokedAt);
    const status =
      revokedAt !== undefined && revokedAt !== null && revokedAt !== ''
        ? 'revoked'
        : statusValue === undefined || statusValue === null || statusValue === ''
          ? 'active'
          : (word(statusValue, words, ['active', 'revoked', 'expired'] as const) ?? 'unknown');
    return {
      id,
      // A name or scope is provider text: anything in it shaped like one of this provider's keys is masked.
      name: maskOwnKeys((str(fields.name, 200) ?? '').slice(0, 200)),
      prefix: format?.prefix,
      last4,
      environment: envWord ?? format?.environment,
      status,
      createdAt: time(get(fields.createdAt)),
      lastUsedAt: time(get(fields.lastUsedAt)),
      scope: ((v) => (v === undefined ? undefined : maskOwnKeys(v)))(str(fields.scope, 200)),
    };
  }

  const source: AdapterSource = {
    info: factsOf(m),
    async verify(ctx) {
      const res = await send('verify', m.calls.verify, ctx);
      if (m.calls.verify.keyId === undefined) return;
      const value = valueAt(res.json, m.calls.verify.keyId);
      const keyId = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
      return isUsableId(keyId) ? { keyId } : {};
    },
  };

  const listCall = m.calls.list;
  if (listCall) {
    source.list = async (ctx) => {
      const pagination = listCall.pagination;
      const keys: ProviderKey[] = [];
      const seen = new Set<string>();
      let page: { param?: [string, string]; url?: string } | undefined;
      let number = pagination?.style === 'page' ? pagination.start : 0;
      if (pagination?.style === 'page') page = { param: [pagination.param, String(number)] };
      for (let pages = 1; ; pages++) {
        const res = await send('list', listCall, ctx, {}, page);
        const items = valueAt(res.json, listCall.items);
        if (!Array.isArray(items)) {
          note?.({ call: 'list', rule: `calls.list.items: "${listCall.items}" is not an array` });
          throw badResponse(NAME, res, `a list of keys at "${listCall.items || '(the whole answer)'}"`);
        }
        for (const raw of items.slice(0, MAX_KEYS - keys.length)) {
          const key = toKey(raw, listCall.fields, listCall.values);
          if (!key) {
            note?.({
              call: 'list',
              rule: `calls.list.fields.id: a key's "${listCall.fields.id}" is not an id Keydeck can use`,
            });
            throw badResponse(NAME, res, `keys whose "${listCall.fields.id}" is an id (letters, digits, _ . : -)`);
          }
          // A provider that answers the same page again (a cursor that does not move, a page parameter it
          // ignores) would be read forever: the list is refused, as its end cannot be known.
          if (seen.has(key.id)) {
            note?.({ call: 'list', rule: `calls.list.pagination: page ${pages} repeats key ${key.id}` });
            throw badResponse(NAME, res, `a next page with new keys (page ${pages} repeats one already read)`);
          }
          seen.add(key.id);
          keys.push(key);
        }
        if (!pagination || keys.length >= MAX_KEYS || pages >= MAX_PAGES || items.length === 0) break;
        const next = nextPage(pagination, res.json, items, ctx.baseUrl, ++number, listCall.fields.id);
        if (next?.refused) {
          note?.({
            call: 'list',
            rule: `calls.list.pagination: ${next.refused} is never followed (the key goes with it)`,
          });
          throw badResponse(NAME, res, `a next page on the API's own host and path, not ${next.refused}`);
        }
        if (!next) break;
        page = next;
        note?.({ call: 'list', rule: `calls.list.pagination (${pagination.style}): page ${pages + 1}` });
      }
      return keys;
    };
  }

  const createCall = m.calls.create;
  if (createCall) {
    source.create = async (ctx, request) => {
      const res = await send('create', createCall, ctx, { name: request.name, scope: request.scope ?? '' });
      const key = toKey(valueAt(res.json, createCall.key), createCall.fields, createCall.values);
      if (!key) {
        note?.({ call: 'create', rule: `calls.create.fields.id: the new key's "${createCall.fields.id}" is missing` });
        throw badResponse(NAME, res, `the new key with its "${createCall.fields.id}"`);
      }
      // Whatever the secret looks like, the key was made and has an id: the caller checks the secret like a
      // pasted key and revokes the key by its id when it is refused. A missing secret is ''.
      const value = valueAt(res.json, createCall.secret);
      const secret = typeof value === 'string' ? value.slice(0, 4096) : '';
      // The secret itself says what its prefix, environment and last 4 are, whatever the answer's fields say.
      const format = formats.find((f) => secret.startsWith(f.prefix));
      return {
        secret,
        key: {
          ...key,
          prefix: format?.prefix ?? key.prefix,
          environment: format?.environment ?? key.environment,
          last4: secret ? secret.slice(-4) : key.last4,
        },
      };
    };
  }

  const revokeCall = m.calls.revoke;
  if (revokeCall) {
    source.revoke = async (ctx, keyId) => {
      await send('revoke', revokeCall, ctx, { key_id: keyId });
    };
  }
  return source;
}
