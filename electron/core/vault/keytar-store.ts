// Long on purpose: the keychain adapter and the helper process it falls back to (whose source it carries) must change together.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { KeydeckFailure } from '../../../shared/errors.js';
import {
  platformSecretServiceReader,
  type DefaultCollectionState,
  type SecretServiceReader,
} from './secret-service-bus.js';
import { keychainFailure, lockedFailure, PROBE_ACCOUNT, type SecretStore } from './secret-store.js';

import type * as KeytarModule from 'keytar';

type Keytar = typeof KeytarModule;

/** Default bound on one keychain call. A Secret Service that never answers must not hang Keydeck. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 10_000;
/** Longest a lock-state question over D-Bus may take (within the call's own bound) before it counts as unknown. */
const LOCK_CHECK_MS = 2_000;
/**
 * Whether this executable can run the helper as plain Node. Not in the Electron app: its RunAsNode
 * fuse is off (electron-builder.yml), so `ELECTRON_RUN_AS_NODE` would start a second Keydeck instead.
 * There a daemon restart still needs a Keydeck restart. Node (the preview host, the demo, the tests)
 * has the helper.
 */
const HELPER_ALLOWED = !process.versions.electron;

/** A helper process with nothing to do ends after this long; the next call starts another. */
const HELPER_IDLE_MS = 30_000;

let keytarModule: Promise<Keytar> | undefined;
/** keytar is loaded on first use so a missing native module or libsecret becomes KEYCHAIN_UNAVAILABLE, not a crash at start. */
function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
  return keytarModule;
}

type Request =
  | { op: 'get'; account: string }
  | { op: 'set'; account: string; secret: string }
  | { op: 'delete'; account: string }
  | { op: 'list' };

function inProcess(k: Keytar, service: string, r: Request): Promise<unknown> {
  switch (r.op) {
    case 'get':
      return k.getPassword(service, r.account);
    case 'set':
      return k.setPassword(service, r.account, r.secret);
    case 'delete':
      return k.deletePassword(service, r.account);
    case 'list':
      return k.findCredentials(service);
  }
}

/**
 * Why keychain calls sometimes run in a helper process:
 *
 * 1. libsecret keeps, for the life of the process, the D-Bus proxy of the Secret Service daemon it
 *    reached first (bound to that daemon's unique bus name) and keytar cannot drop it. Once that
 *    daemon goes away (restarted, crashed, replaced by `gnome-keyring-daemon --replace`), every call
 *    in this process fails ("The name :1.4 was not provided by any .service files", "The session
 *    wrapping the secret does not exist") even after a new daemon is up. A new process connects
 *    afresh. So a call that fails that way is tried once more in a fresh helper; if the helper
 *    succeeds, this process's keytar is stale for good and every later call goes to the helper.
 * 2. keytar's findCredentials dereferences a null secret for an item in a locked collection and
 *    kills its process with SIGSEGV. list() always runs in the helper, so that costs the helper.
 *
 * The helper is this same executable as plain Node (`ELECTRON_RUN_AS_NODE=1`: in Electron's main
 * process `process.execPath` is Electron) running the script below, given keytar's path on argv.
 * Requests and answers, secrets included, travel only as JSON lines over its stdin and stdout:
 * never argv, env or a file. It ends when its stdin closes (Keydeck quit or it sat idle).
 */
const HELPER_SOURCE = `'use strict';
let keytar, loadError;
try { keytar = require(process.argv[1]); } catch (e) { loadError = e; }
const ops = {
  get: (r) => keytar.getPassword(r.service, r.account),
  set: (r) => keytar.setPassword(r.service, r.account, r.secret).then(() => null),
  delete: (r) => keytar.deletePassword(r.service, r.account),
  list: (r) => keytar.findCredentials(r.service),
};
const answer = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let i = buffered.indexOf('\\n'); i >= 0; i = buffered.indexOf('\\n')) {
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    let r;
    try { r = JSON.parse(line); } catch { continue; }
    Promise.resolve()
      .then(() => { if (loadError) throw loadError; return ops[r.op](r); })
      .then((value) => answer({ id: r.id, ok: true, value: value === undefined ? null : value }),
            (e) => answer({ id: r.id, ok: false, message: String((e && e.message) || e) }));
  }
});
process.stdin.on('end', () => process.exit(0));
`;

