import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import { playRotation, sandboxHands } from './helpers/rotation-driver.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';
import { PROVIDERS } from '../support/providers.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(() => t.dispose());

async function connect(provider: ProviderId) {
  const seeded = t.sandbox[provider].seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
  const extra = provider === 'legba' ? { provider, providerOrgId: seeded.org.id } : {};
  const r = await t.call('orgs.connect', { key: seeded.admin.live, ...extra });
  const hands = sandboxHands(t.sandbox.servers[provider].origin, seeded.org.id);
  const secretOf = async (credentialId: string) => {
    const doc = t.ws.meta.read();
    const cred = doc.credentials.find((c) => c.id === credentialId);
    return cred ? t.secrets.get(t.account(r.organization.id, cred.environment, cred.id, provider)) : null;
  };
  return { seeded, orgId: r.organization.id, credentialId: r.credential.id, hands, secretOf };
}

describe('rotating the admin key, every provider (real keychain, sandbox, the person played by the test)', () => {
  it.each(PROVIDERS)('%s: start → done; the new key is current and works, the old one is dead', async (provider) => {
    const { seeded, orgId, credentialId, hands, secretOf } = await connect(provider);
    const refused = await t.callErr('rotation.start', { orgId, credentialId, confirmLive: false });
    expect(refused.message).toContain('LIVE key needs an explicit confirmation');
    const started = await t.call('rotation.start', { orgId, credentialId, confirmLive: true });
    expect(started.newKey.name).toMatch(/\(rotated \d{4}-\d{2}-\d{2}\)$/);
    const twice = await t.callErr('rotation.start', { orgId, credentialId, confirmLive: true });
    expect(twice.code).toBe('CONFLICT');

    const done = await playRotation((ch, input) => t.call(ch, input), started, hands, secretOf);
    expect(done.status).toBe('done');
    expect(done.history.map((h) => h.event).join('\n')).toContain('Keydeck now calls the provider with the new key');

    const doc = t.ws.meta.read();
    const admin = doc.credentials.find((c) => c.orgId === orgId && c.role === 'admin');
    expect(admin?.id).toBe(done.newKey.credentialId);
    expect(doc.credentials.filter((c) => c.orgId === orgId)).toHaveLength(1);
    const newSecret = await t.secrets.get(t.account(orgId, 'live', admin?.id ?? '', provider));
    expect(newSecret).toBeTruthy();
    expect(t.sandbox[provider].keys.lookup(newSecret ?? '')?.status).toBe('active');
    expect(t.sandbox[provider].keys.lookup(seeded.admin.live)?.status).toBe('revoked');
    expect(await t.secrets.get(t.account(orgId, 'live', credentialId, provider))).toBeNull();
    // Keydeck still works with the organization, through the new key.
    await t.call('keys.list', { orgId, environment: 'live' });
    // The old key was revoked only after the new one was verified and its use confirmed.
    const oldKey = t.sandbox[provider].keys.lookup(seeded.admin.live);
    expect(Date.parse(oldKey?.revokedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.useConfirmedAt ?? 'x'));
    expect(Date.parse(done.useConfirmedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.newKey.verifiedAt ?? 'x'));
    const activity = doc.activity.filter((a) => a.action.startsWith('rotation.')).map((a) => a.action);
    expect(activity[0]).toBe('rotation.start');
    expect(activity).toContain('rotation.done');
    for (const text of t.files()) for (const s of [seeded.admin.live, newSecret ?? '']) expect(text).not.toContain(s);
  });
});

