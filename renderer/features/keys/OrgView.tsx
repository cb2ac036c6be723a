// Long on purpose: one organization-environment's page (its tabs, list, dialogs and refusals) in one place.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Environment, KeyRecord, Organization } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';
import { formatDateTime } from '../../lib/format.js';
import { useAction } from '../../lib/use-action.js';
import { useIntent, type PendingIntent } from '../../lib/intent.js';
import { ConnectForm } from '../orgs/ConnectForm.js';
import { CreateKeyDialog } from './CreateKeyDialog.js';
import { DashboardCreateDialog } from './DashboardCreateDialog.js';
import { DashboardRevokeDialog } from './DashboardRevokeDialog.js';
import { EnvSwitch } from './EnvSwitch.js';
import { KeyList } from './KeyList.js';
import { StartRotationDialog } from '../rotation/StartRotationDialog.js';
import { UsageView } from '../usage/UsageView.js';
import { RevokeDialog } from './RevokeDialog.js';
import { staleAfter, useCall } from '../../lib/calls.js';

/** Why a provider refused a key, in words (the Keydeck codes of a 401; see REJECTED_CODES in the core). */
const REFUSAL_WORDS: Record<string, string> = {
  KEY_INVALID: 'it is unknown or revoked',
  KEY_REVOKED: 'it is revoked',
  KEY_EXPIRED: 'it has expired',
  UNAUTHORIZED: 'it is not accepted',
};

/** Keys or their usage, for this organization and environment. */
function Tabs({ tab, onTab }: { tab: 'keys' | 'usage'; onTab: (t: 'keys' | 'usage') => void }) {
  return (
    <div className="tabs" role="group" aria-label="View">
      {(['keys', 'usage'] as const).map((t) => (
        <button
          key={t}
          type="button"
          className={`tab ${tab === t ? 'active' : ''}`}
          aria-pressed={tab === t}
          onClick={() => onTab(t)}
        >
          {t === 'keys' ? 'Keys' : 'Usage'}
        </button>
      ))}
    </div>
  );
}

/**
 * One organization in one environment: its keys, create, revoke, and connecting a missing
 * environment. What it offers follows the provider's capabilities (API or dashboard), never its name.
 */
