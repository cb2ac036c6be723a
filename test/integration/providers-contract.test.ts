import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../electron/core/http/client.js';
import { leadey } from '../../electron/core/providers/leadey.js';
import { legba } from '../../electron/core/providers/legba.js';
import { logtalk } from '../../electron/core/providers/logtalk.js';
import { skapi } from '../../electron/core/providers/skapi.js';
import { inspectKey } from '../../shared/keys.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { failure } from './helpers/fail.js';

let sandbox: Sandbox;
let now: Date;
beforeEach(async () => {
  now = new Date('2026-11-23T10:00:00Z');
  sandbox = await startSandbox({ clock: () => now });
});
afterEach(() => sandbox.close());
const http = new HttpClient({ sleep: async () => undefined });

async function raw(url: string, key?: string, method = 'GET') {
  const res = await fetch(url, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Legba (org UUID paths on a configurable host; dashboard for keys)', () => {
  it('verifies a key against /orgs/{org_uuid}/api/instances', async () => {
    const { org, admin } = sandbox.legba.seedOrg('Acme');
    expect(org.id).toMatch(/^[0-9a-f-]{36}$/);
    await legba.verify({ http, baseUrl: sandbox.urls.legba, secret: admin.live, providerOrgId: org.id });
    expect(sandbox.legba.calls.at(-1)).toMatchObject({ path: `/orgs/${org.id}/api/instances`, status: 200 });
  });

  it('answers every authentication failure with the documented body, mapped to KEY_INVALID', async () => {
    const { org, admin } = sandbox.legba.seedOrg('Acme');
    const url = `${sandbox.urls.legba}/orgs/${org.id}/api/instances`;
    for (const key of [undefined, 'NotAKeyNotAKeyNotAKey']) {
      expect(await raw(url, key)).toEqual({
        status: 401,
        body: { error: { code: 'UNAUTHORIZED', message: 'Invalid or missing API key' } },
      });
    }
    const stored = sandbox.legba.keys.lookup(admin.live);
    if (stored) sandbox.legba.revoke(stored);
    const f = await failure(
      legba.verify({ http, baseUrl: sandbox.urls.legba, secret: admin.live, providerOrgId: org.id }),
    );
    expect(f.error).toMatchObject({
      code: 'KEY_INVALID',
      provider: { status: 401, code: 'UNAUTHORIZED', message: 'Invalid or missing API key' },
    });
  });

  it('refuses a key of another organization, and needs the org UUID', async () => {
    const a = sandbox.legba.seedOrg('A');
    const b = sandbox.legba.seedOrg('B');
    const f = await failure(
      legba.verify({ http, baseUrl: sandbox.urls.legba, secret: a.admin.live, providerOrgId: b.org.id }),
    );
    expect(f.error.code).toBe('KEY_INVALID');
    const g = await failure(legba.verify({ http, baseUrl: sandbox.urls.legba, secret: a.admin.live }));
    expect(g.error.code).toBe('VALIDATION_FAILED');
  });

  it('issues opaque keys with no published prefix, stored only hashed', () => {
    const { admin } = sandbox.legba.seedOrg('Acme');
    expect(inspectKey(admin.live).ok).toBe(false);
    expect(inspectKey(admin.live, { provider: 'legba' }).ok).toBe(true);
    expect(JSON.stringify([...sandbox.legba.keys.byId.values()])).not.toContain(admin.live);
  });
});

describe('Leadey (GET /v1/me, message-only 401, live only)', () => {
  it('answers /v1/me with {"data": …}', async () => {
    const { admin } = sandbox.leadey.seedOrg('Acme');
    expect(admin.live).toMatch(/^leadey_sk_live_/);
    expect(admin.test).toBeUndefined();
    const r = await raw(`${sandbox.urls.leadey}/me`, admin.live);
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ organization: { name: 'Acme' } });
    await leadey.verify({ http, baseUrl: sandbox.urls.leadey, secret: admin.live });
  });

  it('refuses missing, malformed and revoked keys with the exact documented body', async () => {
    const { admin } = sandbox.leadey.seedOrg('Acme');
    const stored = sandbox.leadey.keys.lookup(admin.live);
    if (stored) sandbox.leadey.revoke(stored);
    for (const key of [undefined, 'leadey_sk_live_nope', admin.live]) {
      expect(await raw(`${sandbox.urls.leadey}/me`, key)).toEqual({
        status: 401,
        body: { error: { message: 'Invalid or revoked API key.', details: null } },
      });
    }
    const f = await failure(leadey.verify({ http, baseUrl: sandbox.urls.leadey, secret: admin.live }));
    expect(f.error).toMatchObject({
      code: 'KEY_INVALID',
      provider: { status: 401, message: 'Invalid or revoked API key.' },
    });
    expect(f.error.provider?.code).toBeUndefined();
  });
});

