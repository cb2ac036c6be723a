import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { recordFigure } from '../support/figures.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

const run = promisify(execFile);
const tsx = resolve('node_modules/.bin/tsx');
const child = resolve('test/integration/helpers/session-child.ts');

/** The core in a process with no D-Bus session: the real keychain library finds no keychain. */
async function noKeychain(profileDir: string, scenario: 'session' | 'crash' | 'after') {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  // The child ends itself with SIGKILL (a hung keytar worker would block a normal exit): read stdout either way.
  const stdout = await run(tsx, [child, profileDir, scenario], { env, timeout: 60_000 }).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? '',
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer read field by field below
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, any>;
}

/** How many live keys the session refused (connect and add-environment). */
function liveRefusals(r: Record<string, { error?: { code?: string } }>): number {
  return [r.connectLive, r.addLive].filter((x) => x?.error?.code === 'LIVE_KEY_NEEDS_KEYCHAIN').length;
}

function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

describe('session-only mode (no keychain: a process with no D-Bus session)', () => {
  it('is offered, keeps test keys in memory only, refuses live keys before calling the provider, and forgets everything on quit', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-session-'));
    const r = await noKeychain(profileDir, 'session');
    expect(r.statusBefore.value).toMatchObject({
      mode: 'keychain',
      problem: { code: 'KEYCHAIN_UNAVAILABLE' },
      sessionOffered: true,
      sessionKeys: 0,
    });
    // Before the person chooses session-only mode, nothing is kept anywhere.
    expect(r.connectBeforeSession).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(r.useSession.value).toMatchObject({ mode: 'session', sessionOffered: false });
    expect(r.connectLive).toMatchObject({ ok: false, error: { code: 'LIVE_KEY_NEEDS_KEYCHAIN' } });
    expect(r.connectLive.error.message).toMatch(/test keys only/);
    expect(r.liveCallsToProvider).toBe(0);
    expect(r.connectTest).toMatchObject({
      ok: true,
      value: { organization: { sessionOnly: true, environments: ['test'] } },
    });
    expect(r.list.ok).toBe(true);
    expect(r.create).toMatchObject({ ok: true, value: { heldCredentialId: expect.any(String) } });
    expect(r.create.value.keepError).toBeUndefined();
    expect(r.addLive).toMatchObject({ ok: false, error: { code: 'LIVE_KEY_NEEDS_KEYCHAIN' } });
    expect(r.statusDuring.value).toMatchObject({ mode: 'session', sessionKeys: 2 });
    // The metadata on disk names the organization (public facts) but holds no secret.
    expect(r.metaDuring.organizations).toHaveLength(1);
    // Quit: the session's organizations and keys are gone.
    expect(r.metaAfterQuit.organizations).toEqual([]);
    expect(r.metaAfterQuit.credentials).toEqual([]);
    expect(r.metaAfterQuit.activity.at(-1)).toMatchObject({
      action: 'org.remove',
      detail: expect.stringMatching(/session-only/),
    });
    // No secret ever reached a file: every key the sandbox issued is searched for in the profile.
    const canaries: string[] = r.issued;
    expect(canaries.length).toBeGreaterThanOrEqual(3);
    const files = filesUnder(profileDir);
    expect(files.length).toBeGreaterThan(0);
    const hits = files.flatMap((f) => canaries.filter((c) => f.text.includes(c)).map(() => f.path));
    expect(hits).toEqual([]);
    recordFigure('session', 'session-only mode', {
      scenarios: 1,
      canaries: canaries.length,
      files: files.length,
      hits: hits.length,
      liveRefused: liveRefusals(r),
    });
  }, 90_000);

  it('after a crash, the next start removes the session-only organizations the crashed session left', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-session-crash-'));
    const crashed = await noKeychain(profileDir, 'crash');
    expect(crashed.orgsDuring.value.organizations).toHaveLength(1);
    const next = await noKeychain(profileDir, 'after');
    expect(next.orgsAtStart).toEqual({ ok: true, value: { organizations: [] } });
    expect(next.activity.value.entries[0]).toMatchObject({
      action: 'org.remove',
      detail: expect.stringMatching(/session-only/),
    });
    expect(liveRefusals(crashed)).toBe(2);
    const files = filesUnder(profileDir);
    const canaries = crashed.issued as string[];
    for (const f of files) for (const c of canaries) expect(f.text).not.toContain(c);
    recordFigure('session', 'crash, then start', {
      scenarios: 1,
      canaries: canaries.length,
      files: files.length,
      hits: 0,
      liveRefused: liveRefusals(crashed),
    });
  }, 90_000);
});

describe('session-only mode with a working keychain', () => {
  let t: TestWorkspace;
  afterEach(() => t.dispose());
  it('is refused: keys belong in the keychain when there is one', async () => {
    t = await testWorkspace();
    const status = await t.call('vault.status', { recheck: true });
    expect(status).toEqual({ mode: 'keychain', sessionOffered: false, sessionKeys: 0 });
    const e = await t.callErr('vault.useSession', {});
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/keychain works/);
  });
});
