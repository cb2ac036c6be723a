import type { Credential, Environment, Organization } from '../../shared/domain.js';
import { fail } from '../../shared/errors.js';
import { ACTIVITY_LIMIT, type ActivityEntry, type MetaDoc, type StoredOrganization } from './store/schema.js';

/**
 * Pure lookups in the metadata document: an organization, its admin key, a credential, the
 * environments it has, how the window sees it, and the activity log's append. No I/O, no secrets.
 */

export function orgIn(doc: MetaDoc, orgId: string): StoredOrganization {
  const org = doc.organizations.find((o) => o.id === orgId);
  if (!org) fail('NOT_FOUND', 'That organization is no longer in Keydeck.');
  return org;
}

/** The organization as the renderer sees it, with the environments derived from its admin keys. */
export function present(doc: MetaDoc, org: StoredOrganization): Organization {
  const envs = new Set(
    doc.credentials.filter((c) => c.orgId === org.id && c.role === 'admin').map((c) => c.environment),
  );
  return { ...org, environments: (['live', 'test'] as const).filter((e) => envs.has(e)) };
}

/**
 * The environments with an admin key, per organization (what `present` derives for one), for every
 * organization (or one) in a single pass over the credentials.
 */
export function adminEnvironments(doc: MetaDoc, orgId?: string): Map<string, Set<Environment>> {
  const environments = new Map<string, Set<Environment>>();
  for (const cred of doc.credentials) {
    if (cred.role !== 'admin' || (orgId && cred.orgId !== orgId)) continue;
    let set = environments.get(cred.orgId);
    if (!set) environments.set(cred.orgId, (set = new Set()));
    set.add(cred.environment);
  }
  return environments;
}

export function adminOf(doc: MetaDoc, org: StoredOrganization, environment: Environment): Credential {
  const cred = doc.credentials.find((c) => c.orgId === org.id && c.environment === environment && c.role === 'admin');
  if (!cred) fail('NOT_FOUND', `No ${environment} key is connected for ${org.name}. Connect one first.`);
  return cred;
}

export function credentialIn(doc: MetaDoc, org: StoredOrganization, credentialId: string): Credential {
  const cred = doc.credentials.find((x) => x.id === credentialId && x.orgId === org.id);
  if (!cred) fail('NOT_FOUND', 'Keydeck no longer holds that key.');
  return cred;
}

/** Appends to the activity log (inside an update), keeping its last ACTIVITY_LIMIT entries. */
export function appendActivity(doc: MetaDoc, entry: ActivityEntry): void {
  doc.activity.push(entry);
  if (doc.activity.length > ACTIVITY_LIMIT) doc.activity.splice(0, doc.activity.length - ACTIVITY_LIMIT);
}
