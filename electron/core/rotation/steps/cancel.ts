import { KeydeckFailure } from '../../../../shared/errors.js';
import { maskKey } from '../../../../shared/keys.js';
import type { Rotation } from '../../../../shared/rotation.js';
import type { StoredOrganization } from '../../store/schema.js';
import { isRejection } from '../../verify.js';
import { allRestored, restoreTargets } from '../rollback.js';
import type { Kit } from '../kit.js';
import { adoptStoredNew, revokeLostCreates, revokePendingOrphans, isUsableKey } from './create.js';

/** Step `cancelling`: what the deploys replaced is put back, then the new key is revoked and checked dead. */
/**
 * Rolls back before the old key is touched. First what the deploys replaced is put back (so the
 * person's app holds a working key throughout), then the new key is revoked (or the person is
 * guided to) and checked dead, then forgotten. The old key stays current.
 */
export async function cancel(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  const adapter = k.c.adapter(org);
  if (r.intent?.action === 'create' || r.intent?.action === 'revoke-orphan') {
    if (!(await adoptStoredNew(k, org, r))) await revokeLostCreates(k, org, r);
    r = k.journal.get(r.id);
  }
  if (r.deployRecords.length > 0 && !(r.restoreResults && allRestored(r.restoreResults))) {
    await k.journal.save(
      r.id,
      (x) => {
        x.intent = { action: 'restore', at: k.c.now() };
      },
      'putting back what the deploy replaced',
    );
    await k.boundary('cancel:restore');
    const keys = {
      newSecret: await k.c.deps.secrets.get(k.newAccount(org, r)),
      oldSecret: await k.c.deps.secrets.get(k.oldAccount(org, r)),
    };
    const results = await restoreTargets(r, keys, k.c.deps.clipboard);
    r = await k.journal.save(
      r.id,
      (x) => {
        x.restoreResults = results;
        delete x.intent;
      },
      results
        .map((x) => x.message)
        .join(' ')
        .slice(0, 480),
    );
    if (!allRestored(results)) {
      // Revoking the new key now would leave the person's app with a dead key: stop here, say
      // what is left to fix, and let Retry try again.
      await k.journal.save(
        r.id,
        (x) => {
          x.status = 'failed';
          x.error = {
            code: 'CONFLICT',
            message:
              'Keydeck could not put everything back (see below), so it has not revoked the new key: your app keeps a working key. Fix the file as described, then Retry to finish cancelling.',
          };
        },
        'cancelling paused: a target could not be put back',
      );
      return;
    }
  }
  const stored = await k.c.deps.secrets.get(k.newAccount(org, r));
  if (stored && !isUsableKey(k.c, stored, org, r)) {
    await adoptStoredNew(k, org, r);
    r = k.journal.get(r.id);
  }
  if (r.orphans.some((o) => !o.revokedAt)) {
    await revokePendingOrphans(k, org, r);
    r = k.journal.get(r.id);
  }
  const secret = await k.c.deps.secrets.get(k.newAccount(org, r));
  const exists = Boolean(secret) || Boolean(r.newKey.providerKeyId);
  if (exists && secret) {
    const apiRevoke = adapter.revoke && r.newKey.providerKeyId;
    // A new key the provider already refuses needs no revoking: check before asking the person.
    const alreadyDead =
      !apiRevoke &&
      !r.cancelRevokeClaimedAt &&
      (await adapter.verify(k.c.callContext(org, secret, r.environment)).then(
        () => false,
        (e: unknown) => isRejection(e),
      ));
    if (!apiRevoke && !r.cancelRevokeClaimedAt && !alreadyDead) {
      await k.journal.save(r.id, (x) => {
        x.status = 'needs-user';
        x.waitingFor = `To cancel, revoke the new key ${maskKey(secret)} in the ${adapter.info.displayName} dashboard, then let Keydeck check it is refused. The old key stays current.`;
      });
      return;
    }
    if (apiRevoke && adapter.revoke && r.newKey.providerKeyId) {
      await k.journal.save(
        r.id,
        (x) => {
          x.intent = { action: 'revoke-new', at: k.c.now() };
        },
        'revoking the new key to cancel',
      );
      await k.boundary('cancel:intent');
      await adapter.revoke(await k.adminCtx(org, r), r.newKey.providerKeyId).catch((e: unknown) => {
        if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
      });
    }
    if (!alreadyDead) {
      try {
        await adapter.verify(k.c.callContext(org, secret, r.environment));
        await k.journal.save(
          r.id,
          (x) => {
            x.status = apiRevoke ? 'failed' : 'needs-user';
            delete x.cancelRevokeClaimedAt;
            if (apiRevoke)
              x.error = {
                code: 'PROVIDER_ERROR',
                message: `${adapter.info.displayName} still accepts the new key. Retry cancelling in a moment.`,
              };
            else
              x.waitingFor = `${adapter.info.displayName} still accepts the new key ${maskKey(secret)}: revoke it in the dashboard, then check again.`;
          },
          'the new key still works',
        );
        return;
      } catch (error) {
        if (!isRejection(error)) throw error;
      }
    }
  }
  if (!secret && r.newKey.providerKeyId) {
    // The new key exists at the provider but its secret is gone from the keychain: it cannot be
    // checked, but it must still be revoked, by its id, or by the person in the dashboard.
    const id = r.newKey.providerKeyId;
    if (adapter.revoke) {
      await k.journal.save(
        r.id,
        (x) => {
          x.intent = { action: 'revoke-new', at: k.c.now() };
        },
        `revoking the new key (${id}) to cancel; its secret is no longer in the keychain`,
      );
      await adapter.revoke(await k.adminCtx(org, r), id).catch((e: unknown) => {
        if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
      });
    } else if (!r.cancelRevokeClaimedAt) {
      await k.journal.save(r.id, (x) => {
        x.status = 'needs-user';
        x.waitingFor = `To cancel, revoke the new key (${adapter.info.displayName} id ${id}) in the dashboard, then confirm. Its secret is no longer in the keychain, so Keydeck cannot check it. The old key stays current.`;
      });
      return;
    }
  }
  await k.c.deps.secrets.delete(k.newAccount(org, r));
  await k.journal.save(
    r.id,
    (x, doc) => {
      doc.credentials = doc.credentials.filter((c) => c.id !== x.newKey.credentialId);
      delete x.intent;
      k.journal.end(
        x,
        doc,
        'cancelled',
        { keyId: x.old.providerKeyId, last4: x.old.last4 },
        'cancelled; the old key stays current',
      );
    },
    exists
      ? 'cancelled: the new key is revoked and forgotten; the old key stays current'
      : 'cancelled before a new key existed',
  );
  await k.boundary('cancelled');
}
