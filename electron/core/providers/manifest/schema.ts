// Long on purpose: the manifest format is one schema, read top to bottom as its documentation (and exported as JSON Schema).
import { z } from 'zod';
import { checkApiUrl, hostMatches, isLoopbackHost } from '../../http/url-policy.js';

/**
 * A provider manifest: everything Keydeck needs to speak one provider's key API, as data. The five
 * built-in providers are manifests (providers/manifests/); a person adds more in Settings → Providers.
 * A manifest is untrusted input: every string is bounded, every object is strict (an unknown or
 * misspelt field is an error that names it), paths and headers come from closed alphabets, no
 * pattern is a regular expression (no ReDoS), and no field can run code.
 */

/** Largest manifest Keydeck reads (a real one is 2 to 8 KB). */
export const MAX_MANIFEST_BYTES = 64 * 1024;
/** Most providers a person may add. */
export const MAX_USER_PROVIDERS = 50;

const text = (max: number) =>
  z
    .string()
    .max(max)
    // No control characters (a newline in a header, a bidi override in a name).
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$/u, 'control characters are not allowed');
const line = (max: number) => text(max).min(1);

const SEGMENT = '(?:[A-Za-z_$][A-Za-z0-9_$-]{0,63}|\\d{1,4})';
const PATH = `${SEGMENT}(?:\\.${SEGMENT}){0,15}`;
/**
 * Where a value is in a JSON answer: dot-separated property names or array indexes, "" for the
 * whole answer. Alternatives separated by `|` are tried in order, the first present one wins
 * (`data.key|key`), for a provider whose docs leave the shape open.
 */
export const FieldPath = z
  .string()
  .max(200)
  .regex(
    new RegExp(`^(?:${PATH})?(?:\\|(?:${PATH})?){0,5}$`),
    'a dot-separated path of property names, e.g. "data.items" ("" for the whole answer; "a|b" tries a, then b)',
  )
  .refine((p) => !p.split(/[.|]/).some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype'), {
    message: '__proto__, constructor and prototype are not fields',
  });

/** Named alphabets a key body may use. A closed list, not a regular expression a manifest could write. */
export const CHARSETS = {
  alphanumeric: 'A-Za-z0-9',
  'lowercase-alphanumeric': 'a-z0-9',
  'uppercase-alphanumeric': 'A-Z0-9',
  hex: '0-9a-f',
  digits: '0-9',
  /** Letters, digits, `_` and `-` (what most prefixed keys use). */
  base64url: 'A-Za-z0-9_-',
  /** Letters, digits, `+`, `/` and `=`. */
  base64: 'A-Za-z0-9+/=',
  /** Any opaque token: letters, digits and `_ . ~ + / = -`. */
  token: 'A-Za-z0-9_.~+/=-',
  /** Hex digits of either case and `-` (a UUID). */
  uuid: '0-9a-fA-F-',
} as const;
/** Each alphabet in words, for the messages a person reads. */
export const CHARSET_WORDS: Record<keyof typeof CHARSETS, string> = {
  alphanumeric: 'letters and digits',
  'lowercase-alphanumeric': 'lowercase letters and digits',
  'uppercase-alphanumeric': 'uppercase letters and digits',
  hex: 'lowercase hex digits',
  digits: 'digits',
  base64url: 'letters, digits, _ and -',
  base64: 'letters, digits, +, / and =',
  token: 'letters, digits or URL-safe symbols',
  uuid: 'hex digits and -',
};
export const Charset = z.enum(Object.keys(CHARSETS) as [keyof typeof CHARSETS, ...(keyof typeof CHARSETS)[]]);

const Length = z
  .object({ min: z.number().int().min(1).max(512), max: z.number().int().min(1).max(512) })
  .strict()
  .refine((l) => l.min <= l.max, { message: 'min must not be more than max' });

const Environment = z.enum(['live', 'test']);

