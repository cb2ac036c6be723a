/**
 * The sandbox's misbehaviour modes (test/sandbox/modes.ts), exercised directly over HTTP: hostile
 * creates that still create a real key, the caller's key echoed in errors, last use reported late,
 * keys used by someone else, and the provider's truth read without Keydeck.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import {
  HOSTILE_KEY_VARIANTS,
  type EchoStatus,
  type HostileKeyRecord,
  type HostileKeyVariant,
  type ModeRequest,
  type TruthKey,
} from '../sandbox/modes.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { PROVIDERS } from '../support/providers.js';

const START = Date.parse('2030-03-01T10:00:00.000Z');
let now = START;
let sandbox: Sandbox;
const providers = PROVIDERS;
const admins = {} as Record<ProviderId, { secret: string; orgId: string }>;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: () => new Date(now) });
  for (const p of providers) {
    const { org, admin } = sandbox[p].seedOrg('Modes');
    admins[p] = { secret: admin.live, orgId: org.id };
  }
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  for (const p of providers) sandbox[p].clearModes();
});

interface Answer {
  status: number;
  text: string;
  body: unknown;
  headers: Headers;
}

async function call(
  url: string,
  secret: string | undefined,
  init: { method?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body, headers: res.headers };
}

/** The provider's cheap authenticated call, as Keydeck's verify makes it. */
function verifyUrl(p: ProviderId, orgId = admins[p].orgId): string {
  const base = sandbox.urls[p];
  return {
    legba: `${base}/orgs/${orgId}/api/instances`,
    laghav: `${base}/api/keys`,
    leadey: `${base}/me`,
    logtalk: `${base}/conversions`,
    skapi: `${base}/api-keys`,
  }[p];
}

