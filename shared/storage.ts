import { z } from 'zod';
import { KeydeckError } from './errors.js';

/**
 * Where Keydeck keeps secrets right now. `keychain`: the OS keychain (the only place keys are ever
 * kept at rest). `session`: no keychain is available and the person chose session-only mode: test
 * keys are held in this process's memory until Keydeck quits, live keys are refused.
 */
export const VaultStatus = z.object({
  mode: z.enum(['keychain', 'session']),
  /** Why the keychain cannot be used now (KEYCHAIN_UNAVAILABLE, _LOCKED, _TIMEOUT, _ERROR); absent when it works. */
  problem: KeydeckError.optional(),
  /** True when session-only mode can be turned on: only when no keychain is available at all. */
  sessionOffered: z.boolean(),
  /** Test keys held in memory in session-only mode. */
  sessionKeys: z.number().int().nonnegative(),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

/** How much of a damaged metadata file could be read back, per kind of record. */
export const SalvageCounts = z.object({
  organizations: z.number().int().nonnegative(),
  credentials: z.number().int().nonnegative(),
  rotations: z.number().int().nonnegative(),
  /** Of `rotations`, the ones not yet done or cancelled. */
  unfinishedRotations: z.number().int().nonnegative(),
  activity: z.number().int().nonnegative(),
});
export type SalvageCounts = z.infer<typeof SalvageCounts>;

/** The metadata file as Keydeck found it. */
export const StoreStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ok'), path: z.string() }),
  /** Written by a newer Keydeck: refused, left untouched, never "recovered". */
  z.object({ state: z.literal('newer'), path: z.string(), message: z.string() }),
  /** Could not be read at all (permissions, I/O): nothing to rebuild from, the person must fix it. */
  z.object({ state: z.literal('unreadable'), path: z.string(), message: z.string() }),
  /**
   * Damaged (cut off, not JSON, or not Keydeck's schema): Keydeck is in recovery mode. Nothing has
   * been changed yet; `salvage` is what the file still holds, `unreadable` what it does not.
   */
  z.object({
    state: z.literal('corrupt'),
    path: z.string(),
    problem: z.string(),
    salvage: SalvageCounts,
    unreadable: SalvageCounts.omit({ unfinishedRotations: true }),
    /** Rotation journals that could not be read back: their ids, where the damaged text still shows them. */
    unreadableRotationIds: z.array(z.string()).max(1000),
    /** The copy Keydeck took when it last started with a whole file, if there is one: what it holds. */
    lastGood: z
      .object({
        takenAt: z.string(),
        organizations: z.number().int().nonnegative(),
        credentials: z.number().int().nonnegative(),
        rotations: z.number().int().nonnegative(),
      })
      .optional(),
    /** Secrets Keydeck filed in the keychain, by count only, that recovery can rebuild from. */
    keychainEntries: z.number().int().nonnegative(),
    keychainProblem: KeydeckError.optional(),
  }),
]);
export type StoreStatus = z.infer<typeof StoreStatus>;

/** What a rebuild did. */
export const RecoveryReport = z.object({
  /** The damaged file, kept byte for byte under this name. */
  keptCopy: z.string(),
  fromFile: SalvageCounts,
  /** Records the damaged file lost, taken back from the copy made when Keydeck last started. */
  fromLastGood: z.object({
    organizations: z.number().int().nonnegative(),
    credentials: z.number().int().nonnegative(),
    rotations: z.number().int().nonnegative(),
  }),
  fromKeychain: z.object({
    organizations: z.number().int().nonnegative(),
    credentials: z.number().int().nonnegative(),
  }),
  /** Recovered keys the provider accepted, refused, or that could not be checked now. */
  verified: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  unchecked: z.number().int().nonnegative(),
  unreadableRotationIds: z.array(z.string()).max(1000),
  /** Plain-words notes: what to check or redo (names lost, API URLs to set again…). */
  notes: z.array(z.string().max(1000)).max(200),
});
export type RecoveryReport = z.infer<typeof RecoveryReport>;