/** One published key format: the prefix, then a body of `length` characters from `charset`. */
export const KeyFormatManifest = z
  .object({
    environment: Environment,
    /** The published prefix, e.g. `acme_live_`. Letters, digits, `_` and `-`, 3 to 40 characters. */
    prefix: z
      .string()
      .min(3)
      .max(40)
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
    charset: Charset.default('base64url'),
    /** Characters after the prefix (default 8 to 300, Keydeck's own bounds, when the provider publishes none). */
    length: Length.default({ min: 8, max: 300 }),
  })
  .strict();

/** For a provider that publishes no prefix: the person chooses the provider and environment. */
export const UnprefixedKeys = z
  .object({
    none: z.literal('published'),
    charset: Charset.default('token'),
    length: Length.default({ min: 16, max: 512 }),
  })
  .strict();

const HeaderName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and - only')
  .refine((h) => !FORBIDDEN_HEADERS.has(h.toLowerCase()), { message: 'Keydeck sets this header itself' });
/** Headers a manifest may not set: they change how the request is framed or routed, or carry other secrets. */
const FORBIDDEN_HEADERS = new Set([
  'accept',
  'user-agent',
  'origin',
  'referer',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'cookie',
  'proxy-authorization',
  'accept-encoding',
]);

export const AuthManifest = z
  .object({
    /** The header the key goes in. Default `Authorization`. */
    header: HeaderName.default('Authorization'),
    /** Written before the key, with one space: `Bearer` by default; "" sends the key alone (e.g. `X-Api-Key: <key>`). */
    scheme: z
      .string()
      .max(32)
      .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits and . _ - only')
      .default('Bearer'),
    /**
     * HTTP Basic instead: the key is the user name (`"username"`, e.g. `key:`) or the password
     * (`"password"`, e.g. `:key`), base64-encoded after `Basic `. `header` must then be `Authorization`.
     */
    basic: z.enum(['username', 'password']).optional(),
  })
  .strict()
  .refine((a) => !a.basic || a.header.toLowerCase() === 'authorization', {
    message: 'Basic authentication goes in the Authorization header',
    path: ['header'],
  });

/** Variables a system, a loader or a shell reads: a `.env` must never hand a key to one of these. */
const RESERVED_ENV =
  /^(PATH|HOME|SHELL|USER|LOGNAME|IFS|ENV|BASH_ENV|PS[1-4]|PROMPT_COMMAND|CDPATH|TMPDIR|LANG|LC_.*|TZ|LD_.*|DYLD_.*|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONSTARTUP|PERL5LIB|PERL5OPT|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|GIT_.*|SSH_.*|GNUPGHOME|XDG_.*|DISPLAY|HTTPS?_PROXY|ALL_PROXY|NO_PROXY)$/;

/** The names a path, query or body may use: `{key_id}`, `{name}`, `{scope}` and the manifest's own question. */
const PLACEHOLDER = /\{([A-Za-z0-9_]*)\}/g;
const ParamName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and _');

/** An API path below the base URL: `/keys/{key_id}`. No `..`, no `//`, no `#`, no percent-escapes. */
export const ApiPath = z
  .string()
  .min(1)
  .max(300)
  .regex(/^\/[A-Za-z0-9\-._~/{}=&?,:@]*$/, 'starts with / and uses letters, digits and - . _ ~ / { } = & ? , : @ only')
  .refine((p) => !p.split(/[/?]/).some((s) => s === '..' || s === '.'), { message: 'no . or .. segments' })
  .refine((p) => !p.includes('//'), { message: 'no empty segments (//)' })
  .refine((p) => p.replace(PLACEHOLDER, '').indexOf('{') < 0 && p.replace(PLACEHOLDER, '').indexOf('}') < 0, {
    message: 'braces only around a placeholder name, e.g. {key_id}',
  });

const Method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What counts as a success: one of these statuses, and an answer of this shape. An empty answer (a
 * 204) with a listed status passes: `required` and `equals` are checked on an answer with a body.
 */
