import { fail } from '../../../../shared/errors.js';
import type { Rotation } from '../../../../shared/rotation.js';
import { observerFor } from '../../credentials.js';
import type { StoredOrganization } from '../../store/schema.js';
import { learnId, verifyAndIdentify } from '../../verify.js';
import type { Kit } from '../kit.js';

/** Step `verify`: the provider accepts the new key, and which key it is (its provider id) is learnt. */

export async function verifyNew(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  const secret = await k.c.deps.secrets.get(k.newAccount(org, r));
  if (!secret)
    fail('SECRET_MISSING', 'The new key is missing from the keychain. Cancel this rotation and start again.');
  // Only a 2xx with the provider's documented shape counts (the adapter's verify is strict).
  const key = { key: secret, prefix: r.newKey.prefix ?? '', last4: r.newKey.last4 ?? '', environment: r.environment };
  const { providerKeyId } = await verifyAndIdentify(
    k.c,
    org,
    key,
    undefined,
    await observerFor(k.c, org, r.environment, secret),
  );
  const info = k.c.adapter(org).info;
  await k.journal.save(
    r.id,
    (x, doc) => {
      const now = k.c.now();
      x.newKey.verifiedAt = now;
      x.newKey.providerKeyId ??= providerKeyId;
      x.usage.keydeckCalls.new = now;
      const cred = doc.credentials.find((c) => c.id === x.newKey.credentialId);
      if (cred) {
        cred.verifiedAt = now;
        cred.providerKeyId ??= x.newKey.providerKeyId;
      }
      x.step = 'deploy';
      x.status = 'needs-user';
      x.waitingFor = `Deploy the new key where the old one is used (a .env file such as ${info.envVar}, or by hand), then confirm.`;
    },
    `${info.displayName} accepted the new key`,
  );
  // The new key can watch the old one: learn the old key's id if it was never proven (sk-style),
  // so it can be revoked through the API rather than in the dashboard.
  if (providerKeyId && !r.old.providerKeyId) {
    await learnId(k.c, org, r.old.credentialId, secret);
    const learnt = k.c.deps.meta.read().credentials.find((x) => x.id === r.old.credentialId)?.providerKeyId;
    if (learnt)
      await k.journal.save(
        r.id,
        (x) => void (x.old.providerKeyId ??= learnt),
        `learnt ${info.displayName}'s id for the old key (${learnt})`,
      );
  }
  await k.boundary('verify');
}