describe('cancel before revoke rolls back', () => {
  it.each(['laghav', 'leadey', 'skapi'] as const)(
    '%s: the new key is revoked, the old stays current, nothing pending remains',
    async (provider) => {
      const { seeded, orgId, credentialId, hands, secretOf } = await connect(provider);
      let r = await t.call('rotation.start', { orgId, credentialId, confirmLive: true });
      if (r.step === 'create') {
        const made = await hands.mint(r.newKey.name, 'live');
        r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
      }
      expect(r.step).toBe('deploy');
      const newSecret = await secretOf(r.newKey.credentialId);
      r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
      const done = await playRotation((ch, input) => t.call(ch, input), r, hands, secretOf);
      expect(done.status).toBe('cancelled');
      expect(t.sandbox[provider].keys.lookup(newSecret ?? '')?.status).toBe('revoked');
      expect(t.sandbox[provider].keys.lookup(seeded.admin.live)?.status).toBe('active');
      const doc = t.ws.meta.read();
      expect(doc.credentials.filter((c) => c.orgId === orgId).map((c) => [c.id, c.role])).toEqual([
        [credentialId, 'admin'],
      ]);
      expect(await t.secrets.get(t.account(orgId, 'live', r.newKey.credentialId, provider))).toBeNull();
    },
  );

  it('cannot cancel once the old key is being revoked', async () => {
    const { orgId, credentialId } = await connect('laghav');
    let r = await t.call('rotation.start', { orgId, credentialId, confirmLive: true });
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'deployed' } });
    t.sandbox.fault('laghav', { kind: 'status', status: 503 }, 3);
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'confirmUse', override: false } });
    expect(r).toMatchObject({ step: 'revoke', status: 'failed', canCancel: false });
    const e = await t.callErr('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(e.code).toBe('CONFLICT');
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'resume' } });
    expect(r.status).toBe('done');
  });
});

describe('the create answer is lost', () => {
  it('resume finds the created key by listing, revokes it, creates another; at most one extra key', async () => {
    const { orgId, seeded } = await connect('laghav');
    const made = t.sandbox.laghav.mint(seeded.org.id, 'Web app', 'live');
    const adopted = await t.call('keys.adopt', { orgId, environment: 'live', key: made.secret, name: 'Web app' });
    const beforeCount = t.sandbox.laghav.keysOf(seeded.org.id).length;
    // The list at start (reading the old key's name) passes untouched; the create's answer is dropped.
    t.sandbox.servers.laghav.faults.add({ kind: 'latency', ms: 0 }, 1);
    t.sandbox.servers.laghav.faults.add({ kind: 'drop-response' }, 1);
    const lost = await t.call('rotation.start', { orgId, credentialId: adopted.credentialId, confirmLive: true });
    expect(lost).toMatchObject({ step: 'create', status: 'failed', intent: { action: 'create' } });
    expect(t.sandbox.laghav.keysOf(seeded.org.id)).toHaveLength(beforeCount + 1);
    const resumed = await t.call('rotation.act', { rotationId: lost.id, action: { kind: 'resume' } });
    expect(resumed.step).toBe('deploy');
    expect(resumed.orphans).toHaveLength(1);
    expect(t.sandbox.laghav.keys.byId.get(resumed.orphans[0]?.providerKeyId ?? '')?.status).toBe('revoked');
    // Exactly one extra key was ever made, and it is revoked; the one Keydeck holds is active.
    const named = t.sandbox.laghav.keysOf(seeded.org.id).filter((k) => k.name === lost.newKey.name);
    expect(named.map((k) => k.status).sort()).toEqual(['active', 'revoked']);
  });
});

describe('confirm in use, where the provider reports last use (sk-style)', () => {
  it('recommends waiting until the new key is used and the old one has been quiet', async () => {
    const { orgId, hands } = await connect('skapi');
    const mintHeld = await hands.mint('Checkout', 'live');
    const held = await t.call('keys.adopt', { orgId, environment: 'live', key: mintHeld.secret, name: 'Checkout' });
    let r = await t.call('rotation.start', {
      orgId,
      credentialId: held.credentialId,
      confirmLive: true,
      quietWindowMinutes: 0,
    });
    const made = await hands.mint(r.newKey.name, 'live');
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'deployed' } });
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'refreshUsage' } });
    expect(r.recommendation).toEqual({ ready: false, reason: 'The new key has not been used yet.' });
    const e = await t.callErr('rotation.act', { rotationId: r.id, action: { kind: 'confirmUse', override: false } });
    expect(e.message).toContain('Keydeck recommends waiting');
    // The deployed app starts using the new key (a call some seconds after Keydeck's own).
    const later = Date.now() + 10_000;
    const key = t.sandbox.skapi.keys.lookup(made.secret);
    if (key) key.lastUsedAt = new Date(later).toISOString();
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'refreshUsage' } });
    expect(r.usage.newFirstUseAt).toBe(new Date(later).toISOString());
    expect(r.recommendation?.ready).toBe(true);
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'confirmUse', override: false } });
    expect(r.status).toBe('done');
    expect(r.useOverride).toBe(false);
    expect(t.sandbox.skapi.keys.lookup(mintHeld.secret)?.status).toBe('revoked');
  });
});