/** The keychain's own answer, as the helper got it (not a failure to run the helper). */
class HelperAnswer extends Error {}

/** The helper process ended before answering: a crash (signal) or an exit. */
class HelperStopped extends Error {
  constructor(
    readonly signal: NodeJS.Signals | null,
    readonly exitCode: number | null,
  ) {
    super(`The keychain helper process stopped (${signal ?? `exit code ${exitCode}`}).`);
  }
}

function timeoutFailure(ms: number): KeydeckFailure {
  return new KeydeckFailure({
    code: 'KEYCHAIN_TIMEOUT',
    message: `The OS keychain did not answer within ${ms / 1000} s. It may be waiting for an unlock prompt; unlock it and try again.`,
  });
}

class KeychainHelper {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private lastId = 0;
  private buffered = '';
  private idle: NodeJS.Timeout | undefined;
  stopped: Error | undefined;
  private retired = false;

  constructor(readonly serial: number) {
    const keytarPath = createRequire(import.meta.url).resolve('keytar');
    this.child = spawn(process.execPath, ['-e', HELPER_SOURCE, keytarPath], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    const stdout = this.child.stdout as Socket;
    const stdin = this.child.stdin as Socket;
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => this.receive(chunk));
    stdin.on('error', () => undefined);
    this.child.on('error', (e) => this.stop(e));
    this.child.on('exit', (code, signal) => this.stop(new HelperStopped(signal, code)));
    // An idle helper never keeps Keydeck (or a test run) alive; a pending request's timer does.
    this.child.unref();
    stdout.unref();
    stdin.unref();
  }

  request(service: string, r: Request, deadline: number, timeoutMs: number): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    clearTimeout(this.idle);
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiting.delete(id);
          reject(timeoutFailure(timeoutMs));
          // A hung call holds the helper: end it, the next call starts another.
          this.kill();
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiting.set(id, { resolve, reject, timer });
      (this.child.stdin as Socket).write(`${JSON.stringify({ id, service, ...r })}\n`);
    });
  }

  /** No new requests; ends once nothing is waiting. */
  retire(): void {
    this.retired = true;
    if (this.waiting.size === 0) (this.child.stdin as Socket).end();
  }

  kill(): void {
    if (!this.stopped) this.child.kill('SIGKILL');
    this.stop(new HelperStopped('SIGKILL', null));
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    for (let i = this.buffered.indexOf('\n'); i >= 0; i = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, i);
      this.buffered = this.buffered.slice(i + 1);
      let m: { id?: number; ok?: boolean; value?: unknown; message?: string };
      try {
        m = JSON.parse(line) as typeof m;
      } catch {
        continue;
      }
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w || m.id === undefined) continue;
      this.waiting.delete(m.id);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m.value ?? null);
      else w.reject(new HelperAnswer(m.message ?? 'keychain helper error'));
    }
    if (this.waiting.size === 0 && this.retired) (this.child.stdin as Socket).end();
    else if (this.waiting.size === 0) {
      clearTimeout(this.idle);
      this.idle = setTimeout(() => (this.child.stdin as Socket).end(), HELPER_IDLE_MS);
      this.idle.unref();
    }
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    clearTimeout(this.idle);
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiting.clear();
  }
}

/** libsecret in this process lost its Secret Service for good (see above): every call goes to the helper. */
let inProcessStale = false;
let helper: KeychainHelper | undefined;
let helpersStarted = 0;

function liveHelper(): KeychainHelper {
  if (!helper || helper.stopped) helper = new KeychainHelper(++helpersStarted);
  return helper;
}

/**
 * A helper started after `since` (a count of helpers started) and other than `stale`: the current
 * one if it qualifies, else a new one. Many calls failing at once so share one new helper, and the
 * old one is retired (it ends once its last answer is out), never killed under other calls.
 */
function freshHelper(since: number, stale?: KeychainHelper): KeychainHelper {
  if (helper && !helper.stopped && helper !== stale && helper.serial > since) return helper;
  helper?.retire();
  helper = new KeychainHelper(++helpersStarted);
  return helper;
}

