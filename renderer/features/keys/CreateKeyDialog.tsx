import { useId, useState, type FormEvent } from 'react';
import type { Environment, Organization, ProviderInfo } from '../../../shared/domain.js';
import type { KeydeckError } from '../../../shared/errors.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';
import { SecretOnce } from './SecretOnce.js';

/**
 * What went wrong after the provider created the key (keychain, activity log, a full disk). The key
 * exists and its secret is above, shown this once: the person must know that, and what to do.
 */
function CreateProblems({
  providerName,
  problems,
  keepError,
  masked,
}: {
  providerName: string;
  problems: KeydeckError[];
  keepError?: KeydeckError;
  masked: string;
}) {
  const all = [...problems];
  if (keepError && !all.some((p) => p.code === keepError.code && p.message === keepError.message))
    all.unshift(keepError);
  if (all.length === 0) return null;
  return (
    <section className="notice notice-warn" aria-labelledby="create-problems-title" data-testid="create-problems">
      <strong id="create-problems-title" className="notice-title">
        The key exists at {providerName}, but not everything went well afterwards
      </strong>
      <p>
        {masked} was created and works. Copy it now from above: Keydeck may not have kept a copy or recorded it. If you
        do not need it, revoke it.
      </p>
      <ul>
        {all.map((p) => (
          <li key={`${p.code}-${p.message}`}>
            {p.message} <code>{p.code}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Create a key: name (and scope where the provider has one), keep-in-keychain choice, then the secret once. */
export function CreateKeyDialog({
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
  const [scope, setScope] = useState('');
  const [keep, setKeep] = useState(false);
  const nameId = useId();
  const scopeId = useId();
  const keepId = useId();
  const create = useAction({
    mutationFn: () =>
      unwrap(
        api.keys.create({ orgId: org.id, environment, name: name.trim(), scope: scope.trim() || undefined, keep }),
      ),
    changes: 'keys.create',
    changesIn: { orgId: org.id },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.run();
  };
  const title = `New ${environment === 'live' ? 'LIVE' : 'test'} key for ${org.name}`;
  return (
    <Dialog title={title} onClose={onClose}>
      {create.isSuccess ? (
        <>
          <p>
            Created <strong>{create.data.key.name}</strong> ({create.data.key.masked}).
          </p>
          <SecretOnce
            secret={create.data.secret}
            envVar={provider.envVar}
            about={{ orgId: org.id, environment, keyId: create.data.key.id, last4: create.data.secret.slice(-4) }}
          />
          {create.data.heldCredentialId && <p className="hint hint-ok">A copy is kept in your OS keychain.</p>}
          <CreateProblems
            providerName={provider.displayName}
            problems={create.data.problems ?? []}
            keepError={create.data.keepError}
            masked={create.data.key.masked}
          />
          <div className="dialog-actions">
            <button type="button" className="button-primary" onClick={onClose}>
              I have saved it
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit}>
          {environment === 'live' && (
            <p className="notice notice-live">This creates a LIVE key: it can touch real data and may be billed.</p>
          )}
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input
              id={nameId}
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
              required
              placeholder="e.g. Production web app"
            />
          </div>
          {provider.createScopeLabel && (
            <div className="field">
              <label htmlFor={scopeId}>{provider.createScopeLabel} (optional)</label>
              <input
                id={scopeId}
                value={scope}
                onChange={(e) => setScope(e.target.value)}
                maxLength={200}
                placeholder="app_abc123"
              />
            </div>
          )}
          <div className="field-inline">
            <input id={keepId} type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} />
            <label htmlFor={keepId}>Keep a copy in my OS keychain</label>
          </div>
          {create.isError && <ErrorNotice error={create.error} title="The key was not created" />}
          <div className="dialog-actions">
            <button type="button" className="button-quiet" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button-primary" disabled={!name.trim() || create.busy}>
              {create.busy ? 'Creating…' : 'Create key'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