export const SuccessManifest = z
  .object({
    status: z.array(z.number().int().min(200).max(299)).min(1).max(10).default([200]),
    /** Fields that must be present in the answer (not null). */
    required: z.array(FieldPath).max(20).default([]),
    /** A field that must be a list (e.g. `data|items|""`). */
    array: FieldPath.optional(),
    /** Fields that must hold exactly this value, e.g. `{"success": true}`. */
    equals: z
      .record(FieldPath, z.union([z.string().max(200), z.number(), z.boolean()]))
      .refine((r) => Object.keys(r).length <= 10, { message: 'at most 10 fields' })
      .default({}),
  })
  .strict();

/** Where each fact about a key is in a listed (or created) key object. */
export const KeyFieldsManifest = z
  .object({
    id: FieldPath,
    name: FieldPath.optional(),
    /** A masked label such as `acme_live_••••a1b2`: its last four characters are taken as the key's last 4. */
    masked: FieldPath.optional(),
    last4: FieldPath.optional(),
    prefix: FieldPath.optional(),
    createdAt: FieldPath.optional(),
    lastUsedAt: FieldPath.optional(),
    status: FieldPath.optional(),
    /** A time that, when present, means the key was revoked (whatever `status` says). */
    revokedAt: FieldPath.optional(),
    environment: FieldPath.optional(),
    scope: FieldPath.optional(),
  })
  .strict();

const Values = z.array(z.union([z.string().max(100), z.boolean()])).max(20);
/** The provider's words for a key's status and environment (default: `active`, `revoked`, `expired`, `live`, `test`). */
export const ValueWordsManifest = z
  .object({
    active: Values.optional(),
    revoked: Values.optional(),
    expired: Values.optional(),
    live: Values.optional(),
    test: Values.optional(),
  })
  .strict();

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
const BodyValue: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string().max(500),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(BodyValue).max(20),
    z
      .record(z.string().max(64), BodyValue)
      .refine((r) => Object.keys(r).length <= 20 && !('__proto__' in r && Object.hasOwn(r, '__proto__')), {
        message: 'at most 20 fields, and no __proto__',
      }),
  ]),
);

const BodyEncoding = z.enum(['json', 'form']).default('json');

const CallBase = {
  method: Method,
  path: ApiPath,
  success: SuccessManifest.default({ status: [200], required: [], equals: {} }),
};

export const VerifyCall = z
  .object({
    ...CallBase,
    method: Method.default('GET'),
    /**
     * Where the answer names the calling key's own id (`/whoami` → `{"key_id": …}`): the provider's word
     * for which listed key is the one Keydeck holds, when the list has no last 4 to match by.
     */
    keyId: FieldPath.optional(),
  })
  .strict();

const QueryParam = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_.[\]-]+$/, 'letters, digits and _ . [ ] - only');

/**
 * How a list continues past its first page (at most 50 pages, 5,000 keys):
 * - `cursor`: the answer names the next cursor (`next`); Keydeck sends it as `param`.
 * - `after-last-id`: the next page starts after the last key's id, sent as `param` (Stripe's `starting_after`),
 *   while `hasMore` is true.
 * - `page`: page numbers from `start` (default 1) in `param`, until a page is empty or `hasMore` is false.
 * - `next-url`: the answer holds the next page's URL (`next`), on the same host as the API.
 */
export const Pagination = z.discriminatedUnion('style', [
  z.object({ style: z.literal('cursor'), param: QueryParam, next: FieldPath }).strict(),
  z.object({ style: z.literal('after-last-id'), param: QueryParam, hasMore: FieldPath }).strict(),
  z
    .object({
      style: z.literal('page'),
      param: QueryParam,
      start: z.number().int().min(0).max(1).default(1),
      hasMore: FieldPath.optional(),
    })
    .strict(),
  z.object({ style: z.literal('next-url'), next: FieldPath }).strict(),
]);

export type Pagination = z.infer<typeof Pagination>;

