import { z } from 'zod';
import { Environment, LocalId, ProviderKeyId, Timestamp } from './domain.js';
import { KeydeckError } from './errors.js';
import { ROTATION_STEPS } from './plain.js';

export { ROTATION_STEPS };

/**
 * A rotation's journal: everything Keydeck needs to resume it after a crash at any point, and
 * never a secret. It is written before every side effect (the `intent`), so on resume Keydeck knows
 * what may have happened at the provider and checks before acting again.
 */

export const RotationStep = z.enum([...ROTATION_STEPS, 'cancelling', 'cancelled']);
export type RotationStep = z.infer<typeof RotationStep>;

export { STEP_WORDS } from './plain.js';

/** `running`: Keydeck can go on by itself. `needs-user`: waiting for the person. `failed`: an error to retry or cancel. */
export const RotationStatus = z.enum(['running', 'needs-user', 'failed', 'done', 'cancelled']);
export type RotationStatus = z.infer<typeof RotationStatus>;

/** Where a new key goes. Remembered per key for its next rotation. */
export const DeployTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('clipboard') }),
  z.object({
    kind: z.literal('envFile'),
    /** Absolute path of a `.env` file the user picked. */
    path: z.string().min(1).max(4096),
    variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a variable name: letters, digits and _'),
  }),
  z.object({ kind: z.literal('manual') }),
]);
export type DeployTarget = z.infer<typeof DeployTarget>;

/**
 * What a deploy target held before the rotation first wrote to it, recorded once per rotation and
 * target before that first write, so cancel can put things back. Never a secret: a file's previous
 * value is described (the old key, nothing, or something else kept in the backup file).
 */
export const DeployRecord = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('envFile'),
    /** The file as the person gave it, and the real file written (a symlink's target). */
    path: z.string().min(1).max(4096),
    variable: z.string().max(128),
    /**
     * `old-key`: it held the key being rotated. `absent`: no such variable. `other`: another value, kept in `backup`.
     * `new-key`: it already held the new key (the person put it there themselves): cancel puts the old key there.
     */
    previous: z.enum(['old-key', 'new-key', 'absent', 'other', 'missing-file']),
    /** The copy of the file taken before the first write (mode 0600), removed when the rotation ends. */
    backup: z.string().max(4200).optional(),
    at: Timestamp,
  }),
  z.object({ kind: z.literal('clipboard'), at: Timestamp }),
]);
export type DeployRecord = z.infer<typeof DeployRecord>;

const KeyFacts = z.object({
  credentialId: LocalId,
  providerKeyId: ProviderKeyId.optional(),
  prefix: z.string().max(40).optional(),
  last4: z.string().max(4).optional(),
});

export const Rotation = z.object({
  id: z.string().regex(/^rot_[A-Za-z0-9]{8,40}$/),
  orgId: LocalId,
  environment: Environment,
  old: KeyFacts.extend({
    label: z.string().max(200),
    role: z.enum(['admin', 'held']),
    prefix: z.string().max(40),
    last4: z.string().max(4),
  }),
  /** The new key: its credential id is reserved at plan time, so a secret stored before a crash is found again. */
  newKey: KeyFacts.extend({
    name: z.string().max(200),
    /** The old key's scope (Laghav's app_id), so the new key can do what the old one did. */
    scope: z.string().max(200).optional(),
    storedAt: Timestamp.optional(),
    verifiedAt: Timestamp.optional(),
  }),
  /** Keys created at the provider whose answer was lost: found by listing, then revoked. */
  orphans: z.array(z.object({ providerKeyId: ProviderKeyId, foundAt: Timestamp, revokedAt: Timestamp.optional() })),
  /** The side effect about to happen; cleared once its outcome is recorded. */
  intent: z
    .object({ action: z.enum(['create', 'revoke-old', 'revoke-new', 'revoke-orphan', 'restore']), at: Timestamp })
    .optional(),
  step: RotationStep,
  status: RotationStatus,
  error: KeydeckError.optional(),
  /** What the person must do now, in plain words (set with needs-user). */
  waitingFor: z.string().max(1000).optional(),
  deployTargets: z.array(DeployTarget),
  deployResults: z.array(
    z.object({ at: Timestamp, target: z.string().max(4200), ok: z.boolean(), message: z.string().max(1000) }),
  ),
  /** What each target held before this rotation first wrote to it (see DeployRecord). */
  deployRecords: z.array(DeployRecord).max(20).default([]),
  /** What cancelling put back, and what it could not (file, variable, why). */
  restoreResults: z
    .array(z.object({ target: z.string().max(4200), ok: z.boolean(), message: z.string().max(1000) }))
    .max(20)
    .optional(),
  deployedAt: Timestamp.optional(),
  useConfirmedAt: Timestamp.optional(),
  useOverride: z.boolean().optional(),
  quietWindowMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  /** Last-use observations, where the provider reports them, not counting Keydeck's own calls. */
  usage: z.object({
    polls: z.number().int().nonnegative(),
    newFirstUseAt: Timestamp.optional(),
    oldLastUseAt: Timestamp.optional(),
    keydeckCalls: z.object({ old: Timestamp.optional(), new: Timestamp.optional() }),
    checkedAt: Timestamp.optional(),
  }),
  adminSwitchedAt: Timestamp.optional(),
  oldRevokedAt: Timestamp.optional(),
  oldRejectedAt: Timestamp.optional(),
  oldRejectedCode: z.string().max(60).optional(),
  liveConfirmedAt: Timestamp.optional(),
  /** Cancelling where revocation is dashboard-only: when the person said they revoked the new key. */
  cancelRevokeClaimedAt: Timestamp.optional(),
  startedAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: Timestamp.optional(),
  /** Each step as it happened, for the wizard and the activity log. Public facts only. */
  history: z.array(z.object({ at: Timestamp, step: z.string().max(40), event: z.string().max(500) })).max(500),
});
export type Rotation = z.infer<typeof Rotation>;