export function OrgView({
  org,
  environment,
  onEnvironment,
  onRemoved,
  onRotationStarted,
  intent,
  onIntentDone,
}: {
  org: Organization;
  environment: Environment;
  onEnvironment: (e: Environment) => void;
  onRemoved: () => void;
  onRotationStarted: (rotationId: string) => void;
  intent?: PendingIntent;
  onIntentDone: (n: number) => void;
}) {
  const queryClient = useQueryClient();
  const provider = useAppInfo().provider(org.provider);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<KeyRecord>();
  const [removing, setRemoving] = useState(false);
  const [rotating, setRotating] = useState<KeyRecord>();
  const [tab, setTab] = useState<'keys' | 'usage'>('keys');
  // What the last dashboard revoke did, said in the list until the environment changes.
  const [revokedNote, setRevokedNote] = useState<{ environment: Environment; said: string }>();
  const hasEnv = provider.environments.includes(environment);
  // A provider with one environment has no switch: never leave the person on the one it lacks.
  const onlyEnv = provider.environments.length === 1 ? provider.environments[0] : undefined;
  useEffect(() => {
    if (onlyEnv && environment !== onlyEnv) onEnvironment(onlyEnv);
  }, [onlyEnv, environment, onEnvironment]);
  const connected = org.environments.includes(environment);
  // Stale-while-revalidate: the last list shows at once (and offline); the provider's answer replaces it.
  const cached = useCall('keys.cached', { orgId: org.id, environment }, { enabled: connected, staleTime: Infinity });
  const keys = useCall('keys.list', { orgId: org.id, environment }, { enabled: connected });
  const shown = keys.data ?? cached.data?.list ?? undefined;
  // A fresh list changes what the usage views, quotas and reminders are built from.
  // Its answer replaces the list in memory and makes the views built from the lists stale
  // (calls.ts `readAnswered`, for every `keys.list` answer, even after this page is closed).
  // The palette's New key, Rotate and Refresh for this organization and environment.
  useIntent(
    intent,
    ['new-key', 'rotate', 'refresh'],
    (i) => {
      if (!connected) return true;
      if (i.kind === 'new-key') setCreating(true);
      else if (i.kind === 'refresh') void keys.refetch();
      else {
        if (!shown) return false;
        const k = shown.keys.find(
          (x) => x.id === i.keyId && x.heldCredentialId && x.status !== 'revoked' && x.status !== 'expired',
        );
        if (k) setRotating(k);
      }
      return true;
    },
    onIntentDone,
  );
  const check = useAction({
    mutationFn: (k: KeyRecord) => unwrap(api.keys.check({ orgId: org.id, credentialId: k.heldCredentialId ?? '' })),
    changes: 'keys.check',
    changesIn: { orgId: org.id },
  });
  const remove = useAction({
    mutationFn: () => unwrap(api.orgs.remove({ orgId: org.id })),
    // The organizations are fetched again before the view moves on, so it never lands on the one removed.
    onSuccess: async () => {
      await staleAfter(queryClient, 'orgs.remove', ['orgs.list']);
      setRemoving(false);
      onRemoved();
    },
  });
  /** What the organization's page holds in this environment: one state, one answer. */
  const body = () => {
    if (!hasEnv)
      return (
        <p className="panel">
          {provider.displayName} has no {environment} environment.
        </p>
      );
    if (!connected) {
      return (
        <section className="panel" aria-labelledby="connect-env-title">
          <h2 id="connect-env-title">
            Connect a {environment} key for {org.name}
          </h2>
          <ConnectForm existing={org} environment={environment} onConnected={() => undefined} />
        </section>
      );
    }
    if (tab === 'usage') {
      return (
        <>
          <Tabs tab={tab} onTab={setTab} />
          <UsageView
            embedded
            orgId={org.id}
            environment={environment}
            policy={org.policy}
            title={`Usage: ${environment === 'live' ? 'LIVE' : 'test'} keys`}
          />
        </>
      );
    }
    if (!shown)
      return keys.isPending ? (
        <p role="status">Loading keys from {provider.displayName}…</p>
      ) : (
        <ErrorNotice error={keys.error} title={`Could not list ${environment} keys`} />
      );
    return (
      <section aria-label="Keys">
        <Tabs tab={tab} onTab={setTab} />
        {keys.isError ? (
          <div className="notice notice-warn offline" role="status">
            <strong>Showing the list as of {formatDateTime(shown.fetchedAt)}.</strong> {provider.displayName} could not
            be reached just now; nothing else is affected.
            <ErrorNotice error={keys.error} />
          </div>
        ) : (
          <p className="muted fetched" role="status">
            {keys.isFetching
              ? `Refreshing from ${provider.displayName}… (showing the list as of ${formatDateTime(shown.fetchedAt)})`
              : `As of ${formatDateTime(shown.fetchedAt)}`}
          </p>
        )}
        {check.isError && <ErrorNotice error={check.error} title="Could not check the key" />}
        {check.isSuccess && (
          <p role="status" className={`hint ${check.data.result === 'accepted' ? 'hint-ok' : 'hint-error'}`}>
            {check.data.result === 'accepted'
              ? `${provider.displayName} accepts the key.`
              : `${provider.displayName} refuses the key: ${REFUSAL_WORDS[check.data.code ?? ''] ?? 'it is not accepted'}.`}
          </p>
        )}
        {revokedNote?.environment === environment && (
          <p role="status" className="hint hint-ok revoked-note">
            {revokedNote.said}
          </p>
        )}
        <KeyList
          keys={shown.keys}
          source={shown.source}
          provider={provider}
          actions={{ onRevoke: setRevoking, onCheck: (k) => check.run(k), onRotate: setRotating, checking: check.busy }}
        />
      </section>
    );
  };
  return (
    <main className={`org-view env-frame-${environment}`} aria-labelledby="org-title">
      {/* The environment is always named in words, not only by the colour of the frame. */}
      {environment === 'live' ? (
        <div className="live-banner" role="note">
          LIVE environment: real data, real money
        </div>
      ) : (
        <div className="test-banner" role="note">
          Test environment: no real data or money
        </div>
      )}
      <header className="org-header">
        <div>
          <h1 id="org-title" tabIndex={-1}>
            {org.name}
          </h1>
          <p className="muted">
            {provider.displayName}
            {org.apiBaseUrl ? ` · ${org.apiBaseUrl}` : ''}
          </p>
        </div>
        <EnvSwitch value={environment} onChange={onEnvironment} environments={provider.environments} />
        <div className="header-actions">
          {connected && (
            <button type="button" className="button-primary" onClick={() => setCreating(true)}>
              New key
            </button>
          )}
          {connected && (
            <button
              type="button"
              className="button-quiet"
              onClick={() => void keys.refetch()}
              disabled={keys.isFetching}
            >
              {keys.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
          )}
          <button type="button" className="button-quiet" onClick={() => setRemoving(true)}>
            Remove…
          </button>
        </div>
      </header>
      {provider.notes.length > 0 && (
        <details className="provider-notes">
          <summary>About {provider.displayName}</summary>
          <ul>
            {provider.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}

      {body()}

      {creating &&
        (provider.capabilities.create === 'api' ? (
          <CreateKeyDialog org={org} environment={environment} provider={provider} onClose={() => setCreating(false)} />
        ) : (
          <DashboardCreateDialog
            org={org}
            environment={environment}
            provider={provider}
            onClose={() => setCreating(false)}
          />
        ))}
      {revoking &&
        (provider.capabilities.revoke === 'api' && !revoking.unmatched ? (
          <RevokeDialog
            org={org}
            environment={environment}
            keyRecord={revoking}
            onClose={() => setRevoking(undefined)}
          />
        ) : (
          <DashboardRevokeDialog
            org={org}
            environment={environment}
            provider={provider}
            keyRecord={revoking}
            onClose={() => setRevoking(undefined)}
            onRevoked={(said) => setRevokedNote({ environment, said })}
          />
        ))}
      {rotating && (
        <StartRotationDialog
          org={org}
          keyRecord={rotating}
          onClose={() => setRotating(undefined)}
          onStarted={(id) => {
            setRotating(undefined);
            onRotationStarted(id);
          }}
        />
      )}
      {removing && (
        <Dialog title={`Remove ${org.name} from Keydeck?`} onClose={() => setRemoving(false)} tone="danger">
          <p>
            Keydeck forgets this organization and deletes the keys it holds for it from your keychain. Nothing is
            revoked at {provider.displayName}.
          </p>
          {remove.isError && <ErrorNotice error={remove.error} title="Not removed" />}
          <div className="dialog-actions">
            <button type="button" className="button-quiet" onClick={() => setRemoving(false)}>
              Cancel
            </button>
            <button type="button" className="button-danger" onClick={() => remove.run()} disabled={remove.busy}>
              Remove organization
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
