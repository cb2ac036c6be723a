import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RotationView } from '../../shared/rotation.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { RPC_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../electron/preview/host.js';
import { installedElectron } from '../../scripts/electron-binary.mjs';

/**
 * `npm run demo` as a person runs it, in real processes: with no D-Bus session (no keychain at
 * all), and with a real keyring (this file runs under scripts/with-keyring.sh) for `--keep`, a
 * SIGKILL mid-rotation and the resume, and the clean-up after a plain demo that was killed.
 * Every process is bounded and killed; each test has its own TMPDIR, so no real demo is touched.
 */
const DEMO = resolve('scripts/demo.ts');
const STACK = /^\s+at |node:internal|triggerUncaughtException|\bError: |\[Error/m;
// Where Electron is installed the demo would open it: these tests are about the browser preview.
const PREVIEW = installedElectron(resolve('.')) ? ['--preview'] : [];

interface Demo {
  proc: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, ms?: number): Promise<string>;
}
const started: Demo[] = [];
let root: string;

function demo(args: string[], env: NodeJS.ProcessEnv): Demo {
  const proc = spawn(process.execPath, ['--import', 'tsx', DEMO, ...PREVIEW, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.on('exit', (code, signal) => done({ code, signal })),
  );
  const d: Demo = {
    proc,
    out: () => out,
    err: () => err,
    exited,
    line: (pattern, ms = 90_000) =>
      new Promise((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no line matching ${pattern} within ${ms} ms:\n${out}\n${err}`)),
          ms,
        );
        const look = () => {
          const hit = out.split('\n').find((l) => pattern.test(l));
          if (hit) {
            clearTimeout(timer);
            done(hit);
          }
        };
        proc.stdout.on('data', look);
        look();
        void exited.then(({ code, signal }) => {
          look();
          clearTimeout(timer);
          fail(new Error(`demo exited (${code ?? signal}) before printing ${pattern}:\n${out}\n${err}`));
        });
      }),
  };
  started.push(d);
  return d;
}

/** The JSON line `--json` prints once the demo is ready. */
async function ready(d: Demo): Promise<Summary> {
  return JSON.parse(await d.line(/^\{/)) as Summary;
}
interface Summary {
  url: string;
  origin: string;
  runDir: string;
  profileDir: string;
  service: string;
  kept: boolean;
  resumed: boolean;
  keychain: 'keychain' | 'session' | 'none';
  unfinishedRotations: number;
  sandbox: { api: Record<string, string> };
}

async function stop(d: Demo, signal: NodeJS.Signals = 'SIGINT') {
  d.proc.kill(signal);
  return d.exited;
}

/** A WebSocket client of the preview host, as the renderer is: Origin, token subprotocol, {id, channel, input}. */
async function connect(url: string): Promise<{ call<T>(channel: string, input?: unknown): Promise<T>; close(): void }> {
  const { origin, hash } = new URL(url);
  const token = new URLSearchParams(hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, [RPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`], {
    headers: { origin },
  });
  await new Promise((done, fail) => {
    ws.once('open', done);
    ws.once('error', fail);
  });
  let id = 0;
  const waiting = new Map<
    number,
    (r: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => void
  >();
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as {
      id: number;
      result: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    };
    waiting.get(m.id)?.(m.result);
  });
  return {
    call: async <T>(channel: string, input: unknown = {}) => {
      const result = await new Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>(
        (done) => {
          waiting.set(++id, done);
          ws.send(JSON.stringify({ id, channel, input }));
        },
      );
      if (!result.ok) throw new Error(`${channel}: ${result.error?.code} ${result.error?.message}`);
      return result.value as T;
    },
    close: () => ws.close(),
  };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'keydeck-demo-test-'));
});
afterEach(async () => {
  for (const d of started.splice(0)) {
    if (d.proc.exitCode === null && d.proc.signalCode === null) {
      d.proc.kill('SIGKILL');
      await d.exited;
    }
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An environment for one demo: its own TMPDIR; no D-Bus session when `keychain` is false. */
function envFor(name: string, keychain: boolean): NodeJS.ProcessEnv {
  const tmp = join(root, name);
  mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  if (!keychain) {
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
  }
  return env;
}

describe('npm run demo with no D-Bus session (no keychain at all)', () => {
  it('starts without a stack trace, says in one line how to get a keychain, serves the preview in session-only mode with a history, and stops cleanly', async () => {
    const env = envFor('no-dbus', false);
    const d = demo([], env);
    const url = (await d.line(/^\s+http:\/\/127\.0\.0\.1:\d+\/#token=/)).trim();

    const lines = d.out().split('\n');
    const howto = lines.filter((l) => /keychain/i.test(l) && /gnome-keyring/.test(l));
    expect(howto).toHaveLength(1);
    expect(howto[0]).toMatch(/^No keychain: install gnome-keyring \(or KWallet\).*dbus-run-session/);
    expect(d.out()).toContain('Session-only mode');
    expect(d.out()).not.toMatch(STACK);
    expect(d.err()).not.toMatch(STACK);

    // The preview is reachable, and the core runs in session-only mode with the test organizations.
    const page = await fetch(new URL(url).origin);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const core = await connect(url);
    try {
      expect(await core.call('vault.status', {})).toMatchObject({ mode: 'session' });
      const { organizations } = await core.call<{
        organizations: { name: string; sessionOnly?: boolean; environments: string[] }[];
      }>('orgs.list');
      expect(organizations.map((o) => o.name).sort()).toEqual(['Acme Corp', 'Globex Support', 'Initech Payments']);
      expect(organizations.every((o) => o.sessionOnly && o.environments.join() === 'test')).toBe(true);
      // Every view has something true to show on first open: due, stale and never-used keys.
      const overview = await core.call<{ summary: { keys: number; due: number; stale: number; neverUsed: number } }>(
        'usage.overview',
        {},
      );
      expect(overview.summary.keys).toBeGreaterThan(5);
      expect(overview.summary.due).toBeGreaterThan(0);
      expect(overview.summary.stale).toBeGreaterThan(0);
      expect(overview.summary.neverUsed).toBeGreaterThan(0);
    } finally {
      core.close();
    }

    const runDirs = readdirSync(env.TMPDIR!).filter((n) => n.startsWith('keydeck-demo-'));
    expect(runDirs).toHaveLength(1);
    expect(await stop(d)).toEqual({ code: 0, signal: null });
    expect(d.out()).toMatch(/Demo stopped: 0 demo key\(s\) removed from the keychain, demo folder deleted\./);
    expect(readdirSync(env.TMPDIR!).filter((n) => n.startsWith('keydeck-demo-'))).toEqual([]);
    expect(d.out() + d.err()).not.toMatch(STACK);
  }, 120_000);

  it('--keep with no keychain says it cannot keep and runs a plain demo', async () => {
    const env = envFor('no-dbus-keep', false);
    const dir = join(root, 'no-dbus-kept');
    const d = demo(['--keep', '--dir', dir, '--json'], env);
    const summary = await ready(d);
    expect(summary).toMatchObject({ kept: false, keychain: 'session' });
    expect(d.err()).toMatch(/--keep needs the OS keychain/);
    expect(existsSync(dir)).toBe(false);
    expect(await stop(d)).toEqual({ code: 0, signal: null });
    expect(d.out() + d.err()).not.toMatch(STACK);
  }, 120_000);
});

describe('npm run demo with a keychain (scripts/with-keyring.sh)', () => {
  const kept = new KeytarSecretStore('Keydeck Demo (kept)');
  const plain = new KeytarSecretStore('Keydeck Demo');
  const accountsOf = async (store: KeytarSecretStore, orgIds: string[]) =>
    (await store.list()).filter((a) => orgIds.includes(a.account.split(':')[1] ?? ''));

  beforeAll(async () => {
    // These tests need the real keychain: run them under scripts/with-keyring.sh (npm test does).
    await expect(kept.probe(), 'no keychain: run under scripts/with-keyring.sh').resolves.toBeUndefined();
  });

  it('--keep: a demo SIGKILLed mid-rotation resumes it at the next --keep start (same sandbox, keys kept hashed), and --reset removes it', async () => {
    const env = envFor('keep', true);
    const dir = join(root, 'kept');
    const first = demo(['--keep', '--dir', dir, '--json'], env);
    const one = await ready(first);
    expect(one).toMatchObject({
      kept: true,
      resumed: false,
      keychain: 'keychain',
      service: 'Keydeck Demo (kept)',
      runDir: dir,
    });
    const printed = [...first.err().matchAll(/\b(?:live|test) (\S{20,})/g)].map((m) => m[1]!);
    expect(printed.length).toBeGreaterThan(4);

    // Start rotating Acme Corp's test admin key through the core, as the wizard does, up to deploy.
    let core = await connect(one.url);
    const { organizations } = await core.call<{ organizations: { id: string; name: string }[] }>('orgs.list');
    expect(organizations).toHaveLength(5);
    const acme = organizations.find((o) => o.name === 'Acme Corp')!;
    const { keys } = await core.call<{ keys: { heldCredentialId?: string; isAdmin: boolean }[] }>('keys.list', {
      orgId: acme.id,
      environment: 'test',
    });
    const credentialId = keys.find((k) => k.isAdmin)!.heldCredentialId!;
    const started = await core.call<RotationView>('rotation.start', {
      orgId: acme.id,
      credentialId,
      confirmLive: false,
    });
    expect(started).toMatchObject({ step: 'deploy', status: 'needs-user' });
    core.close();
    const orgIds = organizations.map((o) => o.id);
    const held = (await accountsOf(kept, orgIds)).length;
    expect(held).toBeGreaterThanOrEqual(9); // 8 admin keys + the new one

    // Killed mid-rotation: nothing runs at exit.
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const saved = readFileSync(join(dir, 'sandbox.json'), 'utf8') + readFileSync(join(dir, 'demo.json'), 'utf8');
    // The sandbox keeps keys hashed, on disk too: no secret it ever printed is in its files.
    expect(
      printed.filter((secret) => saved.includes(secret)),
      'printed secrets in the kept files',
    ).toEqual([]);
    expect(
      /(lgh|sk|lt)_(live|test)_[A-Za-z0-9]{32}|leadey_sk_live_[A-Za-z0-9]{32}/.exec(saved)?.[0],
      'a key-shaped string in the kept files',
    ).toBeUndefined();

    const second = demo(['--keep', '--dir', dir, '--json'], env);
    const two = await ready(second);
    expect(two).toMatchObject({ kept: true, resumed: true, unfinishedRotations: 1 });
    expect(two.sandbox.api).toEqual(one.sandbox.api);
    expect(second.err()).toMatch(/1 unfinished rotation\(s\) from last time/);
    expect(await accountsOf(kept, orgIds)).toHaveLength(held);

    core = await connect(two.url);
    try {
      const { rotations } = await core.call<{ rotations: RotationView[] }>('rotation.list');
      const open = rotations.find((r) => r.id === started.id)!;
      expect(open).toMatchObject({ step: 'deploy', status: 'needs-user', canCancel: true, orgName: 'Acme Corp' });
      // Resume to the end: the restored sandbox accepts the new key and refuses the old one.
      let r = await core.call<RotationView>('rotation.act', { rotationId: open.id, action: { kind: 'deployed' } });
      r = await core.call<RotationView>('rotation.act', {
        rotationId: r.id,
        action: { kind: 'confirmUse', override: false },
      });
      expect(r).toMatchObject({ status: 'done' });
    } finally {
      core.close();
    }
    expect(await stop(second)).toEqual({ code: 0, signal: null });
    expect(second.err()).toMatch(/Demo stopped\. Kept in/);
    expect(existsSync(join(dir, 'profile', 'metadata.json'))).toBe(true);
    expect(existsSync(join(dir, 'demo-run.json'))).toBe(false);

    // --reset --keep: the kept demo's keychain items and files go, and a fresh one starts.
    const third = demo(['--keep', '--reset', '--dir', dir, '--json'], env);
    expect(await ready(third)).toMatchObject({ kept: true, resumed: false, unfinishedRotations: 0 });
    expect(await accountsOf(kept, orgIds)).toEqual([]);
    expect(await stop(third)).toEqual({ code: 0, signal: null });
    const last = demo(['--reset', '--dir', dir, '--json'], env);
    await ready(last);
    expect(existsSync(dir)).toBe(false);
    expect(await stop(last)).toEqual({ code: 0, signal: null });
    for (const d of [first, second, third, last]) expect(d.out() + d.err()).not.toMatch(STACK);
  }, 240_000);

  it('a plain demo killed with SIGKILL is cleaned up by the next start: its folder and its keychain items', async () => {
    const env = envFor('plain-kill', true);
    const first = demo(['--json'], env);
    const one = await ready(first);
    expect(one).toMatchObject({ kept: false, keychain: 'keychain', service: 'Keydeck Demo' });
    expect(one.runDir.startsWith(env.TMPDIR!)).toBe(true);
    expect(JSON.parse(readFileSync(join(one.runDir, 'demo-run.json'), 'utf8'))).toMatchObject({
      pid: first.proc.pid,
      kind: 'plain',
    });
    const core = await connect(one.url);
    const orgIds = (await core.call<{ organizations: { id: string }[] }>('orgs.list')).organizations.map((o) => o.id);
    // A history from the sandbox's own dates: every view has something true to show on first open.
    const overview = await core.call<{
      rows: {
        orgName: string;
        key: { name: string };
        flags: { due: boolean; stale: boolean; neverUsed: boolean; ageDays?: number };
      }[];
      summary: { organizations: number; unlisted: number };
    }>('usage.overview', {});
    expect(overview.summary).toMatchObject({ organizations: 5, unlisted: 0 });
    const flagged = (name: string) => overview.rows.find((r) => r.key.name === name)?.flags;
    expect(flagged('Production web app')).toMatchObject({ due: true });
    expect(flagged('Nightly billing export')).toMatchObject({ due: false });
    expect(flagged('Old mobile app')).toMatchObject({ due: true, stale: true, neverUsed: false });
    expect(flagged('Webhook signer')).toMatchObject({ due: false, stale: true });
    expect(flagged('Production Key')).toMatchObject({ due: true, stale: false });
    expect(flagged('Reporting (never used)')).toMatchObject({ neverUsed: true, stale: true });
    expect(flagged('New integration')).toMatchObject({ neverUsed: true, stale: false, due: false });
    const ages = new Set(overview.rows.map((r) => r.flags.ageDays));
    expect(ages.size).toBeGreaterThan(8);
    const reminders = await core.call<{ due: number; stale: number; reminders: unknown[] }>('reminders.take', {});
    expect(reminders.due).toBeGreaterThan(2);
    expect(reminders.stale).toBeGreaterThan(1);
    expect(reminders.reminders.length).toBeGreaterThan(0);
    core.close();
    expect((await accountsOf(plain, orgIds)).length).toBeGreaterThan(0);
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(existsSync(one.runDir)).toBe(true);

    // A folder of a demo still running (a live pid) is left alone.
    const alive = join(env.TMPDIR!, 'keydeck-demo-alive');
    mkdirSync(join(alive, 'profile'), { recursive: true });
    writeFileSync(
      join(alive, 'demo-run.json'),
      JSON.stringify({
        pid: process.pid,
        host: (await import('node:os')).hostname(),
        kind: 'plain',
        service: 'Keydeck Demo',
        startedAt: new Date().toISOString(),
      }),
    );

    const second = demo(['--json'], env);
    const two = await ready(second);
    expect(existsSync(one.runDir)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(await accountsOf(plain, orgIds)).toEqual([]);
    expect(second.err()).toMatch(/Cleaned up after 1 earlier demo run\(s\) that did not stop/);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
    expect(existsSync(two.runDir)).toBe(false);
    expect(second.err()).toMatch(/Demo stopped: \d+ demo key\(s\) removed from the keychain/);
    rmSync(alive, { recursive: true, force: true });
    for (const d of [first, second]) expect(d.out() + d.err()).not.toMatch(STACK);
  }, 180_000);
});
