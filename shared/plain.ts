/**
 * Plain values the renderer needs at start, in a module that imports no zod: the renderer's first
 * bundle stays free of the schema library (the core parses every call; the renderer only renders).
 * `shared/usage.ts` and `shared/rotation.ts` re-export these for the core.
 */

/** The steps of a rotation, in order. `store` is the keychain write of the new key; `finish` makes it current. */
export const ROTATION_STEPS = [
  'create',
  'store',
  'verify',
  'deploy',
  'confirmUse',
  'revoke',
  'confirmRevoked',
  'finish',
  'done',
] as const;
type StepName = (typeof ROTATION_STEPS)[number] | 'cancelling' | 'cancelled';

/** Defaults from the sk-style docs' 90-day advice and a 30-day staleness (the shape of `UsagePolicy`). */
export const DEFAULT_POLICY: { rotateAfterDays: number; staleAfterDays: number } = {
  rotateAfterDays: 90,
  staleAfterDays: 30,
};

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

/** Everything the activity log records (the contract's `ActivityAction` enum is built from this list). */
export const ACTIVITY_ACTIONS = [
  'org.connect',
  'org.connectEnvironment',
  'org.remove',
  'key.create',
  'key.revoke',
  'key.copy',
  'key.reveal',
  'rotation.start',
  'rotation.step',
  'rotation.done',
  'rotation.cancel',
  'org.recover',
  'provider.replace',
] as const;
export type ActivityActionName = (typeof ACTIVITY_ACTIONS)[number];

/** Each activity action in words, for the Activity view and its filter. Never the action's id. */
export const ACTION_WORDS: Record<ActivityActionName, string> = {
  'org.connect': 'Connected an organization',
  'org.connectEnvironment': 'Connected an environment',
  'org.remove': 'Removed an organization',
  'key.create': 'Created a key',
  'key.revoke': 'Revoked a key',
  'key.copy': 'Copied a key',
  'key.reveal': 'Revealed a key',
  'rotation.start': 'Started a rotation',
  'rotation.step': 'Rotation progressed',
  'rotation.done': 'Finished a rotation',
  'rotation.cancel': 'Cancelled a rotation',
  'org.recover': 'Recovered an organization',
  'provider.replace': 'Replaced its provider’s manifest',
};

/**
 * Where a reminder's keys are, truthfully: the places when there are three at most, else how many
 * organizations with the first three places ("In 100 organizations: Org 001 (LIVE), … and 197 more places"),
 * never two names for keys in a hundred.
 */
export function reminderWhere(r: { organizations: number; places: string[]; morePlaces: number }): string {
  const names =
    r.places.length > 1 ? `${r.places.slice(0, -1).join(', ')} and ${r.places.at(-1)}` : (r.places[0] ?? '');
  if (r.morePlaces === 0) return `In ${names}`;
  return `In ${r.organizations.toLocaleString('en-US')} organizations: ${r.places.join(', ')} and ${r.morePlaces.toLocaleString('en-US')} more place${r.morePlaces === 1 ? '' : 's'}`;
}
