import { useQueryClient } from '@tanstack/react-query';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';
import { callKey, useCall } from '../../lib/calls.js';

/** What to do about each keychain problem, in plain words. */
const WHAT_TO_DO: Record<string, { title: string; todo: string }> = {
  KEYCHAIN_UNAVAILABLE: {
    title: 'No OS keychain on this machine',
    todo: 'Keydeck keeps keys only in the OS keychain and never in a file. Install and start gnome-keyring or KWallet (on a desktop session, log out and in again), then check again.',
  },
  KEYCHAIN_LOCKED: {
    title: 'Your keychain is locked',
    todo: 'Unlock it in your keyring app (or log in to your desktop session), then check again.',
  },
  KEYCHAIN_TIMEOUT: {
    title: 'Your keychain is not answering',
    todo: 'It may be showing an unlock prompt somewhere: answer it, then check again.',
  },
  KEYCHAIN_ERROR: { title: 'Your keychain refused Keydeck', todo: 'Check your keyring app, then check again.' },
};

export function useVaultStatus() {
  // Asked again now and then and when the window comes back, so a keychain locked mid-session (with
  // the screen, say) shows its banner without waiting for a failed call.
  return useCall('vault.status', {}, { staleTime: 30_000, refetchInterval: 60_000, refetchOnWindowFocus: true });
}

/**
 * Where keys are kept, when that is not simply "the keychain": a keychain problem with what to do
 * about it, the offer of session-only mode where there is no keychain at all, or the reminder that
 * session-only mode forgets everything at quit.
 */
export function VaultBanner() {
  const queryClient = useQueryClient();
  const status = useVaultStatus();
  const recheck = useAction({
    mutationFn: () => unwrap(api.vault.status({ recheck: true })),
    onSuccess: (value) => queryClient.setQueryData(callKey('vault.status', {}), value),
  });
  const session = useAction({
    mutationFn: () => unwrap(api.vault.useSession({})),
    changes: 'vault.useSession',
    onSuccess: (value) => queryClient.setQueryData(callKey('vault.status', {}), value),
  });
  const vault = status.data;
  if (!vault) return null;
  if (vault.mode === 'session') {
    return (
      <section className="vault-banner vault-session" aria-labelledby="vault-title" data-testid="vault-banner">
        <h2 id="vault-title">Session-only mode</h2>
        <p>
          There is no OS keychain, so Keydeck holds your <strong>test</strong> keys in memory only. They and their
          organizations are forgotten when you quit Keydeck; nothing is written to disk. Live keys are refused until a
          keychain is available.
        </p>
      </section>
    );
  }
  if (!vault.problem) return null;
  const about = WHAT_TO_DO[vault.problem.code] ?? WHAT_TO_DO.KEYCHAIN_ERROR!;
  return (
    <section className="vault-banner" role="alert" aria-labelledby="vault-title" data-testid="vault-banner">
      <h2 id="vault-title">{about.title}</h2>
      <p>{about.todo}</p>
      <p className="small">
        <code>{vault.problem.code}</code>
      </p>
      {vault.sessionOffered && (
        <p className="small">
          Just trying Keydeck, or on a machine without a desktop keyring? <strong>Session-only mode</strong> holds test
          keys in memory until you quit, and refuses live keys.
        </p>
      )}
      <div className="banner-actions">
        <button type="button" className="button-quiet" onClick={() => recheck.run()} disabled={recheck.busy}>
          {recheck.busy ? 'Checking…' : 'Check again'}
        </button>
        {vault.sessionOffered && (
          <button type="button" className="button-primary" onClick={() => session.run()} disabled={session.busy}>
            Use session-only mode for test keys
          </button>
        )}
      </div>
      {session.isError && <ErrorNotice error={session.error} />}
    </section>
  );
}
