import { removeEnvBackup } from '../env-file.js';
import type { Rotation } from '../../../../shared/rotation.js';
import type { StoredOrganization } from '../../store/schema.js';
import { removeBackups } from '../rollback.js';
import type { Kit } from '../kit.js';

/** Step `finish`: the old key forgotten (keychain first), its backups removed, the new key current. */

export async function finish(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  // Keychain first: a crash here leaves a journal that finishes again, never a dangling secret.
  await k.c.deps.secrets.delete(k.oldAccount(org, r));
  await k.boundary('finish:keychain');
  // The .env backups hold the old key, now dead: remove them rather than leave copies of it on disk.
  await removeBackups(r);
  // Backups named the old way (`<file>.keydeck.bak`, before per-rotation backups) go too.
  for (const t of r.deployTargets) if (t.kind === 'envFile') await removeEnvBackup(t.path);
  await k.journal.save(
    r.id,
    (x, doc) => {
      doc.credentials = doc.credentials.filter((c) => c.id !== x.old.credentialId);
      const fresh = doc.credentials.find((c) => c.id === x.newKey.credentialId);
      if (fresh) {
        fresh.role = x.old.role;
        fresh.label = x.old.label;
      }
      const prefs = doc.deployPrefs[x.old.credentialId];
      if (prefs) doc.deployPrefs[x.newKey.credentialId] = prefs;
      delete doc.deployPrefs[x.old.credentialId];
      k.journal.end(
        x,
        doc,
        'done',
        { keyId: x.newKey.providerKeyId, last4: x.newKey.last4 },
        `replaced …${x.old.last4}`,
      );
    },
    'done: the new key is current and the old one is gone',
  );
  await k.boundary('done');
}
