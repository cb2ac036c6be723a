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

type State = 'done' | 'current' | 'waiting' | 'failed' | 'todo' | 'skipped';

/** Each step's state, derived from the journal (not stored twice). */
function stateOf(r: RotationView, id: (typeof STEPS)[number]['id']): State {
  if (r.step === 'cancelled' || r.step === 'cancelling') return r.newKey.storedAt && (id === 'create' || id === 'store' || id === 'plan') ? 'done' : 'skipped';
  const order = STEPS.map((s) => s.id as string);
  const current = r.step === 'done' ? order.length : r.step === 'store' ? order.indexOf('create') : order.indexOf(r.step);
  const here = order.indexOf(id);
  if (id === 'plan') return 'done';
  if (id === 'store') return r.newKey.storedAt ? 'done' : current > order.indexOf('create') ? 'done' : 'todo';
  if (here < current || r.status === 'done') return 'done';
  if (here === current) return r.status === 'failed' ? 'failed' : r.status === 'needs-user' ? 'waiting' : 'current';
  return 'todo';
}

const WORDS: Record<State, string> = { done: 'done', current: 'in progress', waiting: 'needs you', failed: 'failed', todo: 'to do', skipped: 'skipped' };

/** The rotation's steps, each with its state in words (not colour alone). */
export function Stepper({ rotation }: { rotation: RotationView }) {
  return (
    <ol className="stepper" aria-label="Rotation steps">
      {STEPS.map((s) => {
        const state = stateOf(rotation, s.id);
        return (
          <li key={s.id} className={`step step-${state}`} aria-current={state === 'waiting' || state === 'current' || state === 'failed' ? 'step' : undefined}>
            <span className="step-label">{s.label}</span>
            <span className="step-state">{WORDS[state]}</span>
          </li>
        );
      })}
    </ol>
  );
}
