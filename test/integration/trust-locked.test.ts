/**
 * Promises that must hold when the keychain locks in the middle of a session (found by a red-team
 * review): recovery refuses to rebuild without the keychain, the banner learns of the lock from any
 * failed call, and a remove that stops midway says how far it got. Real gnome-keyring, locked over
 * D-Bus; runs inside scripts/with-keyring.sh only.
 */
import { readFileSync, truncateSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  keyringControlSkipReason,
  lockLogin,
  loginLocked,
  serviceRunning,
  startDaemonUnlocked,
} from './helpers/keyring-control.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

const skip = keyringControlSkipReason();
if (skip) console.warn(`SKIPPED: trust-locked tests: ${skip}`);

let t: TestWorkspace;
beforeEach(async () => {
  if (skip) return;
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(async () => {
  if (skip) return;
  if (!(await serviceRunning()) || (await loginLocked())) await startDaemonUnlocked();
  await t.dispose();
});

describe.skipIf(skip)('a keychain that locks mid-session', () => {
  it('recovery refuses to rebuild without the keychain and changes nothing', async () => {
    const one = t.sandbox.laghav.seedOrg('One');
    const two = t.sandbox.skapi.seedOrg('Two');
    await t.call('orgs.connect', { key: one.admin.live });
    await t.call('orgs.connect', { key: two.admin.live });
    const path = t.ws.meta.path;
    truncateSync(path, 200);
    const damaged = readFileSync(path);
    await lockLogin();
    const refused = await t.callErr('store.recover', {});
    expect(refused.code).toBe('KEYCHAIN_LOCKED');
    expect(readFileSync(path).equals(damaged)).toBe(true);
    await startDaemonUnlocked();
    // Unlocked again: the rebuild finds both organizations back.
    const report = await t.call('store.recover', {});
    expect(report).toBeDefined();
    expect(t.ws.meta.read().organizations.length).toBe(2);
  });

  it('a call that meets a locked keychain makes vault.status say so at once', async () => {
    const seeded = t.sandbox.laghav.seedOrg('Lock');
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    expect((await t.call('vault.status', {})).problem).toBeUndefined();
    await lockLogin();
    const failed = await t.callErr('keys.list', { orgId: c.organization.id, environment: 'live' });
    expect(failed.code).toBe('KEYCHAIN_LOCKED');
    expect((await t.call('vault.status', {})).problem?.code).toBe('KEYCHAIN_LOCKED');
  });

  it('removing an organization on a locked keychain keeps it, and says so', async () => {
    const seeded = t.sandbox.laghav.seedOrg('Keep');
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    await lockLogin();
    const refused = await t.callErr('orgs.remove', { orgId: c.organization.id });
    expect(refused.code).toBe('KEYCHAIN_LOCKED');
    expect(refused.message).toContain('stays in Keydeck');
    expect(t.ws.meta.read().organizations).toHaveLength(1);
    await startDaemonUnlocked();
    expect((await t.call('orgs.remove', { orgId: c.organization.id })).removedSecrets).toBe(1);
  });
});
