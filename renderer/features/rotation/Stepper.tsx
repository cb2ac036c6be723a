import type { RotationView } from '../../../shared/rotation.js';

const STEPS = [
  { id: 'plan', label: 'Plan' },
  { id: 'create', label: 'Create new key' },
  { id: 'store', label: 'Store in keychain' },
  { id: 'verify', label: 'Verify new key' },
  { id: 'deploy', label: 'Deploy' },
  { id: 'confirmUse', label: 'Confirm in use' },
  { id: 'revoke', label: 'Revoke old key' },
  { id: 'confirmRevoked', label: 'Confirm old key is dead' },
  { id: 'finish', label: 'Done' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

type State = 'done' | 'current' | 'waiting' | 'failed' | 'todo' | 'notrun';

/** Each step's state, derived from the journal (not stored twice). */
function stateOf(r: RotationView, id: StepId): State {
  const order = STEPS.map((s) => s.id as string);
  const current =
    r.step === 'done' ? order.length : r.step === 'store' ? order.indexOf('create') : order.indexOf(r.step);
  const here = order.indexOf(id);
  if (id === 'plan') return 'done';
  if (id === 'store') return r.newKey.storedAt ? 'done' : current > order.indexOf('create') ? 'done' : 'todo';
  if (here < current || r.status === 'done') return 'done';
  if (here === current) return r.status === 'failed' ? 'failed' : r.status === 'needs-user' ? 'waiting' : 'current';
  return 'todo';
}

/**
 * What a cancelled (or cancelling) rotation really did, from the facts in its journal: a step ran
 * when its fact is there, whatever step the rotation was at when the person cancelled.
 */
function ranBeforeCancel(r: RotationView, id: StepId): boolean {
  switch (id) {
    case 'plan':
      return true;
    case 'create':
      return Boolean(r.newKey.providerKeyId || r.newKey.storedAt);
    case 'store':
      return Boolean(r.newKey.storedAt);
    case 'verify':
      return Boolean(r.newKey.verifiedAt);
    case 'deploy':
      return Boolean(r.deployedAt || r.deployResults.some((d) => d.ok));
    case 'confirmUse':
      return Boolean(r.useConfirmedAt);
    case 'revoke':
      return Boolean(r.oldRevokedAt);
    case 'confirmRevoked':
      return Boolean(r.oldRejectedAt);
    case 'finish':
      return false;
  }
}

const WORDS: Record<State, string> = {
  done: 'done',
  current: 'in progress',
  waiting: 'needs you',
  failed: 'failed',
  todo: 'to do',
  notrun: 'not run',
};

/** The rotation's steps, each with its state in words (not colour alone). */
export function Stepper({ rotation: r }: { rotation: RotationView }) {
  const cancelling = r.step === 'cancelled' || r.step === 'cancelling';
  if (cancelling) {
    // The steps that ran, then the cancel as the last state; "Done" never happens in a cancelled rotation.
    const cancelState: State =
      r.step === 'cancelled'
        ? 'done'
        : r.status === 'failed'
          ? 'failed'
          : r.status === 'needs-user'
            ? 'waiting'
            : 'current';
    return (
      <ol className="stepper" aria-label="Rotation steps">
        {STEPS.filter((s) => s.id !== 'finish').map((s) => {
          const state: State = ranBeforeCancel(r, s.id) ? 'done' : 'notrun';
          return (
            <li key={s.id} className={`step step-${state}`} data-step={s.id} data-state={state}>
              <span className="step-label">{s.label}</span>
              <span className="step-state">{WORDS[state]}</span>
            </li>
          );
        })}
        <li
          className={`step step-cancel step-${cancelState}`}
          data-step="cancel"
          data-state={cancelState}
          aria-current={cancelState === 'done' ? undefined : 'step'}
        >
          <span className="step-label">Cancel and roll back</span>
          <span className="step-state">{WORDS[cancelState]}</span>
        </li>
      </ol>
    );
  }
  return (
    <ol className="stepper" aria-label="Rotation steps">
      {STEPS.map((s) => {
        const state = stateOf(r, s.id);
        return (
          <li
            key={s.id}
            className={`step step-${state}`}
            data-step={s.id}
            data-state={state}
            aria-current={state === 'waiting' || state === 'current' || state === 'failed' ? 'step' : undefined}
          >
            <span className="step-label">{s.label}</span>
            <span className="step-state">{WORDS[state]}</span>
          </li>
        );
      })}
    </ol>
  );
}
