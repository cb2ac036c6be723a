import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../sandbox/server.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ clipboardClearMs: 50 });
});
afterEach(() => t.dispose());

describe('workspace (real keychain, real HTTP to the sandbox)', () => {
  it('connects: verifies, stores the secret in the keychain under the documented account, learns the key id', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme');
    const r = await t.call('orgs.connect', { key: `${admin.live}\n`, name: 'Acme', apiBaseUrl: t.sandbox.urls.laghav });
    expect(r.organization.environments).toEqual(['live']);
    const account = `laghav:${r.organization.id}:live:${r.credential.id}`;
    expect(await t.secrets.get(account)).toBe(admin.live);
    expect(r.credential.last4).toBe(admin.live.slice(-4));
    expect(r.credential.providerKeyId).toBe(t.sandbox.laghav.keys.lookup(admin.live)?.id);
    for (const text of t.files()) expect(text).not.toContain(admin.live);
  });

  it('stores nothing when the provider rejects the key', async () => {
    t.sandbox.laghav.seedOrg('Acme');
    const e = await t.callErr('orgs.connect', {
      key: 'lgh_live_UnknownUnknownUnknown1',
      apiBaseUrl: t.sandbox.urls.laghav,
    });
    expect(e).toMatchObject({ code: 'KEY_INVALID', provider: { code: 'INVALID_KEY', status: 401 } });
    expect(t.ws.meta.read()).toMatchObject({ organizations: [], credentials: [] });
  });

  it('stores nothing when the provider is unreachable', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme');
    // A port that was just freed: nothing listens there.
    const gone = await startSandbox();
    const url = gone.urls.laghav;
    await gone.close();
    const e = await t.callErr('orgs.connect', { key: admin.live, apiBaseUrl: url });
    expect(e.code).toBe('NETWORK_ERROR');
    expect(t.ws.meta.read().organizations).toEqual([]);
  });

  it.each([
    ['a malformed key', { key: 'lgh_live_abc def ghi jkl' }, 'KEY_MALFORMED'],
    ['a key of no known provider', { key: 'zz_live_abcdefghijklmnop' }, 'KEY_UNKNOWN_PROVIDER'],
    [
      'a test key in the live slot',
      { key: 'lgh_test_abcdefghijklmnop', environment: 'live' },
      'KEY_ENVIRONMENT_MISMATCH',
    ],
    [
      'plain http to a remote host',
      { key: 'lgh_live_abcdefghijklmnop', apiBaseUrl: 'http://api.laghav.ai' },
      'INSECURE_URL',
    ],
    ['100 KB of text', { key: 'a'.repeat(100 * 1024) }, 'KEY_MALFORMED'],
  ])('refuses %s before any network call', async (_name, input, code) => {
    const e = await t.callErr('orgs.connect', { apiBaseUrl: t.sandbox.urls.laghav, ...input });
    expect(e.code).toBe(code);
    expect(t.sandbox.laghav.calls).toHaveLength(0);
  });

  it('refuses to connect the same key twice', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme');
    await t.call('orgs.connect', { key: admin.live, apiBaseUrl: t.sandbox.urls.laghav });
    const e = await t.callErr('orgs.connect', { key: admin.live, apiBaseUrl: t.sandbox.urls.laghav });
    expect(e.code).toBe('CONFLICT');
  });

  it('lists, creates (kept or not), revokes, and protects the admin key', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
    const { organization } = await t.call('orgs.connect', { key: admin.live, apiBaseUrl: t.sandbox.urls.laghav });
    const orgId = organization.id;
    const listed = await t.call('keys.list', { orgId, environment: 'live' });
    expect(listed.source).toBe('provider');
    expect(listed.keys.map((k) => k.name).sort()).toEqual(['Keydeck admin (live)', 'Web']);
    const adminRecord = listed.keys.find((k) => k.isAdmin);
    expect(adminRecord?.masked).toBe(`lgh_live_••••${admin.live.slice(-4)}`);

    const kept = await t.call('keys.create', { orgId, environment: 'live', name: 'Kept', keep: true });
    const heldAccount = `laghav:${orgId}:live:${kept.heldCredentialId}`;
    expect(await t.secrets.get(heldAccount)).toBe(kept.secret);
    const notKept = await t.call('keys.create', { orgId, environment: 'live', name: 'Not kept', keep: false });
    expect(notKept.heldCredentialId).toBeUndefined();
    expect(t.ws.meta.read().credentials).toHaveLength(2);

    await t.call('keys.revoke', { orgId, environment: 'live', keyId: kept.key.id });
    expect(t.sandbox.laghav.keys.byId.get(kept.key.id)?.status).toBe('revoked');
    expect(await t.secrets.get(heldAccount)).toBeNull();
    expect(t.ws.meta.read().credentials).toHaveLength(1);

    const e = await t.callErr('keys.revoke', { orgId, environment: 'live', keyId: adminRecord?.id });
    expect(e.code).toBe('ADMIN_KEY_PROTECTED');
    expect(t.sandbox.laghav.keys.lookup(admin.live)?.status).toBe('active');

    const activity = t.ws.meta.read().activity.map((a) => a.action);
    expect(activity).toEqual(['org.connect', 'key.create', 'key.create', 'key.revoke']);
    for (const text of t.files()) {
      for (const s of [admin.live, kept.secret, notKept.secret]) expect(text).not.toContain(s);
    }
  });

  it('says which environment is missing, and connects it', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme');
    const { organization } = await t.call('orgs.connect', { key: admin.live, apiBaseUrl: t.sandbox.urls.laghav });
    const e = await t.callErr('keys.list', { orgId: organization.id, environment: 'test' });
    expect(e).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No test key is connected') });
    const wrong = await t.callErr('orgs.connectEnvironment', {
      orgId: organization.id,
      environment: 'test',
      key: admin.live,
    });
    expect(wrong.code).toBe('KEY_ENVIRONMENT_MISMATCH');
    const r = await t.call('orgs.connectEnvironment', { orgId: organization.id, environment: 'test', key: admin.test });
    expect(r.organization.environments).toEqual(['live', 'test']);
  });

  it('removing an organization deletes its secrets from the keychain and revokes nothing', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme');
    const { organization, credential } = await t.call('orgs.connect', {
      key: admin.live,
      apiBaseUrl: t.sandbox.urls.laghav,
    });
    const r = await t.call('orgs.remove', { orgId: organization.id });
    expect(r.removedSecrets).toBe(1);
    expect(await t.secrets.get(`laghav:${organization.id}:live:${credential.id}`)).toBeNull();
    expect(t.ws.meta.read().organizations).toEqual([]);
    expect(t.sandbox.laghav.keys.lookup(admin.live)?.status).toBe('active');
  });

  it('reports a key deleted from the keychain behind Keydeck’s back as SECRET_MISSING', async () => {
    const { admin } = t.sandbox.laghav.seedOrg('Acme');
    const { organization, credential } = await t.call('orgs.connect', {
      key: admin.live,
      apiBaseUrl: t.sandbox.urls.laghav,
    });
    await t.secrets.delete(`laghav:${organization.id}:live:${credential.id}`);
    const e = await t.callErr('keys.list', { orgId: organization.id, environment: 'live' });
    expect(e.code).toBe('SECRET_MISSING');
  });

  it('clears the clipboard after the timeout only if it still holds the secret', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await t.call('clipboard.copySecret', { secret: 'lgh_live_CopiedCopiedCopied' });
      expect(t.clipboard.text).toBe('lgh_live_CopiedCopiedCopied');
      await vi.advanceTimersByTimeAsync(49);
      expect(t.clipboard.text).toBe('lgh_live_CopiedCopiedCopied');
      await vi.advanceTimersByTimeAsync(1);
      expect(t.clipboard.text).toBe('');

      await t.call('clipboard.copySecret', { secret: 'lgh_live_CopiedCopiedCopied' });
      await t.clipboard.writeText('something the user copied since');
      await vi.advanceTimersByTimeAsync(50);
      expect(t.clipboard.text).toBe('something the user copied since');
    } finally {
      vi.useRealTimers();
    }
  });
});