export const ListCall = z
  .object({
    ...CallBase,
    method: Method.default('GET'),
    /** Where the array of keys is ("" when the answer is the array). */
    items: FieldPath,
    fields: KeyFieldsManifest,
    values: ValueWordsManifest.default({}),
    pagination: Pagination.optional(),
  })
  .strict();

export const CreateCall = z
  .object({
    ...CallBase,
    method: Method.default('POST'),
    /**
     * The JSON body; strings may hold `{name}` (the name the person gives) and `{scope}`. A field whose
     * whole value is a placeholder with nothing to fill in (no scope given) is left out.
     */
    body: z.record(z.string().max(64), BodyValue).optional(),
    /** How the body is sent: JSON (default) or a form (`application/x-www-form-urlencoded`, flat values only). */
    bodyEncoding: BodyEncoding,
    /** Where the new key's secret is in the answer. Shown once, then kept in the keychain. */
    secret: FieldPath,
    /** Where the new key's object is ("" for the whole answer); `fields` are read inside it. */
    key: FieldPath.default(''),
    fields: KeyFieldsManifest,
    values: ValueWordsManifest.default({}),
    /** Asks for a scope when creating (e.g. an app id), with this label. */
    scopeLabel: line(80).optional(),
  })
  .strict();

export const RevokeCall = z
  .object({
    ...CallBase,
    /** Never GET: a read that answers 200 must not count as a key revoked. */
    method: z.enum(['DELETE', 'POST', 'PUT', 'PATCH']).default('DELETE'),
    /** Must hold `{key_id}`. */
    path: ApiPath.refine((p) => p.includes('{key_id}'), { message: 'must hold {key_id}' }),
    body: z.record(z.string().max(64), BodyValue).optional(),
    bodyEncoding: BodyEncoding,
    /** Default when absent: 200 or 204. (A `success` given without `status` means 200.) */
    success: SuccessManifest.default({ status: [200, 204], required: [], equals: {} }),
  })
  .strict();

/** What an error answer means to Keydeck. */
export const Meaning = z.enum(['invalid', 'revoked', 'expired', 'missing', 'forbidden', 'rate-limited', 'not-found']);

export const ErrorRule = z
  .object({
    /** The HTTP status this rule is for (any, when absent). */
    status: z.number().int().min(400).max(599).optional(),
    /** The provider's own error code (any, when absent). */
    code: z.string().min(1).max(200).optional(),
    means: Meaning,
  })
  .strict()
  .refine((r) => r.status !== undefined || r.code !== undefined, { message: 'a rule needs a status, a code or both' })
  // A 5xx or a 429 is the provider unable to answer, never a verdict on the key (it must not prove a key dead).
  .refine((r) => r.means === 'rate-limited' || r.status === undefined || (r.status < 500 && r.status !== 429), {
    message: 'only "rate-limited" may be said of a 5xx or a 429: they say nothing about the key',
    path: ['means'],
  });

export const ErrorsManifest = z
  .object({
    /** Where the provider's error code, message and documentation link are in an error answer. */
    code: FieldPath.optional(),
    message: FieldPath.optional(),
    documentationUrl: FieldPath.optional(),
    /** Where the request id is: a field of the answer, or a response header. */
    requestId: FieldPath.optional(),
    requestIdHeader: HeaderName.optional(),
    /**
     * Rules, first match wins; then Keydeck's defaults: 401 = invalid, 403 = forbidden, 404 = not
     * found, 429 = rate limited (with Retry-After).
     */
    rules: z.array(ErrorRule).max(50).default([]),
  })
  .strict();

/** The one question Keydeck asks the person for a path parameter (Legba's `{org_uuid}`). */
export const PathParameter = z
  .object({
    name: ParamName,
    label: line(80),
    help: text(300).default(''),
    charset: Charset.default('token'),
    length: Length.default({ min: 1, max: 200 }),
    example: text(200).default(''),
  })
  .strict();