/** Steps after which cancelling can no longer roll back: the old key is being, or has been, revoked. */
export const POINT_OF_NO_RETURN: readonly RotationStep[] = ['revoke', 'confirmRevoked', 'finish', 'done'];

/** The name a rotated key gets at the provider: recognisable, so a lost create answer is found by listing. */
export function rotatedName(oldName: string, date: Date): string {
  const suffix = ` (rotated ${date.toISOString().slice(0, 10)})`;
  return `${oldName.replace(/ \(rotated \d{4}-\d{2}-\d{2}\)$/, '').slice(0, 200 - suffix.length)}${suffix}`;
}

export function isFinished(r: Rotation): boolean {
  return r.status === 'done' || r.status === 'cancelled';
}

/** A rotation as the wizard sees it: the journal plus what it needs to decide what to show. */
export const RotationView = Rotation.extend({
  orgName: z.string(),
  provider: z.string(),
  canCancel: z.boolean(),
  /** Targets this key was deployed to last time, offered again. */
  rememberedTargets: z.array(DeployTarget),
  /** The provider's env var convention, the default variable name for a .env target. */
  envVar: z.string(),
  /** What Cancel would do now, in plain words, for the confirmation the person is asked. */
  cancelPlan: z.array(z.string()),
  /** Where the provider reports last use: whether Keydeck recommends revoking the old key now, and why. */
  recommendation: z.object({ ready: z.boolean(), reason: z.string() }).optional(),
});
export type RotationView = z.infer<typeof RotationView>;

/** What the person (or the wizard) asks a rotation to do next. */
export const RotationAction = z.discriminatedUnion('kind', [
  /** Go on with the automatic steps (after a crash or a failure). */
  z.object({ kind: z.literal('resume') }).strict(),
  /** The key created in the provider's dashboard, pasted back. */
  z.object({ kind: z.literal('pasteNew'), key: z.string().max(256 * 1024) }).strict(),
  /** Send the new key to these targets (may be repeated). */
  z.object({ kind: z.literal('deploy'), targets: z.array(DeployTarget).min(1).max(10) }).strict(),
  /** The person says the new key is deployed everywhere it is needed. */
  z.object({ kind: z.literal('deployed') }).strict(),
  /** Look again at last-use, where the provider reports it. */
  z.object({ kind: z.literal('refreshUsage') }).strict(),
  z
    .object({
      kind: z.literal('setQuietWindow'),
      minutes: z
        .number()
        .int()
        .min(0)
        .max(60 * 24 * 30),
    })
    .strict(),
  /** The person confirms the new key is in use; `override` revokes even though Keydeck recommends waiting. */
  z.object({ kind: z.literal('confirmUse'), override: z.boolean() }).strict(),
  /** The person says they revoked the key in the provider's dashboard; Keydeck then checks. */
  z.object({ kind: z.literal('revokedInDashboard') }).strict(),
  z.object({ kind: z.literal('cancel') }).strict(),
]);
export type RotationAction = z.infer<typeof RotationAction>;
