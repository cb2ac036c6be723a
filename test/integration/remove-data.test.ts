/**
 * Settings → Remove all Keydeck data, on the real keychain (gnome-keyring in scripts/with-keyring.sh)
 * and the sandbox: every item under the service goes, the profile is emptied, nothing is revoked; a
 * locked keychain, an item that will not go and an unfinished rotation each leave everything in place.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Exclusive, EVERYTHING } from '../../electron/core/exclusive.js';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import type { SecretStore } from '../../electron/core/vault/secret-store.js';
import { KeydeckFailure } from '../../shared/errors.js';
import { startSandbox } from '../sandbox/server.js';
import {
  keyringControlSkipReason,
  lockLogin,
  loginLocked,
  serviceRunning,
  startDaemonUnlocked,
  waitFor,
} from './helpers/keyring-control.js';
import { playRotation, sandboxHands } from './helpers/rotation-driver.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

const CONFIRM = { confirm: 'remove everything' } as const;

/** What secret-tool (libsecret, from outside Keydeck) finds under a service. */
function seenFromOutside(service: string): string {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`;
}

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(() => t.dispose());

/** Two organizations (one with live and test), a key Keydeck created and keeps, a stray item under the service, and every profile file. */
async function populate() {
  const acme = t.sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
  const beta = t.sandbox.laghav.seedOrg('Beta', [{ name: 'CI', environment: 'test' }]);
  const a = await t.call('orgs.connect', { key: acme.admin.live, name: 'Acme' });
  await t.call('orgs.connectEnvironment', { orgId: a.organization.id, key: acme.admin.test, environment: 'test' });
  const b = await t.call('orgs.connect', { key: beta.admin.live, name: 'Beta' });
  const created = await t.call('keys.create', {
    orgId: b.organization.id,
    environment: 'live',
    name: 'Deploy bot',
    keep: true,
  });
  await t.call('keys.list', { orgId: a.organization.id, environment: 'live' });
  // An item Keydeck filed that the metadata no longer names (a crash between keychain and file).
  await t.secrets.set(`laghav:org_strayStrayStray1:test:cred_strayStrayStray1`, 'lgh_test_StrayStrayStrayStrayStray12');
  writeFileSync(join(t.profileDir, 'metadata.damaged-2026-01-01T00-00-00Z.json'), '{"cut');
  // The copy a start with a whole file takes (this process wrote the file first, so it took none).
  writeFileSync(join(t.profileDir, 'metadata.last-good.json'), readFileSync(join(t.profileDir, 'metadata.json')));
  // The key-list cache (a file per organization-environment) is written on a short timer: wait until it is there.
  await waitFor(
    'key cache written',
    () => existsSync(join(t.profileDir, 'key-cache', `${a.organization.id}.live.json`)),
    5_000,
  );
  // And the single-file cache of an older Keydeck, should one still be there.
  writeFileSync(join(t.profileDir, 'cache.json'), '{"version":1,"lists":{}}');
  return { acme, beta, a, b, created: created.secret };
}

describe('Remove all Keydeck data', () => {
  it('deletes every keychain item under the service and the profile data; revokes nothing; Keydeck starts over', async () => {
    const { acme, beta, a, created } = await populate();
    expect((await t.secrets.list()).length).toBe(5);
    for (const f of [
      'metadata.last-good.json',
      'cache.json',
      'key-cache',
      'metadata.damaged-2026-01-01T00-00-00Z.json',
    ])
      expect(existsSync(join(t.profileDir, f)), f).toBe(true);
    expect(readdirSync(join(t.profileDir, 'logs')).length).toBeGreaterThan(0);

    // The typed confirmation is part of the call.
    expect((await t.callErr('data.removeAll', { confirm: 'remove' })).code).toBe('VALIDATION_FAILED');
    expect((await t.secrets.list()).length).toBe(5);

    const r = await t.call('data.removeAll', CONFIRM);
    expect(r.removedSecrets).toBe(5);
    expect(r.removedOrganizations).toBe(2);
    expect(r.keychainService).toBe(t.secrets.service);
    expect(r.kept.join('\n')).toContain(
      'Your keys still work at the providers; revoke them there if you no longer need them.',
    );

    // The keychain, seen by Keydeck and from outside.
    expect(await t.secrets.list()).toEqual([]);
    expect(seenFromOutside(t.secrets.service)).not.toContain('attribute.account');
    // The profile: the metadata file is empty, its copies, the cache and the logs are gone.
    expect(await t.call('orgs.list', {})).toEqual({ organizations: [] });
    const doc = JSON.parse(readFileSync(join(t.profileDir, 'metadata.json'), 'utf8')) as Record<string, unknown[]>;
    for (const k of ['organizations', 'credentials', 'rotations', 'activity']) expect(doc[k], k).toEqual([]);
    for (const f of [
      'metadata.last-good.json',
      'cache.json',
      'key-cache',
      'metadata.damaged-2026-01-01T00-00-00Z.json',
    ])
      expect(existsSync(join(t.profileDir, f)), f).toBe(false);
    expect(r.removedFiles).toContain(join(t.profileDir, 'key-cache', `${a.organization.id}.live.json`));
    expect(readdirSync(join(t.profileDir, 'logs'))).toEqual([]);
    expect(r.removedFiles.length).toBeGreaterThanOrEqual(4);
    // Nothing was revoked: the provider still takes every key, and Keydeck can connect one again.
    for (const key of [acme.admin.live, acme.admin.test, beta.admin.live, created])
      expect(t.sandbox.laghav.keys.lookup(key)?.status).toBe('active');
    const again = await t.call('orgs.connect', { key: acme.admin.live, name: 'Acme again' });
    expect(again.organization.id).toBeTruthy();
    expect(t.undeclared).toEqual([]);
  });

  it('is refused while a rotation is unfinished, naming it; after cancelling it, it goes through', async () => {
    const seeded = t.sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
    const c = await t.call('orgs.connect', { key: seeded.admin.live, name: 'Acme' });
    const started = await t.call('rotation.start', {
      orgId: c.organization.id,
      credentialId: c.credential.id,
      confirmLive: true,
    });
    expect(started.step).toBe('deploy');
    const e = await t.callErr('data.removeAll', CONFIRM);
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/not finished: Acme \(live\) key …/);
    expect(e.message).toContain('Nothing was removed');
    expect((await t.secrets.list()).length).toBe(2);
    expect(t.ws.meta.read().organizations).toHaveLength(1);

    const hands = sandboxHands(t.sandbox.servers.laghav.origin, seeded.org.id);
    const cancelled = await playRotation(
      (ch, input) => t.call(ch, input),
      await t.call('rotation.act', { rotationId: started.id, action: { kind: 'cancel' } }),
      hands,
      async () => null,
    );
    expect(cancelled.status).toBe('cancelled');
    const r = await t.call('data.removeAll', CONFIRM);
    expect(r.removedSecrets).toBe(1);
    expect(await t.secrets.list()).toEqual([]);
  });
});

describe('Remove all Keydeck data fails closed', () => {
  it('an item the keychain will not delete stops it: the metadata stays whole and the answer names what is left', async () => {
    const sandbox = await startSandbox();
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-remove-'));
    const real = new KeytarSecretStore(`Keydeck Remove ${process.pid}`);
    let stuck = '';
    const secrets: SecretStore = {
      service: real.service,
      get: (a) => real.get(a),
      set: (a, s) => real.set(a, s),
      list: () => real.list(),
      delete: async (a) => {
        if (a === stuck)
          throw new KeydeckFailure({ code: 'KEYCHAIN_ERROR', message: 'The OS keychain refused the operation.' });
        return real.delete(a);
      },
    };
    const undeclared: string[] = [];
    const ws = createNodeWorkspace({
      profileDir,
      keychainService: real.service,
      transport: 'preview',
      version: 'test',
      secrets,
      baseUrlOverrides: sandbox.urls,
      onUndeclaredError: (ch, code) => undeclared.push(`${ch} ${code}`),
    });
    try {
      const one = sandbox.laghav.seedOrg('One');
      const two = sandbox.laghav.seedOrg('Two');
      for (const [key, name] of [
        [one.admin.live, 'One'],
        [two.admin.live, 'Two'],
      ] as const) {
        const r = await ws.call('orgs.connect', { key, name });
        expect(r.ok).toBe(true);
      }
      // Items are deleted in account order: the last one is the one that will not go.
      const doc = ws.meta.read();
      const last = doc.credentials
        .map((c) => ({ c, account: `laghav:${c.orgId}:live:${c.id}` }))
        .sort((x, y) => (x.account < y.account ? -1 : 1))[1]!;
      stuck = last.account;
      const stuckName = doc.organizations.find((o) => o.id === last.c.orgId)!.name;
      const r = await ws.call('data.removeAll', CONFIRM);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('KEYCHAIN_ERROR');
      expect(r.error.message).toMatch(/deleted 1 of 2 keychain item\(s\), then stopped/);
      expect(r.error.message).toContain(`${stuckName} (live) key …${last.c.last4}`);
      expect(r.error.message).toContain('Nothing else was removed');
      // The metadata is whole: both organizations, every credential, the activity.
      expect(ws.meta.read().organizations.map((o) => o.name)).toEqual(['One', 'Two']);
      expect(ws.meta.read().credentials).toHaveLength(2);
      expect((await real.list()).map((x) => x.account)).toEqual([stuck]);
      expect(undeclared).toEqual([]);
    } finally {
      for (const x of await real.list()) await real.delete(x.account);
      await ws.dispose();
      await sandbox.close();
    }
  });

  it('while anything else holds a lock it is BUSY, and while it runs every other change is BUSY', async () => {
    const guard = new Exclusive();
    let release!: () => void;
    const slow = guard.run(
      ['org:o1:live'],
      ['keys.create', 1],
      'creating a key in Acme (live)',
      () => new Promise<void>((r) => (release = r)),
    );
    await expect(
      guard.run([EVERYTHING, 'store'], ['data.removeAll'], 'removing all Keydeck data', async () => 'x'),
    ).rejects.toMatchObject({
      error: { code: 'BUSY', message: expect.stringContaining('creating a key in Acme (live)') },
    });
    release();
    await slow;
    let finish!: () => void;
    const removing = guard.run(
      [EVERYTHING, 'store'],
      ['data.removeAll'],
      'removing all Keydeck data',
      () => new Promise<void>((r) => (finish = r)),
    );
    expect(guard.isAnyBusy()).toBe(true);
    await expect(guard.run(['org:o2:test'], ['keys.revoke', 2], 'revoking', async () => 'x')).rejects.toMatchObject({
      error: { code: 'BUSY', message: expect.stringContaining('removing all Keydeck data') },
    });
    finish();
    await removing;
    expect(guard.isAnyBusy()).toBe(false);
  });
});

const skip = keyringControlSkipReason();
describe.skipIf(skip)('Remove all Keydeck data on a locked keychain', () => {
  afterAll(async () => {
    if (!(await serviceRunning()) || (await loginLocked())) await startDaemonUnlocked();
  });

  it('fails with KEYCHAIN_LOCKED and removes nothing; unlocked, it goes through', async () => {
    const seeded = t.sandbox.laghav.seedOrg('Acme');
    await t.call('orgs.connect', { key: seeded.admin.live, name: 'Acme' });
    await t.call('orgs.connect', { key: t.sandbox.laghav.seedOrg('Beta').admin.live, name: 'Beta' });
    const before = readFileSync(join(t.profileDir, 'metadata.json'), 'utf8');
    await lockLogin();
    const e = await t.callErr('data.removeAll', CONFIRM);
    expect(e.code).toBe('KEYCHAIN_LOCKED');
    expect(e.message).toContain('nothing was removed');
    expect(readFileSync(join(t.profileDir, 'metadata.json'), 'utf8')).toBe(before);
    expect(seenFromOutside(t.secrets.service).match(/attribute\.account/g)).toHaveLength(2);

    await startDaemonUnlocked();
    expect((await t.secrets.list()).length).toBe(2);
    const r = await t.call('data.removeAll', CONFIRM);
    expect(r.removedSecrets).toBe(2);
    expect(seenFromOutside(t.secrets.service)).not.toContain('attribute.account');
    expect(t.sandbox.laghav.keys.lookup(seeded.admin.live)?.status).toBe('active');
  });
});
