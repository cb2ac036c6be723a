import { fail } from '../../../../shared/errors.js';
import { maskFromParts } from '../../../../shared/keys.js';
import type { Rotation } from '../../../../shared/rotation.js';
import type { StoredOrganization } from '../../store/schema.js';
import { isRejection } from '../../verify.js';
import type { Kit } from '../kit.js';

/** Step `confirmRevoked`: the provider refuses the old key (401), or the person is asked to revoke it in the dashboard. */

export async function confirmOldRejected(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  const adapter = k.c.adapter(org);
  const secret = await k.c.deps.secrets.get(k.oldAccount(org, r));
  if (!secret) fail('SECRET_MISSING', 'The old key is no longer in the keychain, so Keydeck cannot prove it is dead.');
  try {
    await adapter.verify(k.c.callContext(org, secret, r.environment));
  } catch (error) {
    // Only the provider refusing the key (401) proves it dead; a timeout, 5xx or 429 is "unknown, retry".
    if (!isRejection(error)) throw error;
    await k.journal.save(
      r.id,
      (x) => {
        x.oldRejectedAt = k.c.now();
        x.oldRejectedCode = error.error.code;
        x.step = 'finish';
      },
      `the provider refuses the old key (${error.error.provider?.code ?? error.error.code}): it is dead`,
    );
    await k.boundary('confirmRevoked');
    return;
  }
  const dashboard = !adapter.revoke;
  await k.journal.save(
    r.id,
    (x) => {
      if (dashboard) {
        x.status = 'needs-user';
        x.step = 'revoke';
        x.waitingFor = `${adapter.info.displayName} still accepts the old key ${maskFromParts(x.old.prefix, x.old.last4)}: revoke it in the dashboard, then check again.`;
      } else {
        x.status = 'failed';
        x.error = {
          code: 'PROVIDER_ERROR',
          message: `${adapter.info.displayName} still accepts the old key after revoking it. Retry in a moment.`,
        };
      }
    },
    'the old key still works',
  );
}
