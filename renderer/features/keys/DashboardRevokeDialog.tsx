import type { Environment, KeyRecord, Organization, ProviderInfo } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';
import { DashboardLink } from '../../components/DashboardLink.js';

/**
 * Revoke where the provider allows it only in its dashboard: the user revokes it there, then
 * Keydeck calls the provider with the key and forgets it only once the provider refuses it.
 */
export function DashboardRevokeDialog({
  org,
  environment,
  provider,
  keyRecord,
  onClose,
  onRevoked,
}: {
  org: Organization;
  environment: Environment;
  provider: ProviderInfo;
  keyRecord: KeyRecord;
  onClose: () => void;
  /** After the provider is seen to refuse the key: what happened, in a sentence, for the list's status line. */
  onRevoked: (said: string) => void;
}) {
  const label = keyRecord.name || keyRecord.masked;
  const confirm = useAction({
    mutationFn: () =>
      unwrap(api.keys.confirmRevoked({ orgId: org.id, credentialId: keyRecord.heldCredentialId ?? '' })),
    changes: 'keys.confirmRevoked',
    changesIn: { orgId: org.id },
    onSuccess: (value) => {
      if (value.confirmed) {
        onRevoked(
          `Revoked in ${provider.displayName}’s dashboard: ${provider.displayName} now refuses “${label}” (${keyRecord.masked}), so Keydeck removed it from your keychain.`,
        );
        onClose();
      }
    },
  });
  return (
    <Dialog title={`Revoke “${label}” in the ${provider.displayName} dashboard`} onClose={onClose} tone="danger">
      <p>
        {provider.displayName} revokes keys only in its dashboard. Revoke <strong>{label}</strong> (
        <code>{keyRecord.masked}</code>) in the{' '}
        <strong className={`env-text env-text-${environment}`}>{environment === 'live' ? 'LIVE' : 'test'}</strong>{' '}
        environment of <strong>{org.name}</strong>:
      </p>
      {keyRecord.unmatched && (
        <p className="notice notice-warn">
          Keydeck holds this key but cannot tell which of {provider.displayName}’s keys it is, so it will not revoke
          anything through the API. In the dashboard, find the key ending in <code>{keyRecord.masked.slice(-4)}</code>{' '}
          and revoke it there; Keydeck then checks that {provider.displayName} refuses it.
        </p>
      )}
      <ol className="steps">
        {(provider.dashboardSteps.revoke ?? []).map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <DashboardLink org={org} providerName={provider.displayName} />
      {confirm.isSuccess && !confirm.data.confirmed && (
        <p className="notice notice-warn" role="status">
          {provider.displayName} still accepts this key: it is not revoked yet. Revoke it in the dashboard, then check
          again.
        </p>
      )}
      {confirm.isError && (
        <ErrorNotice
          error={confirm.error}
          title="Could not tell whether the key is revoked. Nothing was changed; try again."
        />
      )}
      <div className="dialog-actions">
        <button type="button" className="button-quiet" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button-danger" onClick={() => confirm.run()} disabled={confirm.busy}>
          {confirm.busy ? 'Checking…' : 'I revoked it: check'}
        </button>
      </div>
    </Dialog>
  );
}
