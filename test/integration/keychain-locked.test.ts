/**
 * The real keychain locked under Keydeck, and its daemon restarted under Keydeck: the store must
 * say so (KEYCHAIN_LOCKED, never "ok" or "missing"), never crash, never show an unlock prompt when
 * only checking, and come back on "Check again" without a restart of Keydeck.
 *
 * Runs inside scripts/with-keyring.sh only (it locks and replaces the session's keyring daemon).
 * The tests run in order and share one process: the first finds this process's own libsecret
 * fresh; its unlock (a daemon replacement) leaves that libsecret stale, as in the field.
 */
import { spawnSync } from 'node:child_process';
import type * as KeytarModule from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore, keytarInProcessIsStale } from '../../electron/core/vault/keytar-store.js';
import { Vault } from '../../electron/core/vault/vault.js';
import { failure } from './helpers/fail.js';
import {
  daemonPid,
  keyringControlSkipReason,
  killDaemon,
  lockLogin,
  loginLocked,
  serviceRunning,
  startDaemonUnlocked,
  waitFor,
  watchForPrompts,
} from './helpers/keyring-control.js';
import { recordFigure } from '../support/figures.js';

type Keytar = typeof KeytarModule;

const skip = keyringControlSkipReason();
if (skip) console.warn(`keychain-locked tests skipped: ${skip}`);

const service = `Keydeck Locked ${process.pid}`;
const store = new KeytarSecretStore(service);
const vault = new Vault(store);
const used = new Set<string>();
const account = (name: string) => {
  used.add(name);
  return name;
};

/** What secret-tool (libsecret, from outside Keydeck) lists for the service: accounts, locked or not. */
function accountsSeenFromOutside(): string {
  const search = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
  return `${search.stdout}\n${search.stderr}`;
}

afterAll(async () => {
  if (skip) return;
  // Leave the session's keyring as with-keyring.sh made it, for the test files after this one.
  if (!(await serviceRunning()) || (await loginLocked())) await startDaemonUnlocked();
  for (const a of used) await store.delete(a).catch(() => undefined);
});

describe.skipIf(skip)('a locked keychain and a restarted keychain daemon (gnome-keyring over D-Bus)', () => {
  it('on a locked keychain: status says KEYCHAIN_LOCKED without a prompt; delete, get, set and list throw KEYCHAIN_LOCKED; nothing is lost', async () => {
    expect(keytarInProcessIsStale()).toBe(false);
    const kept = account('laghav:org_locked:live:cred_kept');
    await store.set(kept, 'lgh_live_KeptWhileLocked1234');
    expect((await vault.current(true)).problem).toBeUndefined();

    await lockLogin();
    const watch = await watchForPrompts();
    const status = await vault.current(true);
    expect(status.problem?.code).toBe('KEYCHAIN_LOCKED');
    expect(status.problem?.message).toMatch(/locked\. Unlock it/);
    expect(status.sessionOffered).toBe(false);
    // The process survives listing a locked keychain (keytar's findCredentials would SIGSEGV here).
    expect((await failure(store.list())).error.code).toBe('KEYCHAIN_LOCKED');
    // Checking and listing asked nothing to unlock: no Unlock call, no prompt, on the bus.
    expect(await watch.stop()).toEqual([]);

    // Remove while locked: refused, and the secret is still in the keychain.
    expect((await failure(store.delete(kept))).error.code).toBe('KEYCHAIN_LOCKED');
    expect(accountsSeenFromOutside()).toContain(`attribute.account = ${kept}`);
    // A locked key is not a missing key.
    expect((await failure(store.get(kept))).error.code).toBe('KEYCHAIN_LOCKED');
    expect(
      (await failure(store.set(account('laghav:org_locked:test:cred_new'), 'lgh_test_NotStored1234'))).error.code,
    ).toBe('KEYCHAIN_LOCKED');
    // Nothing of that name anywhere: the keychain's true answer, locked or not.
    expect(await store.delete('laghav:org_locked:live:cred_never')).toBe(false);

    // Unlocking (prompt-free here only by replacing the daemon) brings everything back.
    await startDaemonUnlocked();
    expect((await vault.current(true)).problem).toBeUndefined();
    expect(await store.get(kept)).toBe('lgh_live_KeptWhileLocked1234');
    expect(await store.get('laghav:org_locked:test:cred_new')).toBeNull();
    expect(await store.delete(kept)).toBe(true);
    expect(await store.delete(kept)).toBe(false);
    // The replaced daemon left this process's libsecret talking to a gone daemon: calls now run in the helper.
    expect(keytarInProcessIsStale()).toBe(true);
    recordFigure('keychain', 'locked collection mid-test', {
      scenarios: 1,
      typedErrors: 5,
      promptsWhileChecking: 0,
      lostSecrets: 0,
    });
  });

  it('list() never takes the process down, even with the lock check off (findCredentials crashes its helper instead)', async () => {
    const bare = new KeytarSecretStore(service, 10_000, { secretService: null });
    const a = account('laghav:org_crash:test:cred_1');
    await store.set(a, 'lgh_test_ListedWhileLocked123');
    expect(await bare.list()).toEqual([{ account: a, secret: 'lgh_test_ListedWhileLocked123' }]);

    await lockLogin();
    const crashed = await failure(bare.list());
    expect(crashed.error.code).toBe('KEYCHAIN_ERROR');
    expect(crashed.error.message).toMatch(/crashed/);
    expect(String((crashed.cause as Error | undefined)?.message)).toMatch(/SIGSEGV|SIGABRT|signal|stopped/);
    // With the lock check, the same call is refused before anything runs.
    expect((await failure(store.list())).error.code).toBe('KEYCHAIN_LOCKED');

    await startDaemonUnlocked();
    expect(await bare.list()).toEqual([{ account: a, secret: 'lgh_test_ListedWhileLocked123' }]);
    recordFigure('keychain', 'list on a locked collection', { scenarios: 2, processCrashes: 0 });
  });

  it('"Check again" recovers after the keyring daemon restarts, twice, with no restart of Keydeck', async () => {
    const a = account('laghav:org_restart:live:cred_1');
    let held = 'lgh_live_SurvivesRestart12345';
    await store.set(a, held);
    expect((await vault.current(true)).problem).toBeUndefined();

    for (let restart = 1; restart <= 2; restart++) {
      const before = await killDaemon();
      // While it is gone the check reports a problem (keytar may start a daemon through D-Bus
      // activation, which comes up locked: then it says locked, which is what the person must do).
      const down = await vault.current(true);
      expect(['KEYCHAIN_LOCKED', 'KEYCHAIN_UNAVAILABLE', 'KEYCHAIN_ERROR']).toContain(down.problem?.code);

      const after = await startDaemonUnlocked();
      expect(after).not.toBe(before);
      // keytar in this process still holds the gone daemon's proxy: it fails on its own...
      const keytar = ((await import('keytar')) as unknown as { default: Keytar }).default;
      await expect(keytar.getPassword(service, a)).rejects.toThrow();
      // ...and Keydeck's store recovers on the next check anyway.
      const again = await vault.current(true);
      expect(again.problem).toBeUndefined();
      expect(await store.get(a)).toBe(held);
      held = `lgh_live_SurvivesRestart1234${restart}`;
      await store.set(a, held);
      expect(await store.get(a)).toBe(held);
    }
    await waitFor('the daemon to be up', async () => (await daemonPid()) !== undefined);
    recordFigure('keychain', 'daemon restart', { scenarios: 2, recoveredWithoutAppRestart: 2 });
  });
});
