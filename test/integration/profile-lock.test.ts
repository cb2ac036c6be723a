import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { MemoryClipboard } from '../../electron/core/ports.js';
import {
  acquireProfileLock,
  borrowParentProfileLock,
  LOCK_DIR,
  OWNER_FILE,
  ProfileLockedError,
  type ProfileLock,
  type ProfileLockCompromisedError,
} from '../../electron/core/store/profile-lock.js';
import { MemorySecretStore } from '../../electron/core/vault/memory-store.js';

const child = resolve('test/integration/helpers/profile-lock-child.ts');
const cli = resolve('electron/preview/cli.ts');

interface Running {
  proc: ChildProcessWithoutNullStreams;
  /** The first JSON line the process printed. */
  first: Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}
const running: Running[] = [];

/** Starts a process (tsx as a loader: one process, so its pid is the holder's pid). */
function start(args: string[]): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.on('exit', (code, signal) => done({ code, signal })),
  );
  const first = new Promise<Record<string, unknown>>((done, fail) => {
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) done(JSON.parse(line) as Record<string, unknown>);
    });
    void exited.then(({ code, signal }) =>
      fail(new Error(`exited (${code ?? signal}) before printing: ${stderr.slice(-2000)}`)),
    );
  });
  first.catch(() => undefined);
  const r = { proc, first, exited, stderr: () => stderr };
  running.push(r);
  return r;
}

const holder = (profileDir: string, staleMs?: number) =>
  start([child, profileDir, ...(staleMs ? [String(staleMs)] : [])]);

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.proc.exitCode === null && r.proc.signalCode === null) {
      r.proc.kill('SIGKILL');
      await r.exited;
    }
  }
});

describe('one Keydeck process per profile (real processes)', () => {
  it('refuses a second process while the first runs, then lets a new one in after a clean exit and right after a SIGKILL', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-lock-'));
    // A long stale time: the takeover after SIGKILL must come from the dead pid, not from the lock's age.
    const first = holder(profileDir, 120_000);
    expect(await first.first).toMatchObject({ ready: true, pid: first.proc.pid });

    const second = holder(profileDir, 120_000);
    const refused = (await second.first).refused as {
      code: string;
      message: string;
      profileDir: string;
      holder: { pid: number; kind: string };
    };
    expect(await second.exited).toEqual({ code: 3, signal: null });
    expect(refused.code).toBe('PROFILE_LOCKED');
    expect(refused.holder).toMatchObject({ pid: first.proc.pid, kind: 'node' });
    // The message says which folder, who holds it and what to do.
    expect(refused.message).toContain(refused.profileDir);
    expect(refused.message).toContain(`pid ${first.proc.pid}`);
    expect(refused.message).toMatch(/another Keydeck process/);
    expect(refused.message).toMatch(/Quit the other one/);

    // A clean exit frees the profile: lock and owner file are gone.
    first.proc.stdin.write('exit\n');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(profileDir, LOCK_DIR))).toBe(false);
    expect(existsSync(join(profileDir, OWNER_FILE))).toBe(false);
    const third = holder(profileDir, 120_000);
    expect(await third.first).toMatchObject({ ready: true, pid: third.proc.pid });

    // SIGKILL leaves the lock behind; the next process sees its holder's pid is gone and takes over at once.
    third.proc.kill('SIGKILL');
    expect((await third.exited).signal).toBe('SIGKILL');
    expect(existsSync(join(profileDir, LOCK_DIR))).toBe(true);
    const started = Date.now();
    const fourth = holder(profileDir, 120_000);
    expect(await fourth.first).toMatchObject({ ready: true, pid: fourth.proc.pid });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(JSON.parse(readFileSync(join(profileDir, OWNER_FILE), 'utf8'))).toMatchObject({
      pid: fourth.proc.pid,
      kind: 'node',
    });
    // And it is exclusive again.
    const fifth = holder(profileDir, 120_000);
    expect(((await fifth.first).refused as { holder: { pid: number } }).holder.pid).toBe(fourth.proc.pid);
  }, 60_000);

  it('two preview hosts on one --profile: the second exits 3 and says who holds it', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-lock-preview-'));
    const args = [cli, '--profile', profileDir, '--json', '--service', `Keydeck Lock Preview ${process.pid}`];
    const first = start(args);
    expect(await first.first).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/#token=/) });
    const second = start(args);
    const answer = (await second.first) as {
      error: { code: string; message: string; holder: { pid: number; kind: string } };
    };
    expect(await second.exited).toEqual({ code: 3, signal: null });
    expect(answer.error).toMatchObject({ code: 'PROFILE_LOCKED', holder: { pid: first.proc.pid, kind: 'preview' } });
    expect(answer.error.message).toMatch(/preview host, pid \d+/);
    expect(second.stderr()).toContain('is in use by another Keydeck process');
    // Ctrl+C / SIGTERM on the first frees the profile for the next one.
    first.proc.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const third = start(args);
    expect(await third.first).toMatchObject({ url: expect.any(String) });
    third.proc.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 60_000);
});

