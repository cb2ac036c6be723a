import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';
import { providersWhere } from '../support/providers.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(() => t.dispose());

describe('connecting every provider (real keychain, sandbox as the provider)', () => {
  it('Legba: the user says it is Legba, gives the org UUID and host; nothing is detected from the key', async () => {
    const { org, admin } = t.sandbox.legba.seedOrg('Acme');
    const missing = await t.callErr('orgs.connect', {
      key: admin.live,
      provider: 'legba',
      apiBaseUrl: t.sandbox.urls.legba,
    });
    expect(missing).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('Organization UUID') });
    const undetected = await t.callErr('orgs.connect', { key: admin.live });
    expect(undetected.code).toBe('KEY_UNKNOWN_PROVIDER');
    const r = await t.call('orgs.connect', {
      key: admin.live,
      provider: 'legba',
      providerOrgId: org.id,
      apiBaseUrl: t.sandbox.urls.legba,
      name: 'Acme (Legba)',
    });
    expect(r.organization).toMatchObject({ provider: 'legba', environments: ['live'] });
    expect(await t.secrets.get(t.account(r.organization.id, 'live', r.credential.id, 'legba'))).toBe(admin.live);
    const listed = await t.call('keys.list', { orgId: r.organization.id, environment: 'live' });
    expect(listed.source).toBe('keydeck');
    expect(listed.keys).toEqual([
      expect.objectContaining({ isAdmin: true, status: 'active', masked: `••••${admin.live.slice(-4)}` }),
    ]);
  });

  it('Leadey: live only; a test environment is refused', async () => {
    const { admin } = t.sandbox.leadey.seedOrg('Acme');
    const r = await t.call('orgs.connect', { key: admin.live });
    expect(r.organization.environments).toEqual(['live']);
    const e = await t.callErr('orgs.connect', { key: admin.live.replace('live', 'test') });
    expect(e.code).toBe('KEY_UNKNOWN_PROVIDER');
  });

  it('LogTalk: a starter-tier organization is refused with the upgrade path, nothing stored', async () => {
    const { admin } = t.sandbox.logtalk.seedOrg('Tiny', [], { tier: 'starter' });
    const e = await t.callErr('orgs.connect', { key: admin.live });
    expect(e).toMatchObject({ code: 'PROVIDER_FORBIDDEN', provider: { code: 'API_ACCESS_DENIED' } });
    expect(t.ws.meta.read().organizations).toEqual([]);
  });

  it('sk-style: the admin key is never guessed; it is shown as not matched until a second key can watch it', async () => {
    const { admin, org } = t.sandbox.skapi.seedOrg('Acme', [{ name: 'Production Key', environment: 'live' }]);
    const r = await t.call('orgs.connect', { key: admin.live });
    // The list gives no last 4 and no other key can watch: no evidence, so no id (the old heuristic guessed).
    expect(r.credential.providerKeyId).toBeUndefined();
    let listed = await t.call('keys.list', { orgId: r.organization.id, environment: 'live' });
    expect(listed.source).toBe('provider');
    expect(listed.keys.find((k) => k.isAdmin)).toMatchObject({ unmatched: true, heldCredentialId: r.credential.id });
    // A second key (made in the dashboard, pasted back) watches the admin key's last use: its id is learnt.
    const made = t.sandbox.skapi.mint(org.id, 'Deploy bot', 'live');
    await t.call('keys.adopt', { orgId: r.organization.id, environment: 'live', key: made.secret, name: 'Deploy bot' });
    listed = await t.call('keys.list', { orgId: r.organization.id, environment: 'live' });
    const own = listed.keys.find((k) => k.isAdmin);
    expect(own?.id).toBe(t.sandbox.skapi.keys.lookup(admin.live)?.id);
    expect(own?.unmatched).toBeUndefined();
    expect(listed.keys.find((k) => k.isAdmin)?.name).toBe('Keydeck admin (live)');
  });
});