/** For tests: whether this process's own keytar has been given up for the helper. */
export function keytarInProcessIsStale(): boolean {
  return inProcessStale;
}

/** A failure a fresh connection may cure: not a locked keychain, not a timeout, not a crash. */
function curable(error: unknown): boolean {
  if (error instanceof HelperStopped && error.signal) return false;
  const code = keychainFailure(error).error.code;
  return code === 'KEYCHAIN_ERROR' || code === 'KEYCHAIN_UNAVAILABLE';
}

export interface KeytarStoreOptions {
  /**
   * Reads the Secret Service's lock state over D-Bus (never prompts). Default: the D-Bus reader on
   * Linux and the BSDs, none on macOS and Windows. `null` turns lock checks off (a test of the
   * helper's crash isolation).
   */
  secretService?: SecretServiceReader | null;
}

/**
 * The OS keychain through keytar (libsecret on Linux, Keychain on macOS, Credential Manager on
 * Windows). Every call is bounded by a timeout and serialised per account, so concurrent writes to
 * one account apply in order and none is lost.
 *
 * It tells the truth about a locked keychain: libsecret answers "not found" for an item in a locked
 * collection (after an unlock prompt that was dismissed or could not show), so a null from get and
 * a false from delete are checked with the Secret Service (SearchItems over D-Bus, which sorts
 * matches into unlocked and locked without a prompt) and become KEYCHAIN_LOCKED when the item is
 * there but locked.
 */
export class KeytarSecretStore implements SecretStore {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly bus: SecretServiceReader | undefined;

  constructor(
    readonly service: string,
    private readonly timeoutMs = DEFAULT_KEYCHAIN_TIMEOUT_MS,
    options: KeytarStoreOptions = {},
  ) {
    this.bus =
      options.secretService === undefined ? platformSecretServiceReader() : (options.secretService ?? undefined);
  }

  get(account: string): Promise<string | null> {
    return this.run(account, async (deadline) => {
      const value = (await this.keytar({ op: 'get', account }, deadline)) as string | null;
      if (value === null && (await this.leftBehind(account, deadline)) === 'locked') throw lockedFailure();
      return value;
    });
  }

  set(account: string, secret: string): Promise<void> {
    return this.run(account, async (deadline) => {
      await this.keytar({ op: 'set', account, secret }, deadline);
    });
  }

  /** True when deleted; false only when the keychain holds no such item. Locked or unreachable: throws. */
  delete(account: string): Promise<boolean> {
    return this.run(account, async (deadline) => {
      if ((await this.keytar({ op: 'delete', account }, deadline)) === true) return true;
      const left = await this.leftBehind(account, deadline);
      if (left === 'locked') throw lockedFailure();
      if (left === 'unlocked') {
        throw new KeydeckFailure({
          code: 'KEYCHAIN_ERROR',
          message: 'The OS keychain did not delete the key. Try again; if it keeps failing, check your keyring app.',
        });
      }
      return false;
    });
  }

  /**
   * Every account of the service (recovery mode only). Bounded like every other call. Refused with
   * KEYCHAIN_LOCKED when any of them is in a locked collection, and run in the helper process, so a
   * crash of keytar's findCredentials (see above) never takes Keydeck down.
   */
  list(): Promise<{ account: string; secret: string }[]> {
    return this.within(async (deadline) => {
      if ((await this.matching({}, deadline))?.locked.length) throw lockedFailure();
      let found: unknown;
      try {
        found = await this.viaHelper({ op: 'list' }, deadline);
      } catch (error) {
        if (!(error instanceof HelperStopped && error.signal)) throw error;
        if ((await this.matching({}, deadline))?.locked.length) throw lockedFailure(error);
        throw new KeydeckFailure(
          {
            code: 'KEYCHAIN_ERROR',
            message:
              'Reading the keychain failed (its reader process crashed). Check your keyring app, then try again.',
          },
          { cause: error },
        );
      }
      if (!Array.isArray(found))
        throw new KeydeckFailure({
          code: 'KEYCHAIN_ERROR',
          message: 'The keychain gave an answer Keydeck cannot read.',
        });
      return (found as { account: string; password: string }[]).map((x) => ({
        account: x.account,
        secret: x.password,
      }));
    });
  }

