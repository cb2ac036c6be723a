import type { RotationView } from '../../../shared/rotation.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

/**
 * Asked before a rotation is cancelled: what Cancel would do now (`cancelPlan`, from the core), a
 * clear confirm button and a way back. Stays open while the cancel runs, so a second click cannot
 * land on whatever is under it.
 */
export function CancelRotationDialog({
  rotation: r,
  busy,
  error,
  onConfirm,
  onBack,
}: {
  rotation: RotationView;
  busy: boolean;
  error?: unknown;
  onConfirm: () => void;
  onBack: () => void;
}) {
  return (
    <Dialog
      title={`Cancel the rotation of ${r.old.label}?`}
      onClose={() => (busy ? undefined : onBack())}
      tone="danger"
    >
      <p>Cancelling will:</p>
      <ul className="cancel-plan" aria-label="What cancelling will do">
        {r.cancelPlan.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ul>
      {error !== undefined && error !== null && <ErrorNotice error={error} title="The rotation was not cancelled" />}
      {busy && <p role="status">Cancelling…</p>}
      <div className="dialog-actions">
        <button type="button" className="button-quiet" onClick={onBack} disabled={busy}>
          Keep rotating
        </button>
        <button type="button" className="button-danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Cancelling…' : 'Cancel the rotation'}
        </button>
      </div>
    </Dialog>
  );
}