describe('dashboard-guided create and revoke', () => {
  it.each(providersWhere((p) => p.capabilities.create === 'dashboard' && p.capabilities.revoke === 'dashboard'))(
    '%s: adopt a key made in the dashboard, check it, revoke it there, confirm it is dead',
    async (provider) => {
      const seeded = t.sandbox[provider].seedOrg('Acme');
      const extra =
        provider === 'legba' ? { provider, providerOrgId: seeded.org.id, apiBaseUrl: t.sandbox.urls.legba } : {};
      const { organization } = await t.call('orgs.connect', { key: seeded.admin.live, ...extra });
      const orgId = organization.id;

      const create = await t.callErr('keys.create', { orgId, environment: 'live', name: 'x', keep: true });
      expect(create.code).toBe('UNSUPPORTED');
      const opened = await t.call('dashboard.open', { orgId });
      expect(opened).toEqual({ url: `${t.sandbox.dashboards[provider]}`, opened: false });

      // What a person does in the dashboard: create a key there, copy it.
      const made = t.sandbox[provider].mint(seeded.org.id, 'Deploy bot', 'live');
      const wrong = await t.callErr('keys.adopt', {
        orgId,
        environment: 'live',
        key: `${made.secret.slice(0, -1)}${made.secret.endsWith('a') ? 'b' : 'a'}`,
        name: 'Deploy bot',
      });
      expect(wrong.code).toBe('KEY_INVALID');
      const adopted = await t.call('keys.adopt', {
        orgId,
        environment: 'live',
        key: ` ${made.secret} `,
        name: 'Deploy bot',
      });
      expect(adopted.key.status).toBe('active');
      expect(await t.secrets.get(t.account(orgId, 'live', adopted.credentialId, provider))).toBe(made.secret);

      const listed = await t.call('keys.list', { orgId, environment: 'live' });
      expect(listed.source).toBe('keydeck');
      expect(listed.keys.map((k) => k.name).sort()).toEqual(
        [
          `${provider === 'legba' ? 'Legba' : provider === 'leadey' ? 'Leadey' : 'LogTalk'} live admin key`,
          'Deploy bot',
        ].sort(),
      );

      // Not revoked yet: confirming says so and keeps the key.
      expect(await t.call('keys.confirmRevoked', { orgId, credentialId: adopted.credentialId })).toEqual({
        confirmed: false,
      });
      // The person revokes it in the dashboard; Keydeck proves it is dead, then forgets it.
      t.sandbox[provider].revoke(made.key);
      const checked = await t.call('keys.check', { orgId, credentialId: adopted.credentialId });
      expect(checked.result).toBe('rejected');
      expect(
        (await t.call('keys.list', { orgId, environment: 'live' })).keys.find((k) => k.name === 'Deploy bot')?.status,
      ).toBe('revoked');
      const confirmed = await t.call('keys.confirmRevoked', { orgId, credentialId: adopted.credentialId });
      expect(confirmed.confirmed).toBe(true);
      expect(await t.secrets.get(t.account(orgId, 'live', adopted.credentialId, provider))).toBeNull();
      for (const text of t.files()) expect(text).not.toContain(made.secret);
    },
  );

  it('a timeout or 5xx while confirming is "unknown, retry", never a confirmation', async () => {
    const seeded = t.sandbox.leadey.seedOrg('Acme');
    const { organization } = await t.call('orgs.connect', { key: seeded.admin.live });
    const made = t.sandbox.leadey.mint(seeded.org.id, 'Deploy bot', 'live');
    const { credentialId } = await t.call('keys.adopt', {
      orgId: organization.id,
      environment: 'live',
      key: made.secret,
      name: 'Deploy bot',
    });
    t.sandbox.leadey.revoke(made.key);
    t.sandbox.fault('leadey', { kind: 'status', status: 503 });
    const e = await t.callErr('keys.confirmRevoked', { orgId: organization.id, credentialId });
    expect(e).toMatchObject({ code: 'PROVIDER_ERROR', provider: { status: 503 } });
    expect(await t.secrets.get(t.account(organization.id, 'live', credentialId, 'leadey'))).toBe(made.secret);
    t.sandbox.servers.leadey.faults.clear();
  });

  it('sk-style: create in the dashboard, adopt (the list learns its id), revoke by API', async () => {
    const seeded = t.sandbox.skapi.seedOrg('Acme');
    const { organization } = await t.call('orgs.connect', { key: seeded.admin.test });
    const made = t.sandbox.skapi.mint(seeded.org.id, 'Webhook signer', 'test');
    const adopted = await t.call('keys.adopt', {
      orgId: organization.id,
      environment: 'test',
      key: made.secret,
      name: 'Webhook signer',
    });
    expect(adopted.key.id).toBe(made.key.id);
    const listed = await t.call('keys.list', { orgId: organization.id, environment: 'test' });
    expect(listed.keys.find((k) => k.id === made.key.id)?.heldCredentialId).toBe(adopted.credentialId);
    await t.call('keys.revoke', { orgId: organization.id, environment: 'test', keyId: made.key.id });
    expect(made.key.status).toBe('revoked');
    expect(await t.secrets.get(t.account(organization.id, 'test', adopted.credentialId, 'skapi'))).toBeNull();
  });

  it('refuses to retire the admin key through the dashboard path', async () => {
    const seeded = t.sandbox.leadey.seedOrg('Acme');
    const { organization, credential } = await t.call('orgs.connect', { key: seeded.admin.live });
    const e = await t.callErr('keys.confirmRevoked', { orgId: organization.id, credentialId: credential.id });
    expect(e.code).toBe('ADMIN_KEY_PROTECTED');
  });

  it('never opens a dashboard URL off the provider’s hosts', async () => {
    const seeded = t.sandbox.laghav.seedOrg('Acme');
    const e = await t.callErr('orgs.connect', {
      key: seeded.admin.live,
      dashboardUrl: 'https://laghav.ai.evil.example/',
    });
    expect(e.code).toBe('INSECURE_URL');
  });
});