export const DashboardManifest = z
  .object({
    /** Where the person manages keys by hand (https); "" when it has no fixed address. */
    url: z.string().max(2000),
    /** Hosts Keydeck may open for this provider: the dashboard's own host, or subdomains of the manifest's hosts. */
    hosts: z.array(z.string().min(1).max(253)).max(10).default([]),
    /** Steps for what the API cannot do, in the provider's words. */
    steps: z
      .object({ create: z.array(line(300)).max(12).optional(), revoke: z.array(line(300)).max(12).optional() })
      .strict()
      .default({}),
  })
  .strict();

export const ProviderManifest = z
  .object({
    /** The JSON Schema this file follows (ignored by Keydeck, read by editors). */
    $schema: z.string().max(500).optional(),
    manifestVersion: z.literal(1),
    /** Lowercase letters, digits and -, 2 to 31 characters; unique among Keydeck's providers. */
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}$/, 'lowercase letters, digits and -, starting with a letter, 2 to 31 characters'),
    /**
     * Letters a-z, digits, spaces and `. , & ( ) ' + / _ -`: no look-alike letters from other scripts and no
     * invisible characters, so an added "Legba" cannot pass for the built-in one.
     */
    displayName: z
      .string()
      .min(1)
      .max(60)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 .,&()'+/_-]*$/, "letters a-z, digits, spaces and . , & ( ) ' + / _ - only"),
    environments: z.array(Environment).min(1).max(2),
    /** Published key formats, or `{ "none": "published" }`. */
    keys: z.union([z.array(KeyFormatManifest).min(1).max(8), UnprefixedKeys]),
    auth: AuthManifest.default({ header: 'Authorization', scheme: 'Bearer' }),
    /** Fixed headers sent with every call (an API version: `{"Acme-Version": "2024-06-01"}`). Never a secret. */
    headers: z
      .record(
        HeaderName.refine((h) => h.toLowerCase() !== 'authorization', { message: 'the key goes in auth' }),
        text(200),
      )
      .refine((r) => Object.keys(r).length <= 10, { message: 'at most 10 headers' })
      .default({}),
    baseUrl: z
      .object({
        /**
         * https only (plain http only to this computer). "" when the provider has no fixed host: Keydeck
         * then asks for one when connecting. Each organization may set its own (Connect → Advanced).
         */
        default: z.string().max(2000),
      })
      .strict(),
    pathParameters: z.array(PathParameter).max(1).default([]),
    calls: z
      .object({
        verify: VerifyCall,
        list: ListCall.optional(),
        create: CreateCall.optional(),
        revoke: RevokeCall.optional(),
      })
      .strict(),
    errors: ErrorsManifest.default({ rules: [] }),
    limits: z
      .object({
        dailyCalls: z
          .object({
            live: z.number().int().positive().max(1e12).optional(),
            test: z.number().int().positive().max(1e12).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    dashboard: DashboardManifest,
    /** The variable a `.env` holds the key in. */
    envVar: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'uppercase letters, digits and _, not starting with a digit')
      .refine((v) => !RESERVED_ENV.test(v), {
        message: 'a variable the system or a shell reads (PATH, LD_PRELOAD, NODE_OPTIONS, …): a key must not go there',
      }),
    notes: z.array(line(500)).max(20).default([]),
  })
  .strict()
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (m.baseUrl.default) {
      const checked = checkApiUrl(m.baseUrl.default);
      if (!checked.ok) issue(['baseUrl', 'default'], checked.reason);
      else if (checked.url.search || checked.url.hash)
        issue(['baseUrl', 'default'], 'no query or fragment in a base URL');
    }
    if (Array.isArray(m.keys)) {
      m.keys.forEach((k, i) => {
        if (!m.environments.includes(k.environment))
          issue(['keys', i, 'environment'], `${k.environment} is not in environments`);
      });
      const prefixes = m.keys.map((k) => k.prefix);
      prefixes.forEach((p, i) => {
        if (prefixes.some((q, j) => j !== i && (q.startsWith(p) || p.startsWith(q))))
          issue(['keys', i, 'prefix'], `${p} overlaps another prefix of this manifest`);
      });
    }
    for (const h of Object.keys(m.headers))
      if (h.toLowerCase() === m.auth.header.toLowerCase()) issue(['headers', h], 'the key goes in this header');
    for (const name of ['create', 'revoke'] as const) {
      const call = m.calls[name];
      if (call?.bodyEncoding === 'form' && call.body)
        for (const [k, v] of Object.entries(call.body))
          if (typeof v === 'object' && v !== null) issue(['calls', name, 'body', k], 'a form holds flat values only');
    }
    // Placeholders: only the names Keydeck fills in.
    const params = new Set(m.pathParameters.map((p) => p.name));
    const allowed: Record<string, Set<string>> = {
      verify: params,
      list: params,
      create: new Set([...params, 'name', 'scope']),
      revoke: new Set([...params, 'key_id']),
    };
    for (const [name, call] of Object.entries(m.calls)) {
      if (!call) continue;
      for (const [, p] of call.path.matchAll(PLACEHOLDER)) {
        if (p === 'name' || p === 'scope' || !allowed[name]?.has(p ?? ''))
          issue(['calls', name, 'path'], `{${p}} is not a value Keydeck has here`);
      }
      if ('body' in call && call.body) {
        for (const [, p] of JSON.stringify(call.body).matchAll(PLACEHOLDER)) {
          if (!allowed[name]?.has(p ?? '')) issue(['calls', name, 'body'], `{${p}} is not a value Keydeck has here`);
        }
      }
    }
    if (m.calls.create?.scopeLabel === undefined && m.calls.create?.body) {
      if (JSON.stringify(m.calls.create.body).includes('{scope}'))
        issue(['calls', 'create', 'scopeLabel'], 'the body uses {scope}: say what to ask for (scopeLabel)');
    }
    // The dashboard: https on a host this manifest names, and an allowlist no wider than its own hosts.
    const own = ownHosts(m);
    if (m.dashboard.url === '') {
      if (m.dashboard.hosts.length > 0) issue(['dashboard', 'hosts'], 'a dashboard with no URL allows no hosts');
    } else
      try {
        const url = new URL(m.dashboard.url);
        if (!(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))))
          issue(['dashboard', 'url'], 'https only');
        if (url.username || url.password) issue(['dashboard', 'url'], 'no credentials in a URL');
      } catch {
        issue(['dashboard', 'url'], 'not a URL');
      }
    m.dashboard.hosts.forEach((h, i) => {
      const problem = hostProblem(h, own);
      if (problem) issue(['dashboard', 'hosts', i], problem);
    });
  });
