import { useState } from 'react';
import type { RotationView } from '../../../shared/rotation.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { CancelRotationDialog } from './CancelRotationDialog.js';
import { useRotationAct } from './use-rotation-act.js';
import { STEP_WORDS } from './words.js';
import { useCall } from '../../lib/calls.js';

type Open = (rotationId: string, orgId: string) => void;

/** On start: rotations that did not finish (Keydeck was closed or crashed), with Resume or Cancel. */
export function UnfinishedRotations({ onOpen }: { onOpen: Open }) {
  const list = useCall('rotation.list', {});
  const open = (list.data?.rotations ?? []).filter((r) => r.status !== 'done' && r.status !== 'cancelled');
  if (open.length === 0) return null;
  return (
    <section className="notice notice-warn unfinished" aria-label="Unfinished rotations">
      <strong>Unfinished rotation{open.length > 1 ? 's' : ''}</strong>
      <ul>
        {open.map((r) => (
          <UnfinishedRotation key={r.id} rotation={r} onOpen={onOpen} />
        ))}
      </ul>
    </section>
  );
}

/** One unfinished rotation: Resume opens the wizard as it goes on; Cancel asks first, then shows what was put back. */
function UnfinishedRotation({ rotation: r, onOpen }: { rotation: RotationView; onOpen: Open }) {
  const [confirming, setConfirming] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>();
  // Keyed like the wizard's own actions, so the wizard waits while this one runs.
  const act = useRotationAct(r.id);
  const resume = () => {
    if (act.run({ kind: 'resume' })) onOpen(r.id, r.orgId);
  };
  const cancel = () => {
    setCancelError(undefined);
    act.run(
      { kind: 'cancel' },
      {
        onSuccess: () => {
          setConfirming(false);
          // The wizard says what was put back and what could not be (or what the person must still do).
          onOpen(r.id, r.orgId);
        },
        onError: setCancelError,
      },
    );
  };
  return (
    <li>
      {r.old.label} (…{r.old.last4}, {r.environment}) in {r.orgName}:{' '}
      {r.status === 'needs-user' ? 'waiting for you while' : 'stopped while'} {STEP_WORDS[r.step]}
      {r.status === 'failed' ? ', after an error' : ''}.{' '}
      <button type="button" className="button-primary button-small" onClick={resume} disabled={act.busy}>
        Resume
      </button>{' '}
      {r.canCancel && (
        <button
          type="button"
          className="button-quiet button-small"
          onClick={() => {
            setCancelError(undefined);
            setConfirming(true);
          }}
          disabled={act.busy || confirming}
        >
          Cancel…
        </button>
      )}
      {act.isError && !confirming && <ErrorNotice error={act.error} title="That did not work" />}
      {confirming && (
        <CancelRotationDialog
          rotation={r}
          busy={act.busy}
          error={cancelError}
          onConfirm={cancel}
          onBack={() => setConfirming(false)}
        />
      )}
    </li>
  );
}
