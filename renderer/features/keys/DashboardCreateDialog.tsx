import { useId, useState, type FormEvent } from 'react';
import type { Environment, Organization, ProviderInfo } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';
import { KeyInput, useKeyInspection } from '../orgs/KeyInput.js';
import { DashboardLink } from '../../components/DashboardLink.js';

/**
 * Create a key where the provider allows it only in its dashboard: Keydeck says what to do there,
 * opens it, takes the new key back, verifies it with the provider, and keeps it in the keychain.
 */
export function DashboardCreateDialog({
  org,
  environment,
  provider,
  onClose,
}: {
  org: Organization;
  environment: Environment;
  provider: ProviderInfo;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const nameId = useId();
  const inspection = useKeyInspection(key, { provider: org.provider, environment });
  const adopt = useAction({
    mutationFn: () => unwrap(api.keys.adopt({ orgId: org.id, environment, key, name: name.trim() })),
    changes: 'keys.adopt',
    changesIn: { orgId: org.id },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (inspection?.ok && name.trim()) adopt.run();
  };
  return (
    <Dialog title={`New ${environment === 'live' ? 'LIVE' : 'test'} key for ${org.name}`} onClose={onClose}>
      {adopt.isSuccess ? (
        <>
          <p className="hint hint-ok" role="status">
            {provider.displayName} accepted {adopt.data.key.masked}. Keydeck keeps it in your OS keychain.
          </p>
          <div className="dialog-actions">
            <button type="button" className="button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit}>
          <p>{provider.displayName} creates keys only in its dashboard. There:</p>
          <ol className="steps">
            {(provider.dashboardSteps.create ?? []).map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          <DashboardLink org={org} providerName={provider.displayName} />
          <div className="field">
            <label htmlFor={nameId}>Name in Keydeck</label>
            <input
              id={nameId}
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
              required
              placeholder="e.g. Production CI/CD"
            />
          </div>
          <KeyInput value={key} onChange={setKey} inspection={inspection} provider={org.provider} label="The new key" />
          {adopt.isError && <ErrorNotice error={adopt.error} title="Not kept. Nothing was stored." />}
          <div className="dialog-actions">
            <button type="button" className="button-quiet" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button-primary" disabled={!inspection?.ok || !name.trim() || adopt.busy}>
              {adopt.busy ? 'Verifying…' : 'Verify and keep'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
