/** Each step of a rotation in words (shared with the core's messages). */
export { STEP_WORDS } from '../../../shared/plain.js';

/** The mutation key every rotation action uses, so the wizard knows when the banner is acting on its rotation. */
export const rotationActKey = (rotationId: string) => ['rotation-act', rotationId] as const;
