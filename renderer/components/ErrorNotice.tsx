import type { KeydeckError } from '../../shared/errors.js';
import { ApiError } from '../lib/api.js';

/** What to do next, per error code, in plain words. */
const NEXT_STEP: Partial<Record<KeydeckError['code'], string>> = {
  KEYCHAIN_UNAVAILABLE: 'Keydeck keeps keys only in the OS keychain and could not reach it.',
  KEYCHAIN_LOCKED: 'Unlock your keychain, then try again.',
  KEYCHAIN_TIMEOUT: 'Your keychain may be waiting for an unlock prompt: answer it, then try again.',
  LIVE_KEY_NEEDS_KEYCHAIN:
    'Connect test keys in this session, or start a keyring (gnome-keyring, KWallet) and restart Keydeck for live keys.',
  SECRET_MISSING: 'If your keychain is locked, unlock it; otherwise connect the key again.',
  NETWORK_TIMEOUT: 'Check your connection and try again.',
  NETWORK_ERROR: 'Check your connection and the organization’s API URL.',
  PROVIDER_RATE_LIMITED: 'Wait, then try again.',
  KEY_IDENTITY_UNKNOWN: 'Revoke it in the provider’s dashboard; Keydeck then checks that the provider refuses it.',
};

/** Turns anything thrown by a query or mutation into a typed error. */
export function asKeydeckError(error: unknown): KeydeckError {
  if (error instanceof ApiError) return error.error;
  const plain = error as Partial<KeydeckError> | null;
  if (plain && typeof plain === 'object' && typeof plain.code === 'string' && typeof plain.message === 'string')
    return plain as KeydeckError;
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : 'Something went wrong.' };
}

/** An error in plain words, with the provider's own code, status and request id for support. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  const e = asKeydeckError(error);
  const next = NEXT_STEP[e.code];
  // BUSY is not a failure: the same change is still running (a double click, another window). Said plainly.
  const busy = e.code === 'BUSY';
  return (
    <div
      className={busy ? 'notice notice-busy' : 'notice notice-error'}
      role={busy ? 'status' : 'alert'}
      data-code={e.code}
    >
      {title && <strong className="notice-title">{title}</strong>}
      <p>{e.message}</p>
      {next && <p>{next}</p>}
      <p className="notice-meta">
        <code>{e.code}</code>
        {e.provider?.status !== undefined && <span> · HTTP {e.provider.status}</span>}
        {e.provider?.code && (
          <span>
            {' '}
            · provider code <code>{e.provider.code}</code>
          </span>
        )}
        {e.provider?.requestId && (
          <span>
            {' '}
            · request <code>{e.provider.requestId}</code>
          </span>
        )}
      </p>
    </div>
  );
}