describe('one workspace per profile in one process', () => {
  const open = (profileDir: string, staleMs?: number) =>
    createNodeWorkspace({
      profileDir,
      keychainService: 'Keydeck Lock (unused)',
      transport: 'preview',
      version: 'test',
      secrets: new MemorySecretStore(),
      clipboard: new MemoryClipboard(),
      profileLockStaleMs: staleMs,
    });

  it('refuses a second createNodeWorkspace on the same profile, refuses writes after dispose, and frees it', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-lock-same-'));
    const a = open(profileDir);
    let caught: unknown;
    try {
      open(profileDir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProfileLockedError);
    expect((caught as ProfileLockedError).message).toMatch(/this same process/);
    // A path that names the same folder another way is the same profile.
    expect(() => open(join(profileDir, '.', '..', profileDir.split('/').pop() ?? ''))).toThrow(ProfileLockedError);

    await a.meta.update((doc) => {
      doc.settings.reminders = false;
    });
    await a.dispose();
    await expect(a.meta.update(() => undefined)).rejects.toMatchObject({ error: { code: 'STORE_ERROR' } });
    // Reads still work after dispose; a second dispose is harmless.
    expect(a.meta.read().settings.reminders).toBe(false);
    await a.dispose();

    const b = open(profileDir);
    expect(b.meta.read().settings.reminders).toBe(false);
    await b.dispose();
  });

  it('a lost lock (its folder removed under it) makes the metadata store refuse writes with STORE_ERROR', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-lock-lost-'));
    // Stale 2 s: proper-lockfile checks the lock every second.
    const ws = open(profileDir, 2_000);
    await ws.meta.update((doc) => {
      doc.settings.reminders = false;
    });
    rmdirSync(join(profileDir, LOCK_DIR));
    await vi.waitFor(() => expect(ws.profileLock.state).toBe('compromised'), { timeout: 10_000, interval: 100 });
    const refused = await ws.meta.update(() => undefined).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      error: { code: 'STORE_ERROR', message: expect.stringMatching(/lost its lock on the profile folder/) },
    });
    expect(ws.meta.read().settings.reminders).toBe(false);
    await ws.dispose();
  });

  it('acquireProfileLock reports a lost lock once, through onCompromised, never by throwing from a timer', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-lock-raw-'));
    const lost = new Promise<ProfileLockCompromisedError>((done) => {
      const lock: ProfileLock = acquireProfileLock(profileDir, { kind: 'node', staleMs: 2_000, onCompromised: done });
      rmdirSync(join(lock.profileDir, LOCK_DIR));
    });
    const error = await lost;
    expect(error.code).toBe('PROFILE_LOCK_COMPROMISED');
    expect(error.message).toContain(profileDir.split('/').pop());
  });

  it("a child may borrow only its own parent's lock", () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-lock-borrow-'));
    const lock = acquireProfileLock(profileDir, { kind: 'node' });
    try {
      // This process holds it, but is not its own parent.
      expect(() => borrowParentProfileLock(profileDir)).toThrow(ProfileLockedError);
    } finally {
      lock.release();
    }
    expect(() => borrowParentProfileLock(profileDir)).toThrow(ProfileLockedError);
  });
});
