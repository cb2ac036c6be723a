import { useId, useState } from 'react';
import type { KeyRecord, Organization } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';

/** Start a rotation; a LIVE key needs an explicit extra confirmation. */
export function StartRotationDialog({
  org,
  keyRecord,
  onStarted,
  onClose,
}: {
  org: Organization;
  keyRecord: KeyRecord;
  onStarted: (rotationId: string) => void;
  onClose: () => void;
}) {
  const live = keyRecord.environment === 'live';
  const [confirmLive, setConfirmLive] = useState(false);
  const confirmId = useId();
  const start = useAction({
    mutationFn: () =>
      unwrap(api.rotation.start({ orgId: org.id, credentialId: keyRecord.heldCredentialId ?? '', confirmLive })),
    changes: 'rotation.start',
    changesIn: { orgId: org.id },
    onSuccess: (r) => onStarted(r.id),
  });
  const label = keyRecord.name || keyRecord.masked;
  return (
    <Dialog title={`Rotate “${label}”?`} onClose={onClose} tone={live ? 'danger' : undefined}>
      <p>
        Keydeck creates a new key, stores it in your keychain, verifies it, helps you deploy it, revokes{' '}
        <code>{keyRecord.masked}</code> only once you confirm the new one is in use, and proves the old one is dead.
        {keyRecord.isAdmin &&
          ' This is the key Keydeck itself uses for this organization; Keydeck switches to the new key as part of the rotation.'}
      </p>
      {live && (
        <div className="field-inline notice notice-live">
          <input
            id={confirmId}
            type="checkbox"
            checked={confirmLive}
            onChange={(e) => setConfirmLive(e.target.checked)}
          />
          <label htmlFor={confirmId}>I understand this rotates a LIVE key of {org.name}</label>
        </div>
      )}
      {start.isError && <ErrorNotice error={start.error} title="The rotation did not start" />}
      <div className="dialog-actions">
        <button type="button" className="button-quiet" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button-primary"
          disabled={(live && !confirmLive) || start.busy}
          onClick={() => start.run()}
        >
          Start rotation
        </button>
      </div>
    </Dialog>
  );
}
