import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Environment, KeyRecord, Organization, ProviderInfo } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { ConnectForm } from '../orgs/ConnectForm.js';
import { CreateKeyDialog } from './CreateKeyDialog.js';
import { EnvSwitch } from './EnvSwitch.js';
import { KeyList } from './KeyList.js';
import { RevokeDialog } from './RevokeDialog.js';

/** One organization in one environment: its keys, create, revoke, and connecting a missing environment. */
export function OrgView({
  org,
  environment,
  provider,
  providerNames,
  onEnvironment,
  onRemoved,
}: {
  org: Organization;
  environment: Environment;
  provider: ProviderInfo;
  providerNames: Record<string, string>;
  onEnvironment: (e: Environment) => void;
  onRemoved: () => void;
}) {
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<KeyRecord>();
  const [removing, setRemoving] = useState(false);
  const connected = org.environments.includes(environment);
  const keys = useQuery({
    queryKey: ['keys', org.id, environment],
    queryFn: () => unwrap(api.keys.list({ orgId: org.id, environment })),
    enabled: connected,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.orgs.remove({ orgId: org.id })),
    onSuccess: async () => {
      setRemoving(false);
      await queryClient.invalidateQueries({ queryKey: ['orgs'] });
      onRemoved();
    },
  });
  return (
    <main className={`org-view env-frame-${environment}`} aria-labelledby="org-title">
      {environment === 'live' && (
        <div className="live-banner" role="note">
          LIVE environment: real data, real money
        </div>
      )}
      <header className="org-header">
        <div>
          <h1 id="org-title">{org.name}</h1>
          <p className="muted">
            {provider.displayName}
            {org.apiBaseUrl ? ` · ${org.apiBaseUrl}` : ''}
          </p>
        </div>
        <EnvSwitch value={environment} onChange={onEnvironment} />
        <div className="header-actions">
          {connected && provider.capabilities.create === 'api' && (
            <button type="button" className="button-primary" onClick={() => setCreating(true)}>
              New key
            </button>
          )}
          {connected && (
            <button type="button" className="button-quiet" onClick={() => void keys.refetch()} disabled={keys.isFetching}>
              {keys.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
          )}
          <button type="button" className="button-quiet" onClick={() => setRemoving(true)}>
            Remove…
          </button>
        </div>
      </header>

      {!connected ? (
        <section className="panel" aria-labelledby="connect-env-title">
          <h2 id="connect-env-title">Connect a {environment} key for {org.name}</h2>
          <ConnectForm providerNames={providerNames} existing={org} environment={environment} onConnected={() => undefined} />
        </section>
      ) : keys.isPending ? (
        <p role="status">Loading keys from {provider.displayName}…</p>
      ) : keys.isError ? (
        <ErrorNotice error={keys.error} title={`Could not list ${environment} keys`} />
      ) : (
        <section aria-label="Keys">
          <p className="muted fetched">As of {formatDateTime(keys.data.fetchedAt)}</p>
          <KeyList keys={keys.data.keys} source={keys.data.source} provider={provider} onRevoke={setRevoking} />
        </section>
      )}

      {creating && <CreateKeyDialog org={org} environment={environment} provider={provider} onClose={() => setCreating(false)} />}
      {revoking && <RevokeDialog org={org} environment={environment} keyRecord={revoking} onClose={() => setRevoking(undefined)} />}
      {removing && (
        <Dialog title={`Remove ${org.name} from Keydeck?`} onClose={() => setRemoving(false)} tone="danger">
          <p>Keydeck forgets this organization and deletes the keys it holds for it from your keychain. Nothing is revoked at {provider.displayName}.</p>
          {remove.isError && <ErrorNotice error={remove.error} title="Not removed" />}
          <div className="dialog-actions">
            <button type="button" className="button-quiet" onClick={() => setRemoving(false)}>
              Cancel
            </button>
            <button type="button" className="button-danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
              Remove organization
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
