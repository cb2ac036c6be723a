import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startManifestSandbox, type ManifestProviderServer } from '../sandbox/server.js';
import { playRotation, sandboxHands } from './helpers/rotation-driver.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

/**
 * A sixth provider Keydeck has no code for: defined only by a manifest (test/fixtures), served by the
 * sandbox from that same file, added through the core's door as the window adds it, then used like a
 * built-in one: test, connect, list, create, revoke, rotate, and the old key proven dead.
 */
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/tollgate.manifest.json', import.meta.url), 'utf8')) as {
  baseUrl: { default: string };
};

let t: TestWorkspace;
let tollgate: ManifestProviderServer;
let text: string;
beforeEach(async () => {
  t = await testWorkspace();
  tollgate = await startManifestSandbox(FIXTURE);
  // The person points the manifest at the provider's host: here, the sandbox serving it.
  text = JSON.stringify({ ...FIXTURE, baseUrl: { default: tollgate.apiBaseUrl } }, null, 2);
});
afterEach(async () => {
  await t.dispose();
  await tollgate.close();
});

describe('a provider added from a manifest (real keychain, the manifest sandbox)', () => {
  it('is checked, tested with a key, added, connected, listed; creates and revokes keys; rotates to a dead old key', async () => {
    const seeded = tollgate.sandbox.seedOrg('Toll Co', [{ name: 'Billing worker', environment: 'live' }]);

    const checked = await t.call('providers.check', { text });
    expect(checked.problems).toEqual([]);
    expect(checked.info).toMatchObject({
      id: 'tollgate',
      custom: true,
      capabilities: { verify: 'api', list: 'api', create: 'api', revoke: 'api' },
      reportsLastUsed: true,
    });

    // Test with a key: what Keydeck called, what it got, which rule decided; the key never comes back.
    const tested = await t.call('providers.test', { text, key: seeded.admin.live });
    expect(tested.ok).toBe(true);
    expect(tested.summary).toContain('2 keys');
    expect(tested.calls.map((c) => [c.call, c.method, new URL(c.url).pathname, c.status])).toEqual([
      ['verify', 'GET', '/v2/whoami', 200],
      ['list', 'GET', '/v2/keys', 200],
    ]);
    expect(tested.calls[0]?.auth).toBe(`X-Tollgate-Key: ••••${seeded.admin.live.slice(-4)}`);
    expect(tested.calls[0]?.rules.join(' ')).toContain('calls.verify.success');
    expect(JSON.stringify(tested)).not.toContain(seeded.admin.live);
    const badKey = await t.call('providers.test', { text, key: `tollgate_live_${'x'.repeat(40)}` });
    expect(badKey).toMatchObject({ ok: false, code: 'KEY_INVALID' });
    expect(badKey.calls[0]?.rules.join(' ')).toContain(
      'errors.rules[1] (HTTP 401, code "token_unknown") means invalid',
    );
    // Nothing is added by checking or testing.
    expect((await t.call('app.info', {})).providers.some((p) => p.id === 'tollgate')).toBe(false);

    const added = await t.call('providers.add', { text });
    expect(added.provider.displayName).toBe('Tollgate');
    // A double click adds nothing twice; a different file with the same id is refused unless it replaces.
    await t.call('providers.add', { text });
    expect(t.ws.meta.read().providers).toHaveLength(1);
    const clash = await t.callErr('providers.add', { text: text.replace('"Tollgate"', '"Tollgate 2"') });
    expect(clash.code).toBe('CONFLICT');
    // Checking the added provider's own file again is a replacement, not a clash with itself.
    expect((await t.call('providers.check', { text })).problems).toEqual([]);

    const connected = await t.call('orgs.connect', { key: seeded.admin.live, name: 'Toll Co' });
    expect(connected.organization.provider).toBe('tollgate');
    const orgId = connected.organization.id;
    const listed = await t.call('keys.list', { orgId, environment: 'live' });
    expect(listed.source).toBe('provider');
    expect(listed.keys.map((k) => k.name).sort()).toEqual(['Billing worker', 'Keydeck admin (live)']);
    expect(listed.keys.find((k) => k.isAdmin)?.masked).toBe(`tollgate_live_••••${seeded.admin.live.slice(-4)}`);

    const created = await t.call('keys.create', { orgId, environment: 'live', name: 'CI deploy', keep: false });
    expect(created.secret).toMatch(/^tollgate_live_[A-Za-z0-9]{32,48}$/);
    expect(tollgate.sandbox.accepts(created.secret)).toBe(true);
    const madeId = created.key.id;
    // Three keys, two to a page: the list follows the manifest's cursor to the second page.
    const before = tollgate.sandbox.calls.filter((c) => c.path === '/v2/keys' && c.method === 'GET').length;
    const three = await t.call('keys.list', { orgId, environment: 'live' });
    expect(three.keys.map((k) => k.name).sort()).toEqual(['Billing worker', 'CI deploy', 'Keydeck admin (live)']);
    expect(tollgate.sandbox.calls.filter((c) => c.path === '/v2/keys' && c.method === 'GET').length - before).toBe(2);
    await t.call('keys.revoke', { orgId, environment: 'live', keyId: madeId });
    expect(tollgate.sandbox.accepts(created.secret)).toBe(false);

    // Rotate the admin key: the new key works, the old one is refused by the provider (proven dead).
    const started = await t.call('rotation.start', { orgId, credentialId: connected.credential.id, confirmLive: true });
    const secretOf = async (credentialId: string) => {
      const cred = t.ws.meta.read().credentials.find((c) => c.id === credentialId);
      return cred ? t.secrets.get(t.account(orgId, cred.environment, cred.id, 'tollgate')) : null;
    };
    const done = await playRotation(
      (ch, input) => t.call(ch, input),
      started,
      sandboxHands(tollgate.origin, seeded.org.id),
      secretOf,
    );
    expect(done.status).toBe('done');
    expect(done.oldRejectedAt).toBeTruthy();
    expect(tollgate.sandbox.accepts(seeded.admin.live)).toBe(false);
    const admin = t.ws.meta.read().credentials.find((c) => c.orgId === orgId && c.role === 'admin');
    const current = await t.secrets.get(t.account(orgId, 'live', admin?.id ?? '', 'tollgate'));
    expect(tollgate.sandbox.accepts(current ?? '')).toBe(true);

    // Replacing the manifest: where Toll Co's keys would now go is named before, and logged after; a
    // replacement that would hide its live key is refused.
    const moved = JSON.stringify({ ...JSON.parse(text), baseUrl: { default: 'https://api.tollgate-eu.example/v2' } });
    const preview = await t.call('providers.check', { text: moved });
    expect(preview.replaces).toEqual({
      organizations: ['Toll Co'],
      changes: [`Toll Co: keys are sent to https://api.tollgate-eu.example/v2 (was ${tollgate.apiBaseUrl})`],
    });
    const testOnly = JSON.parse(text) as { environments: string[]; keys: { environment: string }[] };
    testOnly.environments = ['test'];
    testOnly.keys = testOnly.keys.filter((k) => k.environment === 'test');
    expect((await t.call('providers.check', { text: JSON.stringify(testOnly) })).problems).toEqual([
      { path: 'environments', message: expect.stringContaining('Toll Co holds a live key') },
    ]);
    expect((await t.callErr('providers.add', { text: JSON.stringify(testOnly), replace: true })).code).toBe(
      'VALIDATION_FAILED',
    );
    await t.call('providers.add', { text: moved, replace: true });
    expect(t.ws.meta.read().activity.at(-1)).toMatchObject({
      action: 'provider.replace',
      orgId,
      detail: expect.stringContaining('https://api.tollgate-eu.example/v2'),
    });
    await t.call('providers.add', { text, replace: true });

    // Removing the provider is refused while an organization uses it; the stored manifest holds no secret.
    expect((await t.callErr('providers.remove', { id: 'tollgate' })).code).toBe('CONFLICT');
    for (const file of t.files())
      for (const s of [seeded.admin.live, created.secret, current ?? '']) expect(file).not.toContain(s);
    await t.call('orgs.remove', { orgId });
    await t.call('providers.remove', { id: 'tollgate' });
    expect((await t.call('app.info', {})).providers.some((p) => p.id === 'tollgate')).toBe(false);
  });

  it('never takes a lying verify answer for the key’s identity, and never sends another provider’s key to a test', async () => {
    const seeded = tollgate.sandbox.seedOrg('Toll Co', [{ name: 'Billing worker', environment: 'live' }]);
    const other = tollgate.sandbox.truth(seeded.org.id).find((k) => k.name === 'Billing worker');
    tollgate.sandbox.namesCallerAs = other?.id;
    await t.call('providers.add', { text });
    const connected = await t.call('orgs.connect', { key: seeded.admin.live });
    const admin = tollgate.sandbox.identify(seeded.admin.live);
    // The list's last 4 says which key is the admin key; the verify answer named another one, and was not believed.
    expect(connected.credential.providerKeyId).toBe(admin?.id);
    expect(connected.credential.providerKeyId).not.toBe(other?.id);
    const skKey = `sk_live_${'a'.repeat(32)}`;
    const before = tollgate.sandbox.calls.length;
    const refused = await t.callErr('providers.test', { text, key: skKey });
    expect(refused).toMatchObject({
      code: 'KEY_UNKNOWN_PROVIDER',
      message: expect.stringContaining('sk-style API key'),
    });
    expect(tollgate.sandbox.calls.length).toBe(before);
    await t.call('orgs.remove', { orgId: connected.organization.id });
  });

  it('refuses a manifest that would take over a built-in provider or its keys, each problem at its field', async () => {
    const hijack = JSON.parse(text) as Record<string, unknown>;
    hijack.id = 'laghav';
    hijack.keys = [{ environment: 'live', prefix: 'lgh_live_x' }];
    const checked = await t.call('providers.check', { text: JSON.stringify(hijack) });
    expect(checked.problems).toEqual([
      { path: 'id', message: expect.stringContaining('a provider Keydeck ships') },
      { path: 'keys[0].prefix', message: expect.stringContaining('overlaps lgh_live_') },
    ]);
    const refused = await t.callErr('providers.add', { text: JSON.stringify(hijack) });
    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(refused.message).toContain('keys[0].prefix');
    expect(t.ws.meta.read().providers).toEqual([]);
    // A second "Laghav" would pass for the real one in every list.
    const lookalike = JSON.parse(text) as Record<string, unknown>;
    lookalike.displayName = 'laghav ';
    expect((await t.call('providers.check', { text: JSON.stringify(lookalike) })).problems).toEqual([
      { path: 'displayName', message: expect.stringContaining('already a provider’s name') },
    ]);
  });
});
