import { z } from 'zod';
import { Credential, Environment, LocalId, Organization, ProviderKeyId, Timestamp } from '../../../shared/domain.js';

/** The current metadata schema version. Bump it and add a migration in migrations.ts for every change. */
export const SCHEMA_VERSION = 1;

/** An organization as stored: its environments are derived from its credentials, never stored twice. */
export const StoredOrganization = Organization.omit({ environments: true });
export type StoredOrganization = z.infer<typeof StoredOrganization>;

/** One line of the activity log. Public facts only: ids, last 4, never a secret. */
export const ActivityEntry = z.object({
  at: Timestamp,
  action: z.enum(['org.connect', 'org.connectEnvironment', 'org.remove', 'key.create', 'key.revoke', 'key.copy']),
  orgId: LocalId,
  environment: Environment.optional(),
  keyId: ProviderKeyId.optional(),
  last4: z.string().max(4).optional(),
  detail: z.string().max(500).optional(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/** The whole metadata document. Names, ids, prefixes, last 4, dates: never a secret. */
export const MetaDoc = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  organizations: z.array(StoredOrganization),
  credentials: z.array(Credential),
  activity: z.array(ActivityEntry),
});
export type MetaDoc = z.infer<typeof MetaDoc>;

export function emptyDoc(): MetaDoc {
  return { schemaVersion: SCHEMA_VERSION, organizations: [], credentials: [], activity: [] };
}

/** The activity log keeps this many entries; older ones roll off. */
export const ACTIVITY_LIMIT = 5000;
