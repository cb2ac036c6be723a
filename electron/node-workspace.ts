import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient, type HttpClientOptions } from './core/http/client.js';
import { type Logger } from './core/log.js';
import { rotatingFileLogger } from './core/log-file.js';
import { MemoryClipboard, systemClock, type Clipboard, type Clock } from './core/ports.js';
import { confBackend } from './core/store/conf-backend.js';
import { KeyCache } from './core/store/key-cache.js';
import { MetaStore } from './core/store/meta-store.js';
import { acquireProfileLock, type ProfileLock, type ProfileLockKind } from './core/store/profile-lock.js';
import { KeytarSecretStore } from './core/vault/keytar-store.js';
import type { SecretStore } from './core/vault/secret-store.js';
import type { CoreDeps } from './core/context.js';
import type { Boundary } from './core/rotation/engine.js';
import { createWorkspace } from './core/workspace.js';

export interface NodeWorkspaceOptions {
  /** Folder for the metadata file and logs. */
  profileDir: string;
  /** Keychain service name (`Keydeck`, `Keydeck Demo`, or a unique one per test). */
  keychainService: string;
  transport: 'electron' | 'preview';
  version: string;
  demo?: boolean;
  http?: HttpClientOptions;
  secrets?: SecretStore;
  clipboard?: Clipboard;
  clock?: Clock;
  logger?: Logger;
  keychainTimeoutMs?: number;
  clipboardClearMs?: number;
  baseUrlOverrides?: CoreDeps['baseUrlOverrides'];
  dashboardUrlOverrides?: CoreDeps['dashboardUrlOverrides'];
  /** Tests: told when a call answers an error code its contract entry does not declare. */
  onUndeclaredError?: CoreDeps['onUndeclaredError'];
  /** Crash tests only: called at every rotation step boundary. */
  boundary?: Boundary;
  /** Who takes the profile lock, for the message a second process shows (default `node`: a script or test). */
  lockKind?: ProfileLockKind;
  /**
   * A lock the caller already holds (or borrowed from its parent, in crash-test children). The
   * workspace then does not take one, and does not release it on dispose.
   */
  profileLock?: ProfileLock;
  /** How long a lock whose holder stopped refreshing it stays in force (default 10 s; tests shorten it). */
  profileLockStaleMs?: number;
}

/**
 * A file logger in `<profile>/logs/` (a file a day, `keydeck-YYYY-MM-DD.log`, 14 kept, written
 * asynchronously; core/log-file.ts); every line is redacted before it is written.
 */
export function fileLogger(profileDir: string): Logger & { flush(): Promise<void> } {
  return rotatingFileLogger({ dir: join(profileDir, 'logs') });
}

/**
 * The core wired for Node: keytar keychain, `conf` metadata, undici HTTP. Used by the preview host,
 * the tests and any CLI; the Electron app wires the same core with electron-store and Electron's clipboard.
 */
export function createNodeWorkspace(options: NodeWorkspaceOptions) {
  mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? fileLogger(options.profileDir);
  // Built lazily: nothing is read before the lock is taken.
  const meta = new MetaStore(confBackend(options.profileDir));
  // `<profile>/key-cache/`: a small file per organization-environment, read when first needed.
  const cache = KeyCache.inProfile(options.profileDir);
  // One process per profile: taken before anything reads or writes it; throws ProfileLockedError.
  const ownLock = options.profileLock === undefined;
  const lock =
    options.profileLock ??
    acquireProfileLock(options.profileDir, {
      kind: options.lockKind ?? 'node',
      staleMs: options.profileLockStaleMs,
      onCompromised: (error) => {
        meta.refuseWrites(error.message);
        cache.refuseWrites(error.message);
        logger.log('error', 'profile.lock.lost', { error });
      },
    });
  let workspace: ReturnType<typeof createWorkspace>;
  try {
    workspace = createWorkspace(
      {
        secrets: options.secrets ?? new KeytarSecretStore(options.keychainService, options.keychainTimeoutMs),
        meta,
        http: new HttpClient(options.http),
        clipboard: options.clipboard ?? new MemoryClipboard(),
        clock: options.clock ?? systemClock,
        logger,
        transport: options.transport,
        version: options.version,
        demo: options.demo ?? false,
        clipboardClearMs: options.clipboardClearMs,
        cache,
        onUndeclaredError: options.onUndeclaredError,
        baseUrlOverrides: options.baseUrlOverrides,
        dashboardUrlOverrides: options.dashboardUrlOverrides,
      },
      { boundary: options.boundary },
    );
  } catch (error) {
    if (ownLock) lock.release();
    throw error;
  }
  const closeWorkspace = workspace.dispose;
  return Object.assign(workspace, {
    meta,
    profileLock: lock,
    /** Clears the clipboard and session keys, then frees the profile for the next process; writes are refused after. */
    async dispose(): Promise<void> {
      try {
        await closeWorkspace();
      } finally {
        if (ownLock && lock.state !== 'released') {
          meta.refuseWrites(
            `This Keydeck workspace was closed; its profile folder ${lock.profileDir} is no longer locked by it.`,
          );
          cache.refuseWrites('closed');
          lock.release();
        }
      }
    },
  });
}
