import { fail, KeydeckFailure } from '../../../../shared/errors.js';
import { maskFromParts } from '../../../../shared/keys.js';
import type { Rotation } from '../../../../shared/rotation.js';
import type { StoredOrganization } from '../../store/schema.js';
import type { Kit } from '../kit.js';

/** Step `revoke`: Keydeck switches to the new admin key if the old one was it, then revokes the old key (or asks). */

export async function revokeOld(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  if (!r.newKey.verifiedAt || !r.deployedAt || !r.useConfirmedAt) {
    fail('INTERNAL', 'Refused to revoke the old key before the new one was verified, deployed and confirmed in use.');
  }
  const adapter = k.c.adapter(org);
  if (r.old.role === 'admin' && !r.adminSwitchedAt) {
    // Keydeck moves to the new key before the old one goes, so it never locks itself out.
    await k.journal.save(
      r.id,
      (x, doc) => {
        for (const c of doc.credentials) {
          if (c.id === x.old.credentialId) c.role = 'retiring';
          if (c.id === x.newKey.credentialId) c.role = 'admin';
        }
        x.adminSwitchedAt = k.c.now();
      },
      'Keydeck now calls the provider with the new key',
    );
    await k.boundary('admin-switch');
    r = k.journal.get(r.id);
  }
  if (!adapter.revoke || !r.old.providerKeyId) {
    const why = r.old.providerKeyId ? '' : ` Keydeck does not know ${adapter.info.displayName}'s id for the old key.`;
    await k.journal.save(r.id, (x) => {
      x.status = 'needs-user';
      x.waitingFor = `Revoke the old key ${maskFromParts(x.old.prefix, x.old.last4)} in the ${adapter.info.displayName} dashboard, then let Keydeck check it is refused.${why}`;
    });
    return;
  }
  const oldId = r.old.providerKeyId;
  await k.journal.save(
    r.id,
    (x) => {
      x.intent = { action: 'revoke-old', at: k.c.now() };
    },
    `revoking the old key ${maskFromParts(r.old.prefix, r.old.last4)}`,
  );
  await k.boundary('revoke:intent');
  await adapter.revoke(await k.adminCtx(org, r), oldId).catch((e: unknown) => {
    // Already gone (a resumed revoke that had succeeded): the next step proves it either way.
    if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
  });
  await k.journal.save(
    r.id,
    (x) => {
      x.oldRevokedAt = k.c.now();
      delete x.intent;
      x.step = 'confirmRevoked';
    },
    'old key revoked',
  );
  await k.boundary('revoke');
}
