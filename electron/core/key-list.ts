/**
 * A provider's key list as Keydeck shows it: each key joined with the credential Keydeck holds for it
 * (by id, else by prefix and last 4), ids and names learnt from the list, and a held key the list does
 * not show kept visible as such. For providers that cannot list by API, the held keys themselves.
 */
import { type KeyRecord, type Credential } from '../../shared/domain.js';
import { maskFromParts } from '../../shared/keys.js';
import type { CoreContext } from './context.js';
import type { ProviderKey } from './providers/types.js';
import type { MetaDoc, StoredOrganization } from './store/schema.js';

/** A held key's part in a rotation in progress, from its credential's role. */
function rotationPart(c: Credential | undefined): KeyRecord['rotation'] {
  return c?.role === 'pending' ? 'new' : c?.role === 'retiring' ? 'old' : undefined;
}

/** Joins a provider's key with the credential Keydeck holds for it (by id, else by prefix + last 4). */
export function joinHeld(key: ProviderKey, creds: Credential[], fallbackPrefix: string): KeyRecord {
  const held =
    creds.find((c) => c.providerKeyId === key.id) ??
    creds.find(
      (c) =>
        !c.providerKeyId && key.last4 !== undefined && c.last4 === key.last4 && c.prefix === (key.prefix ?? c.prefix),
    );
  const prefix = key.prefix ?? held?.prefix ?? fallbackPrefix;
  return {
    id: key.id,
    name: key.name,
    // A list without last 4 (sk-style): for a key Keydeck holds, the last 4 is its own secret's
    // (public in every dashboard; never more than 4 characters).
    masked: key.last4
      ? maskFromParts(prefix, key.last4)
      : held?.last4
        ? maskFromParts(prefix, held.last4)
        : `${prefix}••••`,
    environment: key.environment ?? held?.environment ?? 'live',
    status: key.status,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    scope: key.scope,
    heldCredentialId: held?.id,
    isAdmin: held?.role === 'admin',
    ...(rotationPart(held) ? { rotation: rotationPart(held) } : {}),
  };
}

/**
 * A credential shown as a key record, for providers that cannot list keys by API: its status is
 * the provider's last answer to this key (refused → revoked or expired; accepted → active).
 */
export function fromCredential(c: Credential): KeyRecord {
  const rejectedLast = c.rejectedAt !== undefined && (!c.verifiedAt || c.rejectedAt >= c.verifiedAt);
  return {
    id: c.providerKeyId ?? c.id,
    name: c.label,
    masked: maskFromParts(c.prefix, c.last4),
    environment: c.environment,
    status: rejectedLast
      ? c.rejectedCode === 'KEY_EXPIRED'
        ? 'expired'
        : 'revoked'
      : c.verifiedAt
        ? 'active'
        : 'unknown',
    createdAt: c.createdAt,
    heldCredentialId: c.id,
    isAdmin: c.role === 'admin',
    verifiedAt: c.verifiedAt,
    ...(rotationPart(c) ? { rotation: rotationPart(c) } : {}),
  };
}

/** The provider's own name for a key, when it gives one that can serve as Keydeck's label. */
function providerLabel(r: KeyRecord): string | undefined {
  const name = r.name.trim().slice(0, 200);
  return name || undefined;
}

/**
 * Remembers provider ids learnt from a list for credentials that lacked one, and takes the
 * provider's name for a held key as its label: one name for one key, in the list, the rotation
 * banners and the reminders alike (the label given at connect is only a stand-in until then).
 */
async function learnIds(c: CoreContext, records: KeyRecord[]): Promise<void> {
  const creds = new Map(c.deps.meta.read().credentials.map((x) => [x.id, x]));
  const learnt = records.filter((r) => {
    const cred = r.heldCredentialId ? creds.get(r.heldCredentialId) : undefined;
    if (!cred || r.unmatched) return false;
    const idNew = r.status === 'active' && !cred.providerKeyId;
    const label = providerLabel(r);
    // The name is taken only for a key matched by its id (or whose id is learnt now).
    return idNew || (label !== undefined && label !== cred.label && cred.providerKeyId === r.id);
  });
  // Nothing new learnt: no write (a Refresh all of 200 lists must not rewrite the metadata 200 times).
  if (learnt.length === 0) return;
  await c.deps.meta.update((doc) => {
    for (const r of learnt) {
      const cred = doc.credentials.find((x) => x.id === r.heldCredentialId);
      if (!cred) continue;
      if (!cred.providerKeyId && r.status === 'active') cred.providerKeyId = r.id;
      const label = providerLabel(r);
      if (label && cred.providerKeyId === r.id) cred.label = label;
    }
  });
}

export async function listFromProvider(
  c: CoreContext,
  doc: MetaDoc,
  org: StoredOrganization,
  environment: 'live' | 'test',
) {
  const adapter = c.adapter(org);
  const creds = doc.credentials.filter((x) => x.orgId === org.id && x.environment === environment);
  if (!adapter.list) {
    return { keys: creds.map(fromCredential), source: 'keydeck' as const };
  }
  const { ctx, admin } = await c.callWith(doc, org, environment);
  const keys = await adapter.list(ctx);
  const records = keys
    .filter((k) => (k.environment ?? environment) === environment)
    .map((k) => joinHeld(k, creds, admin.prefix));
  await learnIds(c, records);
  // A key Keydeck holds is never hidden: one the list could not be matched to is shown as such.
  const joined = new Set(records.map((r) => r.heldCredentialId));
  const unmatched = creds
    .filter((x) => !joined.has(x.id))
    .map((x) => ({ ...fromCredential(x), id: x.id, unmatched: true }));
  return { keys: [...records, ...unmatched], source: 'provider' as const };
}
