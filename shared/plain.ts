/**
 * Plain values the renderer needs at start, in a module that imports no zod: the renderer's first
 * bundle stays free of the schema library (the core parses every call; the renderer only renders).
 * `shared/usage.ts` and `shared/rotation.ts` re-export these for the core.
 */

/** The steps of a rotation, in order. `store` is the keychain write of the new key; `finish` makes it current. */
export const ROTATION_STEPS = ['create', 'store', 'verify', 'deploy', 'confirmUse', 'revoke', 'confirmRevoked', 'finish', 'done'] as const;
type StepName = (typeof ROTATION_STEPS)[number] | 'cancelling' | 'cancelled';

/** Defaults from the sk-style docs' 90-day advice and a 30-day staleness (the shape of `UsagePolicy`). */
export const DEFAULT_POLICY: { rotateAfterDays: number; staleAfterDays: number } = { rotateAfterDays: 90, staleAfterDays: 30 };

/** Whether the tray is on: the person's choice, else off on Linux (trays are unreliable there) and on elsewhere. */
export function trayOn(settings: { tray?: boolean }, platform: string): boolean {
  return settings.tray ?? platform !== 'linux';
}

/** Each step in words, for sentences such as "stopped while …" (in the core's messages and the UI). Never the step's id. */
export const STEP_WORDS: Record<StepName, string> = {
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
