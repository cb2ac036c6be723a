import { KeydeckFailure, type ErrorCode } from '../../../shared/errors.js';
import type { Environment, ProviderId } from '../../../shared/domain.js';

/**
 * Where secrets live. The app and the preview host use the OS keychain (KeytarSecretStore); unit
 * tests of single modules may use MemorySecretStore. Nothing else ever holds a secret at rest.
 */
export interface SecretStore {
  /** The keychain service name every secret is filed under (`Keydeck`, `Keydeck Demo`, …). */
  readonly service: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /**
   * True when something was deleted; false only when the keychain answered that no such item
   * exists. A keychain that is locked or cannot be reached throws (KEYCHAIN_LOCKED, …): a caller
   * must never read "not deleted" as "gone".
   */
  delete(account: string): Promise<boolean>;
  /** Every account filed under the service, with its secret: used only by recovery mode to rebuild metadata. */
  list?(): Promise<{ account: string; secret: string }[]>;
  /**
   * Throws a typed KeydeckFailure unless the keychain can be used now: it answers, and it is not
   * locked. Never shows an unlock prompt. Stores without it are probed with `get(PROBE_ACCOUNT)`.
   */
  probe?(): Promise<void>;
}

/**
 * The account Keydeck reads to ask "is there a working keychain?". Never written, so reading it
 * never finds a locked item and never makes libsecret ask to unlock.
 */
export const PROBE_ACCOUNT = 'keydeck:probe';

export const LOCKED_MESSAGE =
  'Your keychain is locked. Unlock it (log in to your desktop session or open your keyring app, e.g. Passwords and Keys), then try again.';

/** A KEYCHAIN_LOCKED failure with the message that says what to do. */
export function lockedFailure(cause?: unknown): KeydeckFailure {
  return new KeydeckFailure(
    { code: 'KEYCHAIN_LOCKED', message: LOCKED_MESSAGE },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Account naming inside the service: `<provider>:<orgId>:<environment>:<credentialId>`, e.g.
 * `laghav:org_Q2x9…:live:cred_7Fh…`. Stable ids only (an organization's display name can change),
 * and the provider and environment up front so a person browsing the keychain can tell them apart.
 */
export function accountName(
  provider: ProviderId,
  orgId: string,
  environment: Environment,
  credentialId: string,
): string {
  return `${provider}:${orgId}:${environment}:${credentialId}`;
}

/**
 * Maps a libsecret / D-Bus / keytar failure to a stable code. The messages matched here are the
 * ones libsecret and keytar print on Linux (proven in test/integration/keychain.test.ts), plus the
 * macOS and Windows equivalents keytar passes through.
 */
export function mapKeychainError(error: unknown): { code: ErrorCode; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (/locked collection|is locked|prompt.*dismiss|user canceled|errSecInteractionNotAllowed|-25308/i.test(text)) {
    return { code: 'KEYCHAIN_LOCKED', message: LOCKED_MESSAGE };
  }
  if (
    /autolaunch D-Bus|Object does not exist at path|DBUS_SESSION_BUS_ADDRESS|org\.freedesktop\.secrets|org\.freedesktop\.DBus|ServiceUnknown|Secret Service|No such interface|libsecret|Cannot find module|keytar\.node|ERR_DLOPEN_FAILED/i.test(
      text,
    )
  ) {
    return {
      code: 'KEYCHAIN_UNAVAILABLE',
      message:
        'No OS keychain is available (no Secret Service on this desktop session). Install and start gnome-keyring or KWallet, then restart Keydeck. Keydeck never falls back to storing keys in a file.',
    };
  }
  return {
    code: 'KEYCHAIN_ERROR',
    message: 'The OS keychain refused the operation. Try again; if it keeps failing, check your keyring app.',
  };
}

/** Wraps a keychain failure as a typed KeydeckFailure, keeping the raw error as the cause for logs. */
export function keychainFailure(error: unknown): KeydeckFailure {
  if (error instanceof KeydeckFailure) return error;
  const mapped = mapKeychainError(error);
  return new KeydeckFailure(mapped, { cause: error });
}