async function control<T>(p: ProviderId, path: string, body?: unknown, method = 'POST'): Promise<T> {
  const res = await fetch(`${sandbox.servers[p].origin}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `control ${path}`).toBe(200);
  return (await res.json()) as T;
}
const setMode = (p: ProviderId, mode: ModeRequest) => control<{ ok: boolean }>(p, '/__sandbox/mode', mode);

type Wire = { id: string; key?: unknown; last_used?: string | null };

describe('hostile create: a broken or hostile Laghav answers a garbled key, and the key really exists', () => {
  const expectations: Record<HostileKeyVariant, (key: unknown) => void> = {
    'shell-injection': (k) => expect(k).toMatch(/^lgh_live_[A-Za-z0-9]{24};touch\$\{IFS\}\/tmp\/keydeck-pwned$/),
    newline: (k) => expect(k).toMatch(/^lgh_live_[A-Za-z0-9]{32}\nEVIL=1$/),
    'wrong-environment': (k) => expect(k).toMatch(/^lgh_test_[A-Za-z0-9]{32}$/),
    'foreign-prefix': (k) => expect(k).toMatch(/^sk_live_[A-Za-z0-9]{32}$/),
    huge: (k) => {
      expect(typeof k).toBe('string');
      expect((k as string).length).toBe(10_000);
      expect(k).toMatch(/^lgh_live_/);
    },
    empty: (k) => expect(k).toBe(''),
    'non-string': (k) => expect(typeof k).toBe('number'),
    null: (k) => expect(k).toBeNull(),
    object: (k) => expect(k).toMatchObject({ value: expect.stringMatching(/^lgh_live_[A-Za-z0-9]{32}$/) }),
    whitespace: (k) => expect(k).toMatch(/^ lgh_live_[A-Za-z0-9]{32}\t\n$/),
    'zero-width': (k) => expect(k).toMatch(/^lgh_live_[A-Za-z0-9]{16}\u200b[A-Za-z0-9]{16}$/),
  };

  it('answers every variant in order, files a real key for each, lists it and revokes it by its id', async () => {
    const laghav = sandbox.laghav;
    const { secret, orgId } = admins.laghav;
    const before = laghav.hostileKeys.length;
    laghav.hostileCreate(HOSTILE_KEY_VARIANTS);
    for (const variant of HOSTILE_KEY_VARIANTS) {
      const created = await call(`${sandbox.urls.laghav}/api/keys`, secret, {
        method: 'POST',
        body: { name: `hostile ${variant}` },
      });
      expect(created.status).toBe(201);
      const wire = created.body as Wire & { name: string };
      expectations[variant](wire.key);
      expect(wire.name).toBe(`hostile ${variant}`);

      const record = laghav.hostileKeys.at(-1) as HostileKeyRecord;
      expect(record).toMatchObject({ variant, id: wire.id, environment: 'live' });
      expect(record.key).toEqual(wire.key);
      // The key exists at the provider: in its truth and in the API's list.
      expect(laghav.truthById(wire.id)).toMatchObject({
        id: wire.id,
        orgId,
        environment: 'live',
        status: 'active',
        hostile: variant,
      });
      const list = await call(`${sandbox.urls.laghav}/api/keys`, secret);
      expect((list.body as { data: Wire[] }).data.map((k) => k.id)).toContain(wire.id);
      // A string answer is the very secret the provider issued: it authenticates.
      if (typeof wire.key === 'string' && wire.key !== '' && variant !== 'whitespace' && variant !== 'zero-width')
        expect(laghav.accepts(wire.key)).toBe(true);
      if (variant === 'object') expect(laghav.accepts((wire.key as { value: string }).value)).toBe(true);
      // Whitespace and U+200B wrap the key really issued: cleaning the answer gives a working key.
      if (variant === 'whitespace' || variant === 'zero-width') {
        expect(laghav.accepts(wire.key as string)).toBe(false);
        expect(laghav.accepts((wire.key as string).trim().replace(/\u200b/g, ''))).toBe(true);
      }

      const revoked = await call(`${sandbox.urls.laghav}/api/keys/${encodeURIComponent(wire.id)}`, secret, {
        method: 'DELETE',
      });
      expect(revoked.status).toBe(200);
      expect(laghav.truthById(wire.id)?.status).toBe('revoked');
      if (typeof wire.key === 'string' && wire.key !== '')
        expect(laghav.accepts((wire.key as string).trim().replace(/\u200b/g, ''))).toBe(false);
    }
    expect(laghav.hostileKeys.length - before).toBe(HOSTILE_KEY_VARIANTS.length);
    // Printable hostile strings are canaries for the secret-hygiene checks; an empty one never is.
    expect(laghav.issued).not.toContain('');
    expect(laghav.issued.some((s) => s.endsWith(';touch${IFS}/tmp/keydeck-pwned'))).toBe(true);

    // The queue is used up: the next create is an ordinary key again.
    const normal = await call(`${sandbox.urls.laghav}/api/keys`, secret, { method: 'POST', body: { name: 'after' } });
    expect((normal.body as Wire).key).toMatch(/^lgh_live_[A-Za-z0-9]{32}$/);
    expect(laghav.truthById((normal.body as Wire).id)?.hostile).toBeUndefined();
  });

  it('cycles one variant over `times` creates; a test caller gets the live prefix as the wrong environment', async () => {
    const { org, admin } = sandbox.laghav.seedOrg('Hostile test env');
    sandbox.laghav.hostileCreate('wrong-environment', 2);
    for (let i = 0; i < 2; i++) {
      const created = await call(`${sandbox.urls.laghav}/api/keys`, admin.test, {
        method: 'POST',
        body: { name: `t${i}` },
      });
      expect((created.body as Wire).key).toMatch(/^lgh_live_/);
      expect(sandbox.laghav.truthById((created.body as Wire).id)).toMatchObject({
        environment: 'test',
        orgId: org.id,
        hostile: 'wrong-environment',
      });
    }
    const third = await call(`${sandbox.urls.laghav}/api/keys`, admin.test, { method: 'POST', body: { name: 't2' } });
    expect((third.body as Wire).key).toMatch(/^lgh_test_[A-Za-z0-9]{32}$/);
  });

  it('is switched over POST /__sandbox/mode, and GET /__sandbox/keys reports the hostile record', async () => {
    await setMode('laghav', { kind: 'hostile-create', variants: ['shell-injection'] });
    const created = await call(`${sandbox.urls.laghav}/api/keys`, admins.laghav.secret, {
      method: 'POST',
      body: { name: 'over http' },
    });
    const wire = created.body as Wire;
    expect(wire.key).toMatch(/;touch\$\{IFS\}\/tmp\/keydeck-pwned$/);
    const truth = await control<{ keys: TruthKey[]; hostile: HostileKeyRecord[] }>(
      'laghav',
      `/__sandbox/keys?orgId=${admins.laghav.orgId}`,
      undefined,
      'GET',
    );
    expect(truth.hostile.find((h) => h.id === wire.id)).toMatchObject({ variant: 'shell-injection', key: wire.key });
    expect(truth.keys.find((k) => k.id === wire.id)).toMatchObject({ status: 'active', hostile: 'shell-injection' });
    const accepted = await control<{ accepted: boolean; id: string | null }>('laghav', '/__sandbox/accepts', {
      secret: wire.key,
    });
    expect(accepted).toEqual({ accepted: true, id: wire.id, status: 'active' });
  });

  it('refuses a malformed mode request', async () => {
    const res = await fetch(`${sandbox.servers.laghav.origin}/__sandbox/mode`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'hostile-create', variants: ['rm -rf'] }),
    });
    expect(res.status).toBe(400);
    expect(sandbox.laghav.modes.hostileCreates).toEqual([]);
  });
});

describe("echo: error bodies carry the caller's full bearer token, in each provider's own shape", () => {
  /** A well-formed key the provider never issued (Legba's are prefixless). */
  const unknownKey = (p: ProviderId) =>
    ({
      legba: 'Zq9'.repeat(13) + 'x',
      laghav: `lgh_live_${'A1b2'.repeat(8)}`,
      leadey: `leadey_sk_live_${'C3d4'.repeat(8)}`,
      logtalk: `lt_live_${'e5f6'.repeat(8)}`,
      skapi: `sk_live_${'G7h8'.repeat(8)}`,
    })[p];

  it.each(providers)('%s: without the mode, a 401 does not echo the key', async (p) => {
    const res = await call(verifyUrl(p), unknownKey(p));
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(unknownKey(p));
  });

  it.each(providers)('%s: echo mode puts an unknown key into the 401 (message, request_id, details)', async (p) => {
    sandbox[p].echoKeyInErrors(true, ['message', 'request_id', 'details']);
    const token = unknownKey(p);
    const res = await call(verifyUrl(p), token);
    expect(res.status).toBe(401);
    const body = res.body as {
      error: { message: string; details: Record<string, unknown>; code?: string };
      request_id?: string;
    };
    expect(body.error.message).toContain(token);
    expect(body.error.details.api_key).toBe(token);
    if (p === 'logtalk') {
      expect(body.request_id).toContain(token);
      expect(body).toMatchObject({ success: false, error: { code: 'INVALID_API_KEY' } });
    }
    if (p === 'leadey') expect(body.error.code).toBeUndefined();
    if (p === 'skapi') expect(body).toMatchObject({ success: false, error: { code: 'unauthorized' } });
    if (p === 'laghav') expect(body.error.code).toBe('INVALID_KEY');
    if (p === 'legba') expect(body.error.code).toBe('UNAUTHORIZED');
  });

  it.each(providers)('%s: echo mode puts a valid key into a 404', async (p) => {
    sandbox[p].echoKeyInErrors();
    const { secret } = admins[p];
    const url = {
      legba: verifyUrl('legba', '00000000-0000-4000-8000-000000000000'),
      laghav: `${sandbox.urls.laghav}/api/keys/key_nope`,
      leadey: `${sandbox.urls.leadey}/nowhere`,
      logtalk: `${sandbox.urls.logtalk}/nowhere`,
      skapi: `${sandbox.urls.skapi}/api-keys/key_nope`,
    }[p];
    const res = await call(url, secret, { method: p === 'laghav' || p === 'skapi' ? 'DELETE' : 'GET' });
    expect(res.status).toBe(404);
    expect((res.body as { error: { message: string } }).error.message).toContain(secret);
    // Successful answers never echo.
    const ok = await call(verifyUrl(p), secret);
    expect(ok.status).toBe(200);
    expect(ok.text).not.toContain(secret);
  });

  const statuses: EchoStatus[] = [401, 403, 404, 429, 500];
  it.each(providers.flatMap((p) => statuses.map((s) => [p, s] as const)))(
    '%s: fail-with-echo %i fails the next call with the key in it, then answers normally',
    async (p, status) => {
      const { secret } = admins[p];
      sandbox[p].failWithEcho(status, 2);
      for (let i = 0; i < 2; i++) {
        const res = await call(verifyUrl(p), secret);
        expect(res.status).toBe(status);
        const body = res.body as { error: { message: string; code?: string }; success?: boolean; request_id?: string };
        expect(body.error.message).toContain(secret);
        expect(res.text).toContain(secret);
        if (p === 'leadey') expect(body.error.code).toBeUndefined();
        else expect(typeof body.error.code).toBe('string');
        if (p === 'logtalk' || p === 'skapi') expect(body.success).toBe(false);
        if (p === 'logtalk') expect(body.request_id).toContain(secret);
        if (status === 429) expect(res.headers.get('retry-after')).toBe('1');
      }
      const after = await call(verifyUrl(p), secret);
      expect(after.status).toBe(200);
    },
  );

  it('fail-with-echo over HTTP: a prefixless Legba key comes back in a 500', async () => {
    await setMode('legba', { kind: 'fail-with-echo', status: 500, times: 1 });
    const res = await call(verifyUrl('legba'), admins.legba.secret);
    expect(res.status).toBe(500);
    expect(res.text).toContain(admins.legba.secret);
    expect(sandbox.legba.calls.at(-1)).toMatchObject({
      status: 500,
      keyId: sandbox.legba.identify(admins.legba.secret)?.id,
    });
    expect((await call(verifyUrl('legba'), admins.legba.secret)).status).toBe(200);
  });

  it('echo mode over HTTP, and off again', async () => {
    await setMode('skapi', { kind: 'echo-key', on: true });
    expect((await call(verifyUrl('skapi'), unknownKey('skapi'))).text).toContain(unknownKey('skapi'));
    await setMode('skapi', { kind: 'echo-key', on: false });
    expect((await call(verifyUrl('skapi'), unknownKey('skapi'))).text).not.toContain(unknownKey('skapi'));
  });
});

describe('sk-style last use: late, and moved by someone else', () => {
  const list = async (secret: string) => {
    const res = await call(verifyUrl('skapi'), secret);
    expect(res.status).toBe(200);
    return new Map((res.body as { data: Wire[] }).data.map((k) => [k.id, k.last_used ?? null]));
  };
  const iso = (ms: number) => new Date(ms).toISOString();

  it('without a mode, last_used is the time of the very call that lists', async () => {
    const { admin } = sandbox.skapi.seedOrg('Prompt');
    const adminId = sandbox.skapi.identify(admin.live)?.id as string;
    now += 1000;
    expect((await list(admin.live)).get(adminId)).toBe(iso(now));
  });

  it('afterRequests: a use shows only on the Nth later request', async () => {
    const { admin } = sandbox.skapi.seedOrg('Late by requests');
    const adminId = sandbox.skapi.identify(admin.live)?.id as string;
    sandbox.skapi.lateLastUse({ afterRequests: 2 });
    now += 1000;
    const first = now;
    expect((await list(admin.live)).get(adminId)).toBeNull();
    now += 1000;
    expect((await list(admin.live)).get(adminId)).toBeNull();
    // The provider knows the truth already.
    expect(sandbox.skapi.truthById(adminId)?.actualLastUsedAt).toBe(iso(now));
    now += 1000;
    expect((await list(admin.live)).get(adminId)).toBe(iso(first));
    now += 1000;
    expect((await list(admin.live)).get(adminId)).toBe(iso(first + 1000));
    // Switching the mode off shows every pending use.
    sandbox.skapi.lateLastUse(false);
    expect(sandbox.skapi.truthById(adminId)?.lastUsedAt).toBe(iso(now));
  });

  it('afterMs: a use shows once the sandbox clock has moved on (over HTTP)', async () => {
    const { admin } = sandbox.skapi.seedOrg('Late by time');
    const adminId = sandbox.skapi.identify(admin.live)?.id as string;
    await setMode('skapi', { kind: 'late-last-use', afterMs: 60_000 });
    now += 1000;
    const first = now;
    expect((await list(admin.live)).get(adminId)).toBeNull();
    now += 30_000;
    expect((await list(admin.live)).get(adminId)).toBeNull();
    now += 31_000;
    expect((await list(admin.live)).get(adminId)).toBe(iso(first));
    await setMode('skapi', { kind: 'late-last-use', off: true });
    expect(sandbox.skapi.truthById(adminId)?.lastUsedAt).toBe(iso(now));
  });

  it('background use: other keys move on every request, at the same time as the caller', async () => {
    const { org, admin } = sandbox.skapi.seedOrg('Busy', [
      { name: 'Web', environment: 'live' },
      { name: 'Worker', environment: 'live' },
      { name: 'Idle', environment: 'live' },
    ]);
    const ids = Object.fromEntries(sandbox.skapi.truth(org.id).map((k) => [k.name, k.id])) as Record<string, string>;
    const adminId = sandbox.skapi.identify(admin.live)?.id as string;
    sandbox.skapi.useInBackground([ids.Web as string, ids.Worker as string]);
    for (let i = 0; i < 2; i++) {
      now += 5000;
      const seen = await list(admin.live);
      expect(seen.get(adminId)).toBe(iso(now));
      expect(seen.get(ids.Web as string)).toBe(iso(now));
      expect(seen.get(ids.Worker as string)).toBe(iso(now));
      expect(seen.get(ids.Idle as string)).toBeNull();
    }
    // touch: someone uses one key once (over HTTP too).
    sandbox.skapi.useInBackground([]);
    now += 5000;
    await setMode('skapi', { kind: 'touch', keyId: ids.Idle as string });
    const touched = now;
    now += 5000;
    const seen = await list(admin.live);
    expect(seen.get(ids.Idle as string)).toBe(iso(touched));
    expect(seen.get(ids.Web as string)).toBe(iso(touched - 5000));
    await setMode('skapi', { kind: 'background-use', keyIds: [ids.Idle as string] });
    now += 5000;
    expect((await list(admin.live)).get(ids.Idle as string)).toBe(iso(now));
  });

  it('late and background together: the other key moves, later', async () => {
    const { org, admin } = sandbox.skapi.seedOrg('Busy and late', [{ name: 'Other', environment: 'live' }]);
    const other = sandbox.skapi.truth(org.id).find((k) => k.name === 'Other') as TruthKey;
    sandbox.skapi.lateLastUse({ afterRequests: 1 });
    sandbox.skapi.useInBackground([other.id]);
    now += 1000;
    const first = now;
    expect((await list(admin.live)).get(other.id)).toBeNull();
    now += 1000;
    expect((await list(admin.live)).get(other.id)).toBe(iso(first));
  });
});

describe("the provider's truth, without Keydeck", () => {
  it.each(providers)(
    '%s: every key with id, name, environment, status, last4; accepts() follows revocation',
    async (p) => {
      const { org, admin } = sandbox[p].seedOrg(`Truth ${p}`, [{ name: 'Extra', environment: 'live' }]);
      const keys = sandbox[p].truth(org.id);
      expect(keys.map((k) => k.name)).toContain('Extra');
      const adminKey = sandbox[p].identify(admin.live) as TruthKey;
      expect(adminKey).toMatchObject({
        orgId: org.id,
        environment: 'live',
        status: 'active',
        last4: admin.live.slice(-4),
      });
      expect(keys.map((k) => k.id)).toContain(adminKey.id);
      expect(sandbox[p].accepts(admin.live)).toBe(true);
      expect(sandbox[p].accepts(`${admin.live}x`)).toBe(false);
      expect(await control(p, '/__sandbox/revoke', { secret: admin.live })).toMatchObject({
        id: adminKey.id,
        status: 'revoked',
      });
      expect(sandbox[p].accepts(admin.live)).toBe(false);
      expect(sandbox[p].truthById(adminKey.id)?.status).toBe('revoked');
      expect(await control(p, '/__sandbox/accepts', { secret: admin.live })).toEqual({
        accepted: false,
        id: adminKey.id,
        status: 'revoked',
      });
      expect(await control(p, '/__sandbox/keys', { orgId: org.id })).toMatchObject({
        keys: expect.arrayContaining([expect.objectContaining({ id: adminKey.id, status: 'revoked' })]),
      });
    },
  );

  it('Sandbox.mode is the typed twin of the endpoint', async () => {
    sandbox.mode('leadey', { kind: 'fail-with-echo', status: 403 });
    const res = await call(verifyUrl('leadey'), admins.leadey.secret);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: {
        message: `This API key does not have permission to access this resource: ${admins.leadey.secret}`,
        details: { api_key: admins.leadey.secret },
        request_id: `req_${admins.leadey.secret}`,
      },
    });
  });
});
