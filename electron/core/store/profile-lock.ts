// Long on purpose: the lock, its holder file and the takeover from a dead holder are one protocol.
import { mkdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';

/**
 * One process per profile (ARCHITECTURE rule 10). Two Keydeck processes on one profile each keep
 * their own view of `metadata.json` and overwrite each other's writes; this lock makes the second
 * one refuse to start instead. Pure Node: the app, the preview host, the demo and the tests all use it.
 *
 * On disk, in the profile folder:
 * - `keydeck.lock/`      proper-lockfile's lock (an atomic `mkdir`), its mtime refreshed every
 *                        `staleMs / 2` while the holder runs; older than `staleMs` means stale.
 * - `keydeck.lock.json`  who holds it: pid, kind, host, start time (never a secret). Lets a
 *                        second process name the holder, and lets the next start take over at once
 *                        from a holder on this host whose pid is gone (SIGKILL, power cut), instead
 *                        of waiting for the mtime to go stale.
 */

export type ProfileLockKind = 'electron' | 'preview' | 'demo' | 'node';

export interface ProfileLockOwner {
  pid: number;
  kind: ProfileLockKind;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Linux: the process's start time in clock ticks (from /proc), so a reused pid is not mistaken for the holder. */
  startTicks?: number;
  /** The lock directory's inode when this owner took it, so an owner file left from an older lock is not believed. */
  lockIno: number;
  /** Random; only the process that wrote this file removes it. */
  token: string;
}

export const LOCK_DIR = 'keydeck.lock';
export const OWNER_FILE = 'keydeck.lock.json';
const TAKEOVER_DIR = 'keydeck.lock.takeover';
/** proper-lockfile's default: a lock whose mtime has not moved for this long is stale. */
export const DEFAULT_STALE_MS = 10_000;

const KIND_LABEL: Record<ProfileLockKind, string> = {
  electron: 'the Keydeck app',
  preview: 'the Keydeck preview host',
  demo: 'the Keydeck demo',
  node: 'a Keydeck script or test',
};

/** The profile is held by another process (or by another workspace in this one). */
export class ProfileLockedError extends Error {
  readonly code = 'PROFILE_LOCKED';
  constructor(
    readonly profileDir: string,
    readonly holder: ProfileLockOwner | undefined,
    staleMs: number,
  ) {
    const who = !holder
      ? 'another Keydeck process (it is just starting, or it did not say which)'
      : holder.pid === process.pid && holder.host === hostname()
        ? `this same process (pid ${holder.pid}, ${KIND_LABEL[holder.kind] ?? holder.kind}): the profile is already open here`
        : `another Keydeck process: ${KIND_LABEL[holder.kind] ?? holder.kind}, pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}, since ${holder.since}`;
    super(
      `Keydeck's profile folder ${profileDir} is in use by ${who}. Only one Keydeck process may use a profile at a time, ` +
        'or changes are lost. Quit the other one (or use another profile folder) and try again. ' +
        `If it crashed, the lock frees itself: at once on the same computer, within ${Math.round(staleMs / 1000)} s otherwise.`,
    );
    this.name = 'ProfileLockedError';
  }
}

/** The lock was lost while held (its directory removed or taken over): the holder must stop writing. */
export class ProfileLockCompromisedError extends Error {
  readonly code = 'PROFILE_LOCK_COMPROMISED';
  constructor(
    readonly profileDir: string,
    cause?: unknown,
  ) {
    super(
      `Keydeck lost its lock on the profile folder ${profileDir} (another process removed or took it). ` +
        'To avoid losing changes it stopped saving; quit Keydeck and start it again.',
      { cause },
    );
    this.name = 'ProfileLockCompromisedError';
  }
}

export interface ProfileLockOptions {
  kind: ProfileLockKind;
  staleMs?: number;
  /** Called once if the lock is lost while held. Never throws from a timer, unlike proper-lockfile's default. */
  onCompromised?: (error: ProfileLockCompromisedError) => void;
}

export type ProfileLockState = 'held' | 'borrowed' | 'released' | 'compromised';

export interface ProfileLock {
  /** The profile folder, its real path. */
  readonly profileDir: string;
  readonly owner: ProfileLockOwner;
  readonly state: ProfileLockState;
  /** Idempotent. A borrowed lock is the parent's: releasing it does nothing. */
  release(): void;
}

/** Owner files to remove when the process exits (one listener, however many profiles are held). */
const exitHooks = new Set<() => void>();
process.on('exit', () => {
  for (const hook of exitHooks) {
    try {
      hook();
    } catch {
      // exiting anyway
    }
  }
});

/** Linux only: a process's start time (field 22 of /proc/<pid>/stat), and whether it is a zombie. */
function procStat(pid: number): { startTicks: number; zombie: boolean } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { zombie: fields[0] === 'Z' || fields[0] === 'X', startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** True only when `owner` is on this host and its process is certainly gone (or its pid now belongs to another process). */
function ownerIsGone(owner: ProfileLockOwner): boolean {
  if (owner.host !== hostname() || !Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: alive, another user's. Only ESRCH proves it gone.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = procStat(owner.pid);
  if (!stat) return false;
  return stat.zombie || (owner.startTicks !== undefined && stat.startTicks !== owner.startTicks);
}

function readOwner(dir: string): ProfileLockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as ProfileLockOwner;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function lockIno(dir: string): number | undefined {
  try {
    return statSync(join(dir, LOCK_DIR)).ino;
  } catch {
    return undefined;
  }
}

/** The owner file describes the lock directory that exists now, and its process is gone. */
function heldByTheDead(dir: string): boolean {
  const owner = readOwner(dir);
  return owner !== undefined && owner.lockIno === lockIno(dir) && ownerIsGone(owner);
}

/**
 * Runs `fn` while holding a short takeover mutex (its own `mkdir`), so two starting processes never
 * both remove a dead holder's lock and then one another's. Returns false if another process is
 * taking over right now (a mutex older than 5 s is itself left by a crash and removed).
 */
function withTakeoverMutex(dir: string, fn: () => void): boolean {
  const path = join(dir, TAKEOVER_DIR);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(path).mtimeMs < 5_000) return false;
        rmdirSync(path);
      } catch {
        // gone meanwhile: try again
      }
      continue;
    }
    try {
      fn();
      return true;
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return false;
}

/**
 * Takes the profile's lock, or throws ProfileLockedError naming the holder. Synchronous, so it runs
 * before anything reads or writes the profile. Creates the folder (0700) if needed.
 */
export function acquireProfileLock(profileDir: string, options: ProfileLockOptions): ProfileLock {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const dir = realpathSync(profileDir);
  const staleMs = Math.max(options.staleMs ?? DEFAULT_STALE_MS, 2_000);
  let state: ProfileLockState = 'held';
  let release: (() => void) | undefined;
  // Set by take(); the assertion keeps TypeScript from narrowing it to undefined across the closures.
  let owner = undefined as ProfileLockOwner | undefined;

  const compromised = (cause: unknown) => {
    if (state !== 'held') return;
    state = 'compromised';
    removeExitHook();
    options.onCompromised?.(new ProfileLockCompromisedError(dir, cause));
  };

  const take = () => {
    // proper-lockfile: mkdir, or remove a lock whose mtime is older than `stale` and mkdir.
    release = lockfile.lockSync(dir, {
      lockfilePath: join(dir, LOCK_DIR),
      stale: staleMs,
      realpath: false,
      onCompromised: compromised,
    });
    const stat = procStat(process.pid);
    owner = {
      pid: process.pid,
      kind: options.kind,
      host: hostname(),
      since: new Date().toISOString(),
      ...(stat ? { startTicks: stat.startTicks } : {}),
      lockIno: lockIno(dir) ?? -1,
      token: randomBytes(16).toString('hex'),
    };
    const temp = join(dir, `${OWNER_FILE}.${process.pid}.tmp`);
    try {
      writeFileSync(temp, JSON.stringify(owner), { mode: 0o600 });
      renameSync(temp, join(dir, OWNER_FILE));
    } catch (error) {
      // A lock nobody can name is worse than none: give it back and fail the start.
      owner = undefined;
      rmSync(temp, { force: true });
      release?.();
      throw error;
    }
  };

  const removeOwnerFile = () => {
    if (owner && readOwner(dir)?.token === owner.token) rmSync(join(dir, OWNER_FILE), { force: true });
  };
  // proper-lockfile removes its directory on exit; the owner file goes with it.
  const removeExitHook = () => exitHooks.delete(removeOwnerFile);

  try {
    take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    // Held. If its holder is a dead process on this host, take over now rather than after `stale`.
    if (heldByTheDead(dir)) {
      withTakeoverMutex(dir, () => {
        if (!heldByTheDead(dir)) return;
        rmSync(join(dir, OWNER_FILE), { force: true });
        try {
          rmdirSync(join(dir, LOCK_DIR));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
        try {
          take();
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
        }
      });
    }
  }
  if (!owner) throw new ProfileLockedError(dir, readOwner(dir), staleMs);
  exitHooks.add(removeOwnerFile);
  const held = owner;

  return {
    profileDir: dir,
    owner: held,
    get state() {
      return state;
    },
    release() {
      if (state !== 'held') {
        if (state === 'compromised') state = 'released';
        return;
      }
      state = 'released';
      removeExitHook();
      removeOwnerFile();
      try {
        release?.();
      } catch {
        // already gone: nothing to release
      }
    },
  };
}

/**
 * Test helpers only (a crash-test child): run under the lock the *parent* process holds on this
 * profile, while the parent waits for the child. Refused unless the holder is this process's
 * direct parent on this host and its lock is the one that exists now; never takes or frees anything.
 */
export function borrowParentProfileLock(profileDir: string): ProfileLock {
  const dir = realpathSync(profileDir);
  const owner = readOwner(dir);
  if (!owner || owner.pid !== process.ppid || owner.host !== hostname() || owner.lockIno !== lockIno(dir)) {
    throw new ProfileLockedError(dir, owner, DEFAULT_STALE_MS);
  }
  return {
    profileDir: dir,
    owner,
    state: 'borrowed',
    release() {},
  };
}
