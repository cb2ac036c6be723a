import { useId, useState, type FormEvent } from 'react';
import type { Environment, KeyRecord, Organization } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';

/**
 * Revoke, behind a confirmation that names the key, the organization and the environment. A live
 * key also needs its name typed, because revocation is immediate and cannot be undone.
 */
export function RevokeDialog({
  org,
  environment,
  keyRecord,
  onClose,
}: {
  org: Organization;
  environment: Environment;
  keyRecord: KeyRecord;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  const typedId = useId();
  const label = keyRecord.name || keyRecord.masked;
  const needsTyping = environment === 'live';
  const confirmed = !needsTyping || typed.trim() === label;
  const revoke = useAction({
    mutationFn: () => unwrap(api.keys.revoke({ orgId: org.id, environment, keyId: keyRecord.id })),
    changes: 'keys.revoke',
    changesIn: { orgId: org.id },
    onSuccess: () => onClose(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (confirmed) revoke.run();
  };
  return (
    <Dialog title={`Revoke “${label}”?`} onClose={onClose} tone="danger">
      <form onSubmit={submit}>
        <p>
          This revokes <strong>{label}</strong> (<code>{keyRecord.masked}</code>) in the{' '}
          <strong className={`env-text env-text-${environment}`}>{environment === 'live' ? 'LIVE' : 'test'}</strong>{' '}
          environment of <strong>{org.name}</strong>. Anything still using it stops working immediately. This cannot be
          undone.
        </p>
        {needsTyping && (
          <div className="field">
            <label htmlFor={typedId}>
              Type <strong>{label}</strong> to confirm
            </label>
            <input id={typedId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </div>
        )}
        {revoke.isError && <ErrorNotice error={revoke.error} title="Not revoked" />}
        <div className="dialog-actions">
          <button type="button" className="button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-danger" disabled={!confirmed || revoke.busy}>
            {revoke.busy ? 'Revoking…' : `Revoke ${environment} key`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
