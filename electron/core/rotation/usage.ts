import type { ProviderInfo } from '../../../shared/domain.js';
import type { Rotation } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import type { StoredOrganization } from '../store/schema.js';

/** Keydeck's own calls move a key's last-use date too; uses within this margin of one are Keydeck's. */
const OWN_CALL_MARGIN_MS = 5_000;

/**
 * Whether Keydeck recommends revoking the old key now, where the provider reports last use: the
 * new key has been used (by something other than Keydeck) and the old one has been quiet for the
 * chosen window. Undefined where the provider does not report last use (the person decides).
 */
export function recommendation(
  r: Rotation,
  info: ProviderInfo,
  now: Date,
): { ready: boolean; reason: string } | undefined {
  if (!info.reportsLastUsed) return undefined;
  if (!r.usage.checkedAt) return { ready: false, reason: 'Keydeck has not looked at last use yet.' };
  if (!r.usage.newFirstUseAt) return { ready: false, reason: 'The new key has not been used yet.' };
  const windowMs = r.quietWindowMinutes * 60_000;
  const quietSince = r.usage.oldLastUseAt ? Date.parse(r.usage.oldLastUseAt) : Date.parse(r.deployedAt ?? r.startedAt);
  const quietFor = now.getTime() - quietSince;
  if (quietFor < windowMs) {
    const left = Math.ceil((windowMs - quietFor) / 60_000);
    return {
      ready: false,
      reason: `The old key was used ${r.usage.oldLastUseAt ? 'recently' : 'until the deploy'}; wait about ${left} more min of quiet.`,
    };
  }
  return {
    ready: true,
    reason: `The new key is in use and the old one has been quiet for ${r.quietWindowMinutes} min or more.`,
  };
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Looks at the provider's last-use dates for the old and new keys, discounting Keydeck's own calls.
 * Listing with a key moves that key's own date, so when the key being rotated is Keydeck's admin
 * key (there is no third key to list with) Keydeck lists alternately with each, and reads each
 * key's date only from a list made with the other.
 */
export async function observeUsage(
  /** Saves a change to the rotation in the journal (the engine's `save`), and answers the saved rotation. */
  save: (id: string, change: (r: Rotation) => void) => Promise<Rotation>,
  c: CoreContext,
  org: StoredOrganization,
  r: Rotation,
): Promise<Rotation> {
  const adapter = c.adapter(org);
  if (!adapter.info.reportsLastUsed || !adapter.list) return r;
  const doc = c.deps.meta.read();
  const admin = c.admin(doc, org, r.environment);
  const thirdKey = admin.id !== r.old.credentialId && admin.id !== r.newKey.credentialId;
  const listWith = thirdKey ? 'admin' : r.usage.polls % 2 === 0 ? 'old' : 'new';
  const credentialId =
    listWith === 'admin' ? admin.id : listWith === 'old' ? r.old.credentialId : r.newKey.credentialId;
  const cred = doc.credentials.find((x) => x.id === credentialId);
  if (!cred) return r;
  const keys = await adapter.list(c.callContext(org, await c.secretOf(org, cred), cred.environment));
  const calledAt = c.now();
  const external = (lastUsed: string | undefined, keydeckCall: string | undefined) =>
    lastUsed && (!keydeckCall || Date.parse(lastUsed) > Date.parse(keydeckCall) + OWN_CALL_MARGIN_MS)
      ? lastUsed
      : undefined;
  const oldKey = keys.find((k) => k.id === r.old.providerKeyId);
  const newKey = keys.find((k) => k.id === r.newKey.providerKeyId);
  return save(r.id, (x) => {
    if (listWith !== 'old')
      x.usage.oldLastUseAt = later(x.usage.oldLastUseAt, external(oldKey?.lastUsedAt, x.usage.keydeckCalls.old));
    if (listWith !== 'new') {
      const used = external(newKey?.lastUsedAt, x.usage.keydeckCalls.new);
      if (used && !x.usage.newFirstUseAt) x.usage.newFirstUseAt = used;
    }
    if (listWith === 'old') x.usage.keydeckCalls.old = calledAt;
    if (listWith === 'new') x.usage.keydeckCalls.new = calledAt;
    x.usage.polls += 1;
    x.usage.checkedAt = calledAt;
  });
}