export type ProviderManifest = z.infer<typeof ProviderManifest>;
export type ProviderManifestInput = z.input<typeof ProviderManifest>;

/** The hosts a manifest itself names: its dashboard's and its API's. */
function ownHosts(m: { dashboard: { url: string }; baseUrl: { default: string } }): string[] {
  const hosts: string[] = [];
  for (const u of [m.dashboard.url, m.baseUrl.default]) {
    try {
      if (u) hosts.push(new URL(u).hostname.toLowerCase());
    } catch {
      // Reported by the URL checks.
    }
  }
  return hosts;
}

/**
 * Why a dashboard host may not be allowed: it must be one of the manifest's own hosts (its dashboard's
 * and its API's) or below one of them, so a manifest can never allow a host it does not itself name.
 */
function hostProblem(pattern: string, own: string[]): string | undefined {
  const p = pattern.toLowerCase();
  if (!/^(\*\.)?[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*$/.test(p))
    return `${pattern} is not a host name (a * is allowed only as "*." at the start)`;
  const bare = p.replace(/^\*\./, '');
  const ok = own.some((host) => host === bare || hostMatches(bare, `*.${host}`));
  return ok
    ? undefined
    : `${pattern} is not one of this manifest's own hosts (its dashboard URL and API URL) or below one`;
}

/** What an editor shows for each field (README "Add your own provider" says the same at more length). */
const DESCRIPTIONS: Record<string, string> = {
  $schema: 'The JSON Schema this file follows (read by editors, ignored by Keydeck).',
  manifestVersion: 'Always 1.',
  id: 'Lowercase letters, digits and -, 2 to 31 characters; not a built-in provider id.',
  displayName: 'The name Keydeck shows; not another provider’s.',
  environments: 'The environments the provider has: live, test.',
  keys: 'Published key formats (prefix, then `length` characters of `charset` after it), or {"none": "published"}.',
  auth: 'Where the key goes: default "Authorization: Bearer <key>"; "scheme": "" sends the key alone; "basic" sends HTTP Basic.',
  'auth.header': 'The header the key goes in (never one Keydeck sets itself).',
  'auth.scheme': 'Written before the key with one space ("Bearer", "Token"); "" for none.',
  'auth.basic': 'HTTP Basic with the key as the user name or the password.',
  headers: 'Fixed headers sent with every call (an API version). Never a secret.',
  baseUrl: 'The API base URL: https (plain http only to loopback); "" when each organization gives its own.',
  pathParameters: 'At most one value Keydeck asks for when connecting, used in paths as {name}.',
  calls:
    'The provider’s key API: verify is required; list, create and revoke are optional (else done in the dashboard).',
  'calls.verify': 'The cheapest authenticated call: proves a key works.',
  'calls.verify.keyId': 'Where the answer names the calling key’s own id.',
  'calls.list': 'Lists the organization’s keys.',
  'calls.list.items': 'Where the array of keys is ("" for the whole answer).',
  'calls.list.fields': 'Where each fact about a key is, inside one item.',
  'calls.list.values': 'The provider’s words for status and environment values.',
  'calls.list.pagination': 'How the list continues: cursor, after-last-id, page or next-url (same host and path).',
  'calls.create': 'Creates a key; its secret is shown once, then kept in the keychain.',
  'calls.create.body': 'The request body; strings may hold {name} and {scope}.',
  'calls.create.bodyEncoding': 'json (default) or form (application/x-www-form-urlencoded, flat values).',
  'calls.create.secret': 'Where the new key’s secret is in the answer.',
  'calls.create.key': 'Where the new key’s object is ("" for the whole answer).',
  'calls.revoke': 'Revokes a key by id; the path must hold {key_id}. Default success: 200 or 204.',
  errors: 'Where the error code, message, request id and documentation link are, and what answers mean.',
  'errors.rules':
    'First match wins: {status?, code?, means}. means: invalid, revoked, expired, missing, forbidden, rate-limited, not-found.',
  limits: 'Documented limits, e.g. {"dailyCalls": {"test": 100}}.',
  dashboard:
    'The provider’s dashboard: its URL, the extra hosts Keydeck may open (its own or below), steps for what the API cannot do.',
  envVar: 'The variable a .env holds the key in (not one a system or shell reads).',
  notes: 'Facts from the provider’s docs a person should know.',
};

/** The JSON Schema editors validate a manifest with (docs/provider-manifest.schema.json). */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ProviderManifest, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  type Node = { properties?: Record<string, Node>; anyOf?: Node[]; description?: string };
  for (const [path, description] of Object.entries(DESCRIPTIONS)) {
    let node: Node | undefined = schema as Node;
    for (const part of path.split('.')) {
      const holder: Node | undefined = node?.properties ? node : node?.anyOf?.find((n) => n.properties);
      node = holder?.properties?.[part];
    }
    if (!node) throw new Error(`manifest schema: no field ${path} to describe`);
    node.description = description;
  }
  return {
    ...schema,
    $id: 'https://keydeck.invalid/provider-manifest.schema.json',
    title: 'Keydeck provider manifest',
  };
}
