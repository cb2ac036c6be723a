import { z } from 'zod';
import { Credential, Environment, LocalId, Organization, ProviderKeyId, Timestamp } from '../../../shared/domain.js';
import { ActivityAction } from '../../../shared/contract.js';
import { DeployTarget, Rotation } from '../../../shared/rotation.js';
import { DEFAULT_SETTINGS, Settings } from '../../../shared/usage.js';
import { ProviderManifest } from '../providers/manifest/schema.js';

/** The current metadata schema version. Bump it and add a migration in meta-store.ts for every change. */
export const SCHEMA_VERSION = 4;

/** An organization as stored: its environments are derived from its credentials, never stored twice. */
export const StoredOrganization = Organization.omit({ environments: true });
export type StoredOrganization = z.infer<typeof StoredOrganization>;

/** One line of the activity log. Public facts only: ids, last 4, never a secret. */
export const ActivityEntry = z.object({
  at: Timestamp,
  action: ActivityAction,
  orgId: LocalId,
  environment: Environment.optional(),
  keyId: ProviderKeyId.optional(),
  last4: z.string().max(4).optional(),
  detail: z.string().max(500).optional(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/** A provider the person added: its manifest as checked when added (defaults filled in), and when. */
export const StoredProvider = z.object({ manifest: ProviderManifest, addedAt: Timestamp });
export type StoredProvider = z.infer<typeof StoredProvider>;

/**
 * The whole metadata document. Names, ids, prefixes, last 4, dates: never a secret. The order of
 * the fields is the order in the file, most precious first: a file cut off by a crash or a full
 * disk loses its tail, so the rotation journals come first and the (long, least needed) activity
 * log last.
 */
export const MetaDoc = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** Rotation journals, finished ones included (the latest 200). */
  rotations: z.array(Rotation),
  organizations: z.array(StoredOrganization),
  credentials: z.array(Credential),
  /** Deploy targets remembered per credential, for its next rotation. */
  deployPrefs: z.record(z.string(), z.array(DeployTarget)),
  /** The person's preferences. */
  settings: Settings,
  /**
   * Providers the person added from a manifest (Settings → Providers), checked again on every read:
   * untrusted input, and never a secret (the store refuses to write one).
   */
  providers: z.array(StoredProvider),
  activity: z.array(ActivityEntry),
});
export type MetaDoc = z.infer<typeof MetaDoc>;

export function emptyDoc(): MetaDoc {
  return {
    schemaVersion: SCHEMA_VERSION,
    rotations: [],
    organizations: [],
    credentials: [],
    deployPrefs: {},
    settings: { ...DEFAULT_SETTINGS },
    providers: [],
    activity: [],
  };
}

/** The activity log keeps this many entries; older ones roll off. */
export const ACTIVITY_LIMIT = 5000;
