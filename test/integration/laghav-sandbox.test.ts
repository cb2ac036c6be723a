import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../electron/core/http/client.js';
import { laghav } from '../../electron/core/providers/laghav.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { TEST_DAILY_LIMIT } from '../sandbox/laghav.js';
import { failure } from './helpers/fail.js';

let sandbox: Sandbox;
let now = new Date('2026-11-23T10:00:00Z');
beforeEach(async () => {
  now = new Date('2026-11-23T10:00:00Z');
  sandbox = await startSandbox({ clock: () => now });
});
afterEach(() => sandbox.close());

const http = new HttpClient({ sleep: async () => undefined });
const ctx = (secret: string) => ({ http, baseUrl: sandbox.urls.laghav, secret });

describe('Laghav contract (adapter ↔ sandbox over real HTTP)', () => {
  it('GET /health answers without a key', async () => {
    const res = await fetch(`${sandbox.urls.laghav}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('401 UNAUTHORIZED without an Authorization header', async () => {
    const res = await fetch(`${sandbox.urls.laghav}/api/keys`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Missing Authorization header' } });
  });

  it('401 INVALID_KEY for a key it never issued, mapped to KEY_INVALID with the provider code kept', async () => {
    const f = await failure(laghav.verify(ctx('lgh_live_NeverIssuedNeverIssued12')));
    expect(f.error).toMatchObject({
      code: 'KEY_INVALID',
      provider: { status: 401, code: 'INVALID_KEY', message: 'Invalid API key' },
    });
  });

  it('lists, creates (secret once, stored hashed) and revokes; a revoked key gets KEY_REVOKED', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live', scope: 'app_web' }]);
    const before = await laghav.list?.(ctx(admin.live));
    expect(before?.map((k) => k.name).sort()).toEqual(['Keydeck admin (live)', 'Web']);
    expect(before?.every((k) => k.environment === 'live' && k.prefix === 'lgh_live_')).toBe(true);

    const created = await laghav.create?.(ctx(admin.live), { name: 'Deploy', scope: 'app_deploy' });
    expect(created?.secret).toMatch(/^lgh_live_[A-Za-z0-9]{32}$/);
    expect(created?.key).toMatchObject({
      name: 'Deploy',
      scope: 'app_deploy',
      status: 'active',
      environment: 'live',
      last4: created?.secret.slice(-4),
    });
    // The sandbox holds only the HMAC of the secret.
    expect(JSON.stringify([...sandbox.laghav.keys.byId.values()])).not.toContain(created?.secret);
    await laghav.verify(ctx(created?.secret ?? ''));

    await laghav.revoke?.(ctx(admin.live), created?.key.id ?? '');
    const f = await failure(laghav.verify(ctx(created?.secret ?? '')));
    expect(f.error).toMatchObject({ code: 'KEY_REVOKED', provider: { status: 401, code: 'KEY_REVOKED' } });
    const after = await laghav.list?.(ctx(admin.live));
    expect(after?.find((k) => k.id === created?.key.id)?.status).toBe('revoked');
  });

  it('a test key sees and creates test keys only', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme', [
      { name: 'Web', environment: 'live' },
      { name: 'CI', environment: 'test' },
    ]);
    const list = await laghav.list?.(ctx(admin.test));
    expect(list?.map((k) => k.name).sort()).toEqual(['CI', 'Keydeck admin (test)']);
    const created = await laghav.create?.(ctx(admin.test), { name: 'tmp' });
    expect(created?.secret.startsWith('lgh_test_')).toBe(true);
  });

  it('revoking an unknown id is a 404 NOT_FOUND', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const f = await failure(laghav.revoke?.(ctx(admin.live), 'key_nope'));
    expect(f.error).toMatchObject({ code: 'NOT_FOUND', provider: { status: 404 } });
  });

  it(`limits a test key to ${TEST_DAILY_LIMIT} calls a day, then 429 with Retry-After, reset at UTC midnight`, async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    for (let i = 0; i < TEST_DAILY_LIMIT; i++) await laghav.verify(ctx(admin.test));
    const f = await failure(laghav.verify(ctx(admin.test)));
    expect(f.error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(f.error.retryAfterSeconds).toBe(14 * 3600);
    expect(f.error.provider?.code).toBe('RATE_LIMITED');
    now = new Date('2026-11-24T00:00:01Z');
    await laghav.verify(ctx(admin.test));
  });

  it('live keys are not held to the test limit', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    for (let i = 0; i < TEST_DAILY_LIMIT + 5; i++) await laghav.verify(ctx(admin.live));
  });

  it('refuses a create without a name', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const res = await fetch(`${sandbox.urls.laghav}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.live}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
  });
});
