import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { mapKeychainError } from '../../electron/core/vault/secret-store.js';
import { recordFigure } from '../support/figures.js';

const run = promisify(execFile);
const service = `Keydeck Test ${process.pid}`;
const store = new KeytarSecretStore(service);
const used = new Set<string>();
afterAll(async () => {
  for (const a of used) await store.delete(a);
});
const account = (name: string) => {
  used.add(name);
  return name;
};

const tsx = resolve('node_modules/.bin/tsx');
const probe = resolve('test/integration/helpers/keychain-probe.ts');
async function probeWith(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  wrap?: string,
): Promise<{ ok: boolean; code?: string; message?: string }> {
  const cmd = wrap ? ['sh', ['-c', `${wrap} "$@"`, 'sh', tsx, probe, ...args]] : [tsx, [probe, ...args]];
  // The probe ends itself with SIGKILL (see keychain-probe.ts), so execFile reports a failure: read stdout either way.
  const stdout = await run(cmd[0] as string, cmd[1] as string[], { env, timeout: 30_000 }).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? '',
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

describe('the real OS keychain (gnome-keyring over D-Bus)', () => {
  it('round-trips unicode and long values, and deletes', async () => {
    const a = account('laghav:org_roundtrip:live:cred_1');
    for (const value of ['lgh_live_simple123456', 'ключ-🔑-密钥-ñ', 'x'.repeat(4096)]) {
      await store.set(a, value);
      expect(await store.get(a)).toBe(value);
    }
    expect(await store.delete(a)).toBe(true);
    expect(await store.get(a)).toBeNull();
    expect(await store.delete(a)).toBe(false);
  });

  it('files secrets under the documented service and account, visible to secret-tool', async () => {
    const a = account('laghav:org_visible:test:cred_2');
    await store.set(a, 'lgh_test_VisibleToSecretTool1');
    // secret-tool prints the label and secret on stdout and the attributes on stderr.
    const search = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
    const out = `${search.stdout}\n${search.stderr}`;
    expect(out).toContain(`attribute.account = ${a}`);
    expect(out).toContain(`attribute.service = ${service}`);
  });

  it('keeps the last of 50 concurrent writes to one account, and all of 50 to different accounts', async () => {
    const same = account('laghav:org_race:live:cred_same');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(same, `value-${i}`)));
    expect(await store.get(same)).toBe('value-49');
    const many = Array.from({ length: 50 }, (_, i) => account(`laghav:org_race:live:cred_${i}`));
    await Promise.all(many.map((a, i) => store.set(a, `secret-${i}`)));
    const values = await Promise.all(many.map((a) => store.get(a)));
    expect(values).toEqual(many.map((_, i) => `secret-${i}`));
    recordFigure('keychain', '50 concurrent writes', { scenarios: 1, operations: 100, lostUpdates: 0 });
  });

  it('maps "no D-Bus session" to KEYCHAIN_UNAVAILABLE', async () => {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    const result = await probeWith(env);
    expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(result.message).toMatch(/never falls back to storing keys in a file/);
    recordFigure('keychain', 'no D-Bus session', { scenarios: 1, typedErrors: 1 });
  });

  it('maps "no Secret Service on the bus" to KEYCHAIN_UNAVAILABLE', async () => {
    // A D-Bus session with no keyring daemon in it.
    const result = await probeWith(
      { ...process.env, XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'kd-nokr-')) },
      [service, 'set', '5000'],
      'dbus-run-session --',
    );
    expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    recordFigure('keychain', 'no Secret Service', { scenarios: 1, typedErrors: 1 });
  });

  it('maps a locked keyring to KEYCHAIN_LOCKED', async () => {
    const lock =
      'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && ' +
      'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null && ';
    const result = await probeWith(
      { ...process.env, XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'kd-locked-')) },
      [service, 'set'],
      `dbus-run-session -- sh -c '${lock} "$@"' sh`,
    );
    expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' });
    recordFigure('keychain', 'locked keyring', { scenarios: 1, typedErrors: 1 });
  });

  it('times out a keychain call that hangs (a bus that accepts and never answers)', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'kd-hang-')), 'bus');
    const hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(socket, r));
    try {
      const result = await probeWith({ ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` }, [
        service,
        'set',
        '500',
      ]);
      expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
      recordFigure('keychain', 'hung call', { scenarios: 1, typedErrors: 1 });
    } finally {
      hung.close();
    }
  });

  it('maps the messages keytar passes through on other platforms', () => {
    expect(mapKeychainError(new Error('Cannot create an item in a locked collection')).code).toBe('KEYCHAIN_LOCKED');
    expect(mapKeychainError(new Error('User canceled the operation.')).code).toBe('KEYCHAIN_LOCKED');
    expect(mapKeychainError(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')).code).toBe(
      'KEYCHAIN_UNAVAILABLE',
    );
    expect(mapKeychainError(new Error('something else')).code).toBe('KEYCHAIN_ERROR');
  });
});
