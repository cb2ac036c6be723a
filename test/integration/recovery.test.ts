import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confBackend } from '../../electron/core/store/conf-backend.js';
import { MetaStore } from '../../electron/core/store/meta-store.js';
import { recordFigure } from '../support/figures.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(() => t.dispose());

/** Two organizations, a kept key, an unfinished rotation: what a person has after a few weeks. */
async function populate() {
  const acme = t.sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
  const beta = t.sandbox.laghav.seedOrg('Beta');
  const a = await t.call('orgs.connect', { key: acme.admin.live, name: 'Acme' });
  await t.call('orgs.connectEnvironment', { orgId: a.organization.id, environment: 'test', key: acme.admin.test });
  const b = await t.call('orgs.connect', { key: beta.admin.live, name: 'Beta' });
  await t.call('keys.create', { orgId: a.organization.id, environment: 'test', name: 'CI', keep: true });
  // Activity to make the file long, as months of use do.
  for (let i = 0; i < 40; i++) await t.call('keys.list', { orgId: a.organization.id, environment: 'live' });
  const rotation = await t.call('rotation.start', {
    orgId: b.organization.id,
    credentialId: b.credential.id,
    confirmLive: true,
  });
  expect(rotation.status).toBe('needs-user');
  return { acme: a.organization.id, beta: b.organization.id, rotation };
}

const keptFiles = (path: string) => readdirSync(dirname(path)).filter((f) => f.startsWith('metadata.damaged-'));

