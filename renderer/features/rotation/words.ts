import type { RotationStep } from '../../../shared/rotation.js';

/** Each step of a rotation in words, for sentences such as "stopped while …". Never the step's id. */
export const STEP_WORDS: Record<RotationStep, string> = {
  create: 'creating the new key',
  store: 'storing the new key in your keychain',
  verify: 'verifying the new key',
  deploy: 'deploying the new key',
  confirmUse: 'confirming the new key is in use',
  revoke: 'revoking the old key',
  confirmRevoked: 'confirming the old key is dead',
  finish: 'making the new key current',
  done: 'finishing',
  cancelling: 'cancelling the rotation',
  cancelled: 'cancelling the rotation',
};

/** The mutation key every rotation action uses, so the wizard knows when the banner is acting on its rotation. */
export const rotationActKey = (rotationId: string) => ['rotation-act', rotationId] as const;