  /**
   * Is the keychain usable now? Reads the default collection's `Locked` property over D-Bus, which
   * never prompts, then asks keytar for PROBE_ACCOUNT, which holds nothing, so that read never
   * prompts either (libsecret asks to unlock only for an item it found locked). No probe item is
   * written: libsecret's store asks the Secret Service to unlock a locked collection first, which
   * is a prompt on a desktop. Where the lock state cannot be read, keytar's answer stands.
   */
  probe(): Promise<void> {
    return this.within(async (deadline) => {
      const before = await this.lockState(deadline);
      if (before === 'locked') throw lockedFailure();
      await this.keytar({ op: 'get', account: PROBE_ACCOUNT }, deadline);
      // keytar may have started the daemon itself (D-Bus activation), with its keyring locked.
      if (before === 'no-service' && (await this.lockState(deadline)) === 'locked') throw lockedFailure();
    });
  }

  private lockState(deadline: number): Promise<DefaultCollectionState | undefined> {
    if (!this.bus) return Promise.resolve(undefined);
    return this.bus.defaultCollectionState(Math.min(LOCK_CHECK_MS, deadline - Date.now()));
  }

  /**
   * After keytar answered "no such item": is there one after all, and is it locked? Asks the Secret
   * Service (SearchItems, no prompt). Undefined where that cannot be read (macOS, Windows, a bus this
   * reader cannot reach): keytar's answer then stands.
   */
  private async leftBehind(account: string, deadline: number): Promise<'locked' | 'unlocked' | 'none' | undefined> {
    const found = await this.matching({ account }, deadline);
    if (!found) return undefined;
    return found.locked.length ? 'locked' : found.unlocked.length ? 'unlocked' : 'none';
  }

  private async matching(attributes: Record<string, string>, deadline: number) {
    if (!this.bus) return undefined;
    return this.bus.search({ service: this.service, ...attributes }, Math.min(LOCK_CHECK_MS, deadline - Date.now()));
  }

  /** One keytar call: in this process while its libsecret works, else (see above) in the helper. */
  private async keytar(r: Request, deadline: number): Promise<unknown> {
    if (inProcessStale) return this.viaHelper(r, deadline);
    const since = helpersStarted;
    try {
      return await inProcess(await loadKeytar(), this.service, r);
    } catch (error) {
      if (!curable(error) || !HELPER_ALLOWED) throw error;
      let value: unknown;
      try {
        value = await freshHelper(since).request(this.service, r, deadline, this.timeoutMs);
      } catch (helperError) {
        // The keychain's answer to a fresh connection is the truth about it now (e.g. "no Secret
        // Service" while a daemon is down); a helper that could not run leaves this process's answer.
        throw helperError instanceof HelperAnswer || helperError instanceof KeydeckFailure ? helperError : error;
      }
      inProcessStale = true;
      return value;
    }
  }

  private async viaHelper(r: Request, deadline: number): Promise<unknown> {
    // No helper where this executable cannot run as plain Node: the call runs here (list() has
    // already refused a locked keychain, the case that crashes findCredentials).
    if (!HELPER_ALLOWED) return inProcess(await loadKeytar(), this.service, r);
    const used = liveHelper();
    try {
      return await used.request(this.service, r, deadline, this.timeoutMs);
    } catch (error) {
      // The helper's own connection went stale (the daemon restarted again): one more, fresh.
      if (!curable(error)) throw error;
      return freshHelper(used.serial - 1, used).request(this.service, r, deadline, this.timeoutMs);
    }
  }

  private run<T>(account: string, op: (deadline: number) => Promise<T>): Promise<T> {
    const previous = this.queues.get(account) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.within(op));
    this.queues.set(account, next);
    void next
      .finally(() => {
        if (this.queues.get(account) === next) this.queues.delete(account);
      })
      .catch(() => undefined);
    return next;
  }

  /** Runs `op` within the timeout (one deadline for everything it does) and types its failure. */
  private async within<T>(op: (deadline: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutFailure(this.timeoutMs)), this.timeoutMs);
    });
    const work = op(deadline);
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      throw keychainFailure(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
