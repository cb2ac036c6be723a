import { fail, KeydeckFailure } from '../../../shared/errors.js';
import { STEP_WORDS, type Rotation, type RotationAction, type RotationStep } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import { lock, type Exclusive } from '../exclusive.js';
import type { StoredOrganization } from '../store/schema.js';
import { applyAction } from './actions.js';
import { Journal } from './journal.js';
import type { Boundary, Kit } from './kit.js';
import { cancel } from './steps/cancel.js';
import { confirmOldRejected } from './steps/confirm-revoked.js';
import { create } from './steps/create.js';
import { finish } from './steps/finish.js';
import { revokeOld } from './steps/revoke.js';
import { verifyNew } from './steps/verify.js';

export { BOUNDARIES, CANCEL_BOUNDARIES, FORWARD_BOUNDARIES, type Boundary, type BoundaryName } from './kit.js';

/** A step Keydeck runs by itself, or `person` where the rotation waits for the person (their actions: actions.ts). */
type Step = ((k: Kit, org: StoredOrganization, r: Rotation) => Promise<void>) | 'person' | 'over';

/**
 * The rotation, as its steps (each in `steps/`):
 *
 *   create → (store) → verify → deploy* → confirmUse* → revoke → confirmRevoked → finish → done
 *   cancelling → cancelled                 (* waits for the person; dashboard-only create and revoke wait too)
 *
 * Invariants: a created key is in the keychain (pending) before anything else happens; the old key
 * is never revoked before the new one is verified, deployed and confirmed in use; the old key is
 * only forgotten after the provider refuses it (401).
 */
export const STEPS: Record<RotationStep, Step> = {
  create,
  store: create,
  verify: verifyNew,
  deploy: 'person',
  confirmUse: 'person',
  revoke: revokeOld,
  confirmRevoked: confirmOldRejected,
  finish,
  cancelling: cancel,
  done: 'over',
  cancelled: 'over',
};

/**
 * The rotation state machine: a loop over the step table, one rotation at a time. Every side effect
 * is journaled before and after (journal.ts), so `run` can be called again after a crash at any
 * point and finds its way.
 */
export class RotationEngine implements Kit {
  readonly journal: Journal;

  constructor(
    readonly c: CoreContext,
    readonly copySecret: (secret: string) => Promise<unknown>,
    /** The core's one-change-at-a-time guard, shared with every other mutating call. */
    private readonly guard: Exclusive,
    readonly boundary: Boundary = () => undefined,
  ) {
    this.journal = new Journal(c);
  }

  /**
   * Runs one operation on a rotation holding its lock and its organization-environment's: the same
   * action twice at once (a double click) gets the first one's answer; anything else meanwhile is BUSY.
   */
  private exclusive<T>(id: string, identity: unknown, op: () => Promise<T>, extra: string[] = []): Promise<T> {
    const r = this.get(id);
    return this.guard.run(
      [lock.rotation(id), lock.orgEnv(r.orgId, r.environment), ...extra],
      identity,
      'working on this rotation',
      op,
    );
  }

  get(id: string): Rotation {
    return this.journal.get(id);
  }

  org(r: Rotation): StoredOrganization {
    return this.c.org(this.c.deps.meta.read(), r.orgId);
  }

  newAccount(org: StoredOrganization, r: Rotation): string {
    return this.c.account(org, { environment: r.environment, id: r.newKey.credentialId });
  }

  oldAccount(org: StoredOrganization, r: Rotation): string {
    return this.c.account(org, { environment: r.environment, id: r.old.credentialId });
  }

  async adminCtx(org: StoredOrganization, r: Rotation) {
    return (await this.c.callWith(this.c.deps.meta.read(), org, r.environment)).ctx;
  }

  /** Applies a person's action, then runs whatever Keydeck can do by itself. */
  async act(id: string, action: RotationAction): Promise<Rotation> {
    // A pasted key is locked by its hash too, as for connect and adopt: one key never becomes two credentials.
    const extra = action.kind === 'pasteNew' ? [lock.key(action.key.trim())] : [];
    return this.exclusive(
      id,
      ['rotation.act', id, action],
      async () => {
        let r = this.get(id);
        if (r.status === 'done' || r.status === 'cancelled') fail('CONFLICT', 'This rotation is already over.');
        r = await applyAction(this, r, action);
        return this.drive(r.id);
      },
      extra,
    );
  }

  /** Resumes the automatic steps of an unfinished rotation. */
  async run(id: string): Promise<Rotation> {
    return this.exclusive(id, ['rotation.run', id], () => this.drive(id));
  }

  /** Runs the first automatic steps of a rotation just planned; the caller holds its organization-environment's lock. */
  async runNew(id: string): Promise<Rotation> {
    return this.guard.run([lock.rotation(id)], ['rotation.run', id], 'starting this rotation', () => this.drive(id));
  }

  /** The loop: while the rotation is running, its step runs; an error stops it as failed (Retry resumes it). */
  private async drive(id: string): Promise<Rotation> {
    for (let guard = 0; guard < 20; guard++) {
      const r = this.get(id);
      if (r.status !== 'running') return r;
      try {
        // The organization first, for every step: one removed meanwhile stops the rotation as failed (NOT_FOUND).
        const org = this.org(r);
        const step = STEPS[r.step];
        if (step === 'person') await this.journal.save(r.id, (x) => void (x.status = 'needs-user'));
        else if (step !== 'over') await step(this, org, r);
      } catch (error) {
        const e =
          error instanceof KeydeckFailure
            ? error.error
            : { code: 'INTERNAL' as const, message: 'Keydeck hit an unexpected problem in this step.' };
        if (!(error instanceof KeydeckFailure))
          this.c.deps.logger.log('error', 'rotation.crashed', { rotation: id, step: r.step, error });
        return this.journal.save(
          id,
          (x) => {
            x.status = 'failed';
            x.error = e;
          },
          `stopped while ${STEP_WORDS[r.step]}, after an error`,
        );
      }
    }
    return this.get(id);
  }
}
