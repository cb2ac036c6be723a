import type { Environment } from '../../../shared/domain.js';
import { fail, KeydeckFailure, type KeydeckError } from '../../../shared/errors.js';
import type { VaultStatus } from '../../../shared/storage.js';
import { keychainFailure, PROBE_ACCOUNT, type SecretStore } from './secret-store.js';

export { PROBE_ACCOUNT };

/** The environment an account name (`<provider>:<orgId>:<environment>:<credentialId>`) is filed under. */
export function environmentOf(account: string): Environment | undefined {
  const env = account.split(':')[2];
  return env === 'live' || env === 'test' ? env : undefined;
}

export const LIVE_REFUSED_MESSAGE =
  'Session-only mode keeps test keys only. A live key needs the OS keychain: install and start gnome-keyring or KWallet (or unlock your keychain), then restart Keydeck.';

/**
 * The secret store the core uses: the OS keychain, or, when none is available and the person asked
 * for it, session-only memory. Session-only mode holds test keys in this process until it exits,
 * refuses live keys, and never writes anything anywhere.
 */
export class Vault implements SecretStore {
  private session: Map<string, string> | undefined;
  private lastProblem: KeydeckError | undefined;
  private checked = false;
  private checkedAt = 0;

  constructor(readonly keychain: SecretStore) {}

  get service(): string {
    return this.keychain.service;
  }

  get sessionOnly(): boolean {
    return this.session !== undefined;
  }

  /**
   * Is the keychain usable: it answers and is not locked (the store's probe, which never prompts;
   * see KeytarSecretStore.probe). A store without a probe is asked for an account that never
   * exists: null means it answered. Each call asks afresh, so "Check again" sees a keychain that
   * was unlocked or a daemon that came back.
   */
  async check(): Promise<VaultStatus> {
    try {
      if (this.keychain.probe) await this.keychain.probe();
      else await this.keychain.get(PROBE_ACCOUNT);
      this.lastProblem = undefined;
    } catch (error) {
      this.lastProblem = keychainFailure(error).error;
    }
    this.checked = true;
    this.checkedAt = Date.now();
    return this.status();
  }

  /** The last check's answer (checking first if there was none). */
  async current(recheck = false): Promise<VaultStatus> {
    // A status older than half a minute is asked again: a keychain can lock at any time.
    return recheck || !this.checked || Date.now() - this.checkedAt > 30_000 ? this.check() : this.status();
  }

  private status(): VaultStatus {
    const problem = this.lastProblem ? { code: this.lastProblem.code, message: this.lastProblem.message } : undefined;
    return {
      mode: this.session ? 'session' : 'keychain',
      ...(problem ? { problem } : {}),
      sessionOffered: !this.session && problem?.code === 'KEYCHAIN_UNAVAILABLE',
      sessionKeys: this.session?.size ?? 0,
    };
  }

  /** Turns session-only mode on; refused while a keychain answers (keys then belong in it). */
  async useSession(): Promise<VaultStatus> {
    if (this.session) return this.status();
    const now = await this.check();
    if (now.problem?.code !== 'KEYCHAIN_UNAVAILABLE') {
      fail(
        'CONFLICT',
        now.problem
          ? `Session-only mode is only for machines with no keychain at all. Yours is there but: ${now.problem.message}`
          : 'Your OS keychain works, so Keydeck keeps keys there. Session-only mode is only for machines without one.',
      );
    }
    this.session = new Map();
    return this.status();
  }

  /** Refuses a live key up front (before anything is created at a provider) in session-only mode. */
  assertCanKeep(environment: Environment): void {
    if (this.session && environment === 'live') fail('LIVE_KEY_NEEDS_KEYCHAIN', LIVE_REFUSED_MESSAGE);
  }

  /**
   * A keychain call, whose outcome keeps the status current: a locked or missing keychain seen by any
   * call shows in `vault.status` (and so the banner) at once, not only after "Check again".
   */
  private async watched<T>(call: () => Promise<T>): Promise<T> {
    try {
      const value = await call();
      // A keychain that answered works again (unlocked, restarted): the banner may go.
      this.lastProblem = undefined;
      return value;
    } catch (error) {
      const failure = keychainFailure(error);
      if (failure.error.code.startsWith('KEYCHAIN_')) {
        this.lastProblem = failure.error;
        this.checked = true;
      }
      throw failure;
    }
  }

  async get(account: string): Promise<string | null> {
    if (!this.session) return this.watched(() => this.keychain.get(account));
    const held = this.session.get(account);
    if (held !== undefined) return held;
    // A key filed in the keychain before it went away: say so, rather than "missing".
    if (this.lastProblem) throw new KeydeckFailure(this.lastProblem);
    return null;
  }

  async set(account: string, secret: string): Promise<void> {
    if (!this.session) return this.watched(() => this.keychain.set(account, secret));
    // Defence in depth: every path that stores a key ends here.
    if (environmentOf(account) !== 'test') fail('LIVE_KEY_NEEDS_KEYCHAIN', LIVE_REFUSED_MESSAGE);
    this.session.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    if (!this.session) return this.watched(() => this.keychain.delete(account));
    return this.session.delete(account);
  }

  async list(): Promise<{ account: string; secret: string }[]> {
    const list = this.keychain.list?.bind(this.keychain);
    if (!list) return [];
    return this.watched(list);
  }

  /** Forgets every session-only key (on quit). */
  endSession(): number {
    const n = this.session?.size ?? 0;
    this.session?.clear();
    return n;
  }
}