describe('recovery mode (real keychain, real HTTP to the sandbox)', () => {
  it('a file cut off mid-write: refuses to run on it, keeps it, rebuilds from what it holds and the keychain, keeps the unfinished journal', async () => {
    const { acme, beta, rotation } = await populate();
    const before = t.ws.meta.read();
    const path = t.ws.meta.path;
    const full = readFileSync(path, 'utf8');
    // Cut inside the credentials: the organizations and journals survive, some credentials and all activity do not.
    const cut = full.slice(0, full.indexOf('"credentials"') + 200);
    writeFileSync(path, cut);

    const list = await t.callErr('orgs.list', {});
    expect(list.code).toBe('STORE_ERROR');
    expect(list.message).toMatch(/damaged/);
    const status = await t.call('store.status', {});
    expect(status).toMatchObject({
      state: 'corrupt',
      salvage: { organizations: 2, rotations: 1, unfinishedRotations: 1 },
      keychainEntries: before.credentials.length,
    });
    expect(readFileSync(path, 'utf8')).toBe(cut);

    const report = await t.call('store.recover', {});
    // The damaged file, byte for byte.
    expect(readFileSync(report.keptCopy, 'utf8')).toBe(cut);
    expect(statSync(report.keptCopy).mode & 0o777).toBe(0o600);
    const after = t.ws.meta.read();
    expect(after.organizations.map((o) => o.id).sort()).toEqual([acme, beta].sort());
    expect(after.organizations.find((o) => o.id === acme)?.name).toBe('Acme');
    // Every key Keydeck held is back, with the same ids (so the keychain entries line up) and roles.
    const keys = (d: typeof before) =>
      d.credentials.map((c) => `${c.id}:${c.orgId}:${c.environment}:${c.last4}`).sort();
    expect(keys(after)).toEqual(keys(before));
    // The journal's new key is pending again; each organization-environment has one admin key.
    const pending = before.credentials.find((c) => c.role === 'pending');
    expect(after.credentials.find((c) => c.id === pending?.id)?.role).toBe('pending');
    for (const [orgId, env] of [
      [acme, 'live'],
      [acme, 'test'],
      [beta, 'live'],
    ] as const) {
      expect(
        after.credentials.filter((c) => c.orgId === orgId && c.environment === env && c.role === 'admin'),
      ).toHaveLength(1);
    }
    expect(after.rotations).toEqual(before.rotations);
    expect(report.fromKeychain.credentials).toBeGreaterThan(0);
    expect(report).toMatchObject({ refused: 0, unchecked: 0 });
    expect(report.verified).toBeGreaterThan(0);
    // And Keydeck works again: the lists load, the rotation resumes.
    await t.call('keys.list', { orgId: acme, environment: 'live' });
    const resumed = await t.call('rotation.get', { rotationId: rotation.id });
    expect(resumed).toMatchObject({ status: 'needs-user', orgName: 'Beta' });
    recordFigure('recovery', 'cut off mid-write', {
      scenarios: 1,
      keysBefore: before.credentials.length,
      keysBack: after.credentials.length,
      journalsBefore: before.rotations.length,
      journalsKept: after.rotations.length,
      verified: report.verified,
      refused: report.refused,
    });
  });

  it('a file that is not JSON at all: every organization and key rebuilt from the keychain and checked with the provider; a revoked one is marked refused', async () => {
    const { acme, beta } = await populate();
    const before = t.ws.meta.read();
    // One held key is revoked at the provider while Keydeck is down.
    const held = before.credentials.find((c) => c.role === 'held');
    expect(held?.providerKeyId).toBeDefined();
    const secret = held && (await t.secrets.get(t.account(held.orgId, held.environment, held.id)));
    const stored = t.sandbox.laghav.keys.lookup(secret ?? '');
    expect(stored).toBeDefined();
    if (stored) Object.assign(stored, { status: 'revoked', revokedAt: new Date().toISOString() });
    const path = t.ws.meta.path;
    const garbage = Buffer.from([0, 159, 146, 150, 0, 0, 7, 13, 10]);
    writeFileSync(path, garbage);

    const status = await t.call('store.status', {});
    expect(status).toMatchObject({
      state: 'corrupt',
      salvage: { organizations: 0, rotations: 0 },
      keychainEntries: before.credentials.length,
    });
    const report = await t.call('store.recover', {});
    expect(readFileSync(report.keptCopy)).toEqual(garbage);
    expect(report.fromKeychain).toEqual({ organizations: 2, credentials: before.credentials.length });
    expect(report.refused).toBe(1);
    const after = t.ws.meta.read();
    expect(after.organizations.map((o) => o.id).sort()).toEqual([acme, beta].sort());
    expect(after.organizations.every((o) => o.recovered && /\(recovered\)$/.test(o.name))).toBe(true);
    // Each organization-environment has one admin key again, one the provider accepted.
    for (const [orgId, env] of [
      [acme, 'live'],
      [acme, 'test'],
      [beta, 'live'],
    ] as const) {
      const admins = after.credentials.filter((c) => c.orgId === orgId && c.environment === env && c.role === 'admin');
      expect(admins).toHaveLength(1);
      expect(admins[0]?.verifiedAt).toBeDefined();
    }
    expect(after.credentials.find((c) => c.id === held?.id)).toMatchObject({ rejectedCode: 'KEY_REVOKED' });
    // The journal was in the lost file: its new key is back as a kept key, and the report says what to check.
    expect(report.notes.join('\n')).toMatch(/rebuilt from \d key\(s\) in the keychain/);
    expect(after.activity.filter((a) => a.action === 'org.recover')).toHaveLength(2);
    await t.call('keys.list', { orgId: beta, environment: 'live' });
    recordFigure('recovery', 'not JSON', {
      scenarios: 1,
      keysBefore: before.credentials.length,
      keysBack: after.credentials.length,
      journalsBefore: 0,
      journalsKept: 0,
      verified: report.verified,
      refused: report.refused,
    });
  });

  it('the copy taken when Keydeck last started gives back the names and journals the damaged file lost; a restored journal waits for the person', async () => {
    const { acme, beta, rotation } = await populate();
    const before = t.ws.meta.read();
    // Keydeck starts again: its first whole read of the file leaves a copy beside it.
    const restarted = new MetaStore(confBackend(t.profileDir));
    restarted.read();
    expect(existsSync(restarted.lastGoodPath)).toBe(true);
    expect(statSync(restarted.lastGoodPath).mode & 0o777).toBe(0o600);
    writeFileSync(t.ws.meta.path, 'garbage');

    const status = await t.call('store.status', {});
    if (status.state !== 'corrupt') throw new Error(`expected a corrupt file, got ${status.state}`);
    expect(status.lastGood).toMatchObject({ organizations: 2, credentials: before.credentials.length, rotations: 1 });
    const report = await t.call('store.recover', {});
    expect(report.fromLastGood).toEqual({ organizations: 2, credentials: before.credentials.length, rotations: 1 });
    expect(report.fromKeychain).toEqual({ organizations: 0, credentials: 0 });
    const after = t.ws.meta.read();
    expect(after.organizations.map((o) => o.name).sort()).toEqual(['Acme', 'Beta']);
    expect(after.credentials).toEqual(before.credentials);
    const restored = await t.call('rotation.get', { rotationId: rotation.id });
    expect(restored).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/restored from the copy/) },
    });
    await t.call('keys.list', { orgId: acme, environment: 'live' });
    await t.call('keys.list', { orgId: beta, environment: 'live' });
    recordFigure('recovery', 'from the copy taken at start', {
      scenarios: 1,
      keysBefore: before.credentials.length,
      keysBack: after.credentials.length,
      journalsBefore: before.rotations.length,
      journalsKept: after.rotations.length,
      verified: report.verified,
      refused: report.refused,
    });
  });

  it('one bad record costs that record only, and its key comes back from the keychain', async () => {
    const { acme } = await populate();
    const path = t.ws.meta.path;
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const victim = doc.credentials[0];
    doc.credentials[0] = { ...victim, role: 'owner' };
    writeFileSync(path, JSON.stringify(doc));
    const status = await t.call('store.status', {});
    if (status.state !== 'corrupt') throw new Error(`expected a corrupt file, got ${status.state}`);
    expect(status.unreadable.credentials).toBe(1);
    expect(status.problem).toMatch(/credentials\.0\.role/);
    const report = await t.call('store.recover', {});
    expect(report.fromKeychain).toEqual({ organizations: 0, credentials: 1 });
    const after = t.ws.meta.read();
    expect(after.credentials.find((c) => c.id === victim.id)).toMatchObject({
      role: 'admin',
      last4: victim.last4,
      verifiedAt: expect.any(String),
    });
    expect(after.activity.length).toBe(doc.activity.length);
    await t.call('keys.list', { orgId: acme, environment: 'live' });
  });

  it('an empty file (a crash before the first byte) is damage, not a fresh start', async () => {
    await populate();
    writeFileSync(t.ws.meta.path, '');
    expect(await t.call('store.status', {})).toMatchObject({
      state: 'corrupt',
      problem: expect.stringMatching(/empty/),
    });
    const report = await t.call('store.recover', {});
    expect(report.fromKeychain.organizations).toBe(2);
  });

  it('a file from a newer Keydeck is refused, never "recovered"; a healthy one has nothing to recover', async () => {
    const healthy = await t.callErr('store.recover', {});
    expect(healthy.code).toBe('CONFLICT');
    await populate();
    const path = t.ws.meta.path;
    const newer = JSON.stringify({ schemaVersion: 99, organizations: [] });
    writeFileSync(path, newer);
    expect(await t.call('store.status', {})).toMatchObject({ state: 'newer' });
    const e = await t.callErr('store.recover', {});
    expect(e.code).toBe('STORE_ERROR');
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(keptFiles(path)).toEqual([]);
  });

  it('the rebuilt file holds no secret, and the kept copy is the only new file', async () => {
    await populate();
    const path = t.ws.meta.path;
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 300));
    await t.call('store.recover', {});
    expect(keptFiles(path)).toHaveLength(1);
    expect(existsSync(`${path}.recovering`)).toBe(false);
    for (const text of t.files()) for (const secret of t.sandbox.laghav.issued) expect(text).not.toContain(secret);
  });
});
