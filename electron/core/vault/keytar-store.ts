import { KeydeckFailure } from '../../../shared/errors.js';
import { keychainFailure, type SecretStore } from './secret-store.js';

import type * as KeytarModule from 'keytar';

type Keytar = typeof KeytarModule;

/** Default bound on one keychain call. A Secret Service that never answers must not hang Keydeck. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 10_000;

let keytarModule: Promise<Keytar> | undefined;
/** keytar is loaded on first use so a missing native module or libsecret becomes KEYCHAIN_UNAVAILABLE, not a crash at start. */
function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
  return keytarModule;
}

/**
 * The OS keychain through keytar (libsecret on Linux, Keychain on macOS, Credential Manager on
 * Windows). Every call is bounded by a timeout and serialised per account, so concurrent writes to
 * one account apply in order and none is lost.
 */
export class KeytarSecretStore implements SecretStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly service: string,
    private readonly timeoutMs = DEFAULT_KEYCHAIN_TIMEOUT_MS,
  ) {}

  get(account: string): Promise<string | null> {
    return this.run(account, (k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.run(account, (k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.run(account, (k) => k.deletePassword(this.service, account));
  }

  /** Every account of the service (recovery mode only). Bounded like every other call. */
  async list(): Promise<{ account: string; secret: string }[]> {
    const found = await this.bounded((k) => k.findCredentials(this.service));
    return found.map((x) => ({ account: x.account, secret: x.password }));
  }

  private run<T>(account: string, op: (k: Keytar) => Promise<T>): Promise<T> {
    const previous = this.queues.get(account) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.bounded(op));
    this.queues.set(account, next);
    void next.finally(() => {
      if (this.queues.get(account) === next) this.queues.delete(account);
    }).catch(() => undefined);
    return next;
  }

  private async bounded<T>(op: (k: Keytar) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KeydeckFailure({
              code: 'KEYCHAIN_TIMEOUT',
              message: `The OS keychain did not answer within ${this.timeoutMs / 1000} s. It may be waiting for an unlock prompt; unlock it and try again.`,
            }),
          ),
        this.timeoutMs,
      );
    });
    try {
      const keytar = await Promise.race([loadKeytar(), timeout]);
      return await Promise.race([op(keytar), timeout]);
    } catch (error) {
      throw keychainFailure(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