describe('LogTalk (success envelope, three 401 codes, 403 on the starter tier)', () => {
  it('verifies with GET /v1/conversions and issues lt_ + 32 lowercase alphanumerics', async () => {
    const { admin } = sandbox.logtalk.seedOrg('Acme');
    expect(admin.live).toMatch(/^lt_live_[a-z0-9]{32}$/);
    expect(admin.test).toMatch(/^lt_test_[a-z0-9]{32}$/);
    await logtalk.verify({ http, baseUrl: sandbox.urls.logtalk, secret: admin.test });
  });

  it.each([
    ['MISSING_API_KEY', undefined],
    ['INVALID_API_KEY', 'lt_live_00000000000000000000000000000000'],
  ])('401 %s in the documented envelope', async (code, key) => {
    const r = await raw(`${sandbox.urls.logtalk}/conversions`, key);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({
      success: false,
      error: {
        code,
        message: expect.any(String),
        documentation_url: expect.stringMatching(/^https:\/\/docs\.logtalk\.io\//),
      },
    });
    expect(r.body.request_id).toMatch(/^req_/);
    expect(Date.parse(String(r.body.timestamp))).not.toBeNaN();
  });

  it('maps codes, keeping the request id and documentation URL', async () => {
    const { org, admin } = sandbox.logtalk.seedOrg('Acme');
    const invalid = await failure(
      logtalk.verify({ http, baseUrl: sandbox.urls.logtalk, secret: 'lt_live_00000000000000000000000000000000' }),
    );
    expect(invalid.error).toMatchObject({
      code: 'KEY_INVALID',
      provider: {
        code: 'INVALID_API_KEY',
        requestId: expect.stringMatching(/^req_/),
        documentationUrl: expect.stringContaining('invalid-key'),
      },
    });
    const expiring = sandbox.logtalk.mint(org.id, 'short-lived', 'live', { expiresAt: '2026-11-23T11:00:00Z' });
    await logtalk.verify({ http, baseUrl: sandbox.urls.logtalk, secret: expiring.secret });
    now = new Date('2026-11-23T12:00:00Z');
    const expired = await failure(logtalk.verify({ http, baseUrl: sandbox.urls.logtalk, secret: expiring.secret }));
    expect(expired.error).toMatchObject({ code: 'KEY_EXPIRED', provider: { code: 'EXPIRED_API_KEY', status: 401 } });
    await logtalk.verify({ http, baseUrl: sandbox.urls.logtalk, secret: admin.live });
  });

  it('403 API_ACCESS_DENIED on the starter tier, explained with the upgrade URL', async () => {
    const { admin } = sandbox.logtalk.seedOrg('Tiny', [], { tier: 'starter' });
    const r = await raw(`${sandbox.urls.logtalk}/conversions`, admin.live);
    expect(r).toMatchObject({
      status: 403,
      body: {
        success: false,
        error: {
          code: 'API_ACCESS_DENIED',
          details: { current_tier: 'starter', upgrade_url: 'https://logtalk.io/pricing' },
        },
      },
    });
    const f = await failure(logtalk.verify({ http, baseUrl: sandbox.urls.logtalk, secret: admin.live }));
    expect(f.error).toMatchObject({ code: 'PROVIDER_FORBIDDEN', provider: { code: 'API_ACCESS_DENIED', status: 403 } });
    expect(f.error.message).toBe(
      'LogTalk API access needs the Growth tier or higher; this organization is on starter. Upgrade at https://logtalk.io/pricing.',
    );
  });
});

describe('sk-style API (list with last_used, revoke by API, create in the dashboard)', () => {
  it('lists keys with last_used, which moves on every authenticated call', async () => {
    const { admin } = sandbox.skapi.seedOrg('Acme', [{ name: 'Production Key', environment: 'live' }]);
    const first = await raw(`${sandbox.urls.skapi}/api-keys`, admin.live);
    expect(first.status).toBe(200);
    expect(first.body.success).toBe(true);
    const data = first.body.data as {
      id: string;
      name: string;
      prefix: string;
      created_at: string;
      last_used: string | null;
    }[];
    expect(Object.keys(data[0] ?? {}).sort()).toEqual(['created_at', 'id', 'last_used', 'name', 'prefix']);
    expect(data.find((k) => k.name === 'Production Key')?.last_used).toBeNull();
    now = new Date('2026-11-23T10:05:00Z');
    const keys = (await skapi.list?.({ http, baseUrl: sandbox.urls.skapi, secret: admin.live })) ?? [];
    expect(keys.find((k) => k.name === 'Keydeck admin (live)')?.lastUsedAt).toBe('2026-11-23T10:05:00.000Z');
  });

  it('revokes by API with the documented answer; the key is then refused and unlisted', async () => {
    const { org, admin } = sandbox.skapi.seedOrg('Acme');
    const victim = sandbox.skapi.mint(org.id, 'victim', 'live');
    const r = await raw(`${sandbox.urls.skapi}/api-keys/${victim.key.id}`, admin.live, 'DELETE');
    expect(r).toEqual({ status: 200, body: { success: true, message: 'API key revoked successfully' } });
    expect((await raw(`${sandbox.urls.skapi}/api-keys`, victim.secret)).status).toBe(401);
    const keys = (await skapi.list?.({ http, baseUrl: sandbox.urls.skapi, secret: admin.live })) ?? [];
    expect(keys.map((k) => k.id)).not.toContain(victim.key.id);
  });

  it('a restricted key gets 403, mapped to PROVIDER_FORBIDDEN', async () => {
    const { org } = sandbox.skapi.seedOrg('Acme');
    const limited = sandbox.skapi.mint(org.id, 'read only', 'live', { readOnly: true });
    const other = sandbox.skapi.mint(org.id, 'other', 'live');
    const f = await failure(
      skapi.revoke?.({ http, baseUrl: sandbox.urls.skapi, secret: limited.secret }, other.key.id),
    );
    expect(f.error).toMatchObject({ code: 'PROVIDER_FORBIDDEN', provider: { status: 403 } });
  });

  it('401 for a missing or invalid key', async () => {
    expect((await raw(`${sandbox.urls.skapi}/api-keys`)).status).toBe(401);
    const f = await failure(skapi.verify({ http, baseUrl: sandbox.urls.skapi, secret: 'sk_test_nopenopenope' }));
    expect(f.error).toMatchObject({ code: 'KEY_INVALID', provider: { status: 401 } });
  });
});
