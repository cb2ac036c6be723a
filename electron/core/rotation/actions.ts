import { fail, KeydeckFailure } from '../../../shared/errors.js';
import { maskFromParts } from '../../../shared/keys.js';
import { POINT_OF_NO_RETURN, STEP_WORDS, type Rotation, type RotationAction } from '../../../shared/rotation.js';
import { checkPasted, refuseDuplicate } from '../credentials.js';
import { deployTo } from './deploy.js';
import { describeEnvTarget, recordOf } from './rollback.js';
import { observeUsage, recommendation } from './usage.js';
import type { Kit } from './kit.js';
import { pendingCredential, adoptStoredNew } from './steps/create.js';

/**
 * The person's actions on a rotation (paste the new key, deploy, confirm the deploy, watch last use, confirm use,
 * say a dashboard revoke is done, cancel): each checks the step it is allowed at, journals what it did, and leaves
 * the automatic steps to the engine's loop.
 */

export async function applyAction(k: Kit, r: Rotation, action: RotationAction): Promise<Rotation> {
  const org = k.org(r);
  const info = k.c.adapter(org).info;
  const expect = (steps: Rotation['step'][], what: string) => {
    if (!steps.includes(r.step))
      fail('CONFLICT', `Not now: ${what} belongs to another step (this rotation is ${STEP_WORDS[r.step]}).`);
  };
  switch (action.kind) {
    case 'resume':
      return k.journal.save(
        r.id,
        (x) => {
          x.status = 'running';
          delete x.error;
        },
        'resumed',
      );
    case 'cancel':
      if (POINT_OF_NO_RETURN.includes(r.step))
        fail('CONFLICT', 'Too late to cancel: the old key is being revoked. Finish the rotation instead.');
      return k.journal.save(
        r.id,
        (x) => {
          x.step = 'cancelling';
          x.status = 'running';
          delete x.error;
        },
        'cancel requested',
      );
    case 'pasteNew': {
      expect(['create'], 'pasting the new key');
      const key = checkPasted(k.c, action.key, { provider: org.provider, environment: r.environment });
      const earlier = await k.c.deps.secrets.get(k.newAccount(org, r));
      if (earlier && earlier !== key.key) {
        // A paste that reached the keychain before Keydeck stopped: keep that one, never overwrite it.
        await adoptStoredNew(k, org, r);
        fail(
          'CONFLICT',
          `Keydeck already holds the new key you pasted before it stopped (…${earlier.slice(-4)}) and kept it. Revoke the key you just created (…${key.last4}) in the dashboard.`,
        );
      }
      await refuseDuplicate(k.c, key);
      // Stored first, pending, before anything else is done with it.
      await k.c.deps.secrets.set(k.newAccount(org, r), key.key);
      await k.boundary('create:keychain');
      const saved = await k.journal.save(
        r.id,
        (x, doc) => {
          x.newKey = { ...x.newKey, prefix: key.prefix, last4: key.last4, storedAt: k.c.now() };
          x.step = 'verify';
          x.status = 'running';
          delete x.waitingFor;
          delete x.error;
          doc.credentials.push(pendingCredential(k, x));
        },
        `new key ${maskFromParts(key.prefix, key.last4)} pasted from the dashboard and stored in the keychain (pending)`,
      );
      await k.boundary('store');
      return saved;
    }
    case 'deploy': {
      expect(['deploy'], 'deploying');
      const secret = await k.c.deps.secrets.get(k.newAccount(org, r));
      if (!secret)
        fail('SECRET_MISSING', 'The new key is missing from the keychain; cancel this rotation and start again.');
      const results: Awaited<ReturnType<typeof deployTo>>[] = [];
      for (const target of action.targets) {
        const at = k.c.now();
        // What the target holds is recorded once per rotation, before the first write, so cancel can put it back.
        let record = recordOf(r, target);
        if (!record && target.kind === 'envFile') {
          try {
            record = await describeEnvTarget(
              target,
              r.id,
              { oldSecret: await k.c.deps.secrets.get(k.oldAccount(org, r)), newSecret: secret },
              at,
            );
          } catch (error) {
            results.push({
              at,
              target: `${target.variable} in ${target.path}`,
              ok: false,
              message:
                error instanceof KeydeckFailure
                  ? error.error.message
                  : `Could not read the file (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
            });
            continue;
          }
        }
        if (!record && target.kind === 'clipboard') record = { kind: 'clipboard', at };
        const first = Boolean(record && !recordOf(r, target));
        // Whether this rotation already made the backup at that path (another variable of the same file).
        const backupMade =
          record?.kind === 'envFile' &&
          r.deployRecords.some(
            (d) =>
              d.kind === 'envFile' &&
              d.backup === record.backup &&
              !(d.path === record.path && d.variable === record.variable),
          );
        if (record && first) {
          const kept = record;
          r = await k.journal.save(r.id, (x) => void x.deployRecords.push(kept));
        }
        // The backup is this rotation's only if this rotation made it: on the first write any file
        // already at its path is refused; later writes keep the one the first made.
        const backup =
          record?.kind === 'envFile'
            ? {
                backupPath: record.backup,
                existingBackup: first && !backupMade ? ('refuse' as const) : ('keep' as const),
              }
            : {};
        const result = await deployTo(target, secret, k.copySecret, at, backup);
        results.push(result);
        if (first && !result.ok && record?.kind === 'envFile') {
          // Nothing was written: the record (and a backup path that may hold someone else's file) goes.
          const { path, variable } = record;
          r = await k.journal.save(r.id, (x) => {
            x.deployRecords = x.deployRecords.filter(
              (d) => !(d.kind === 'envFile' && d.path === path && d.variable === variable),
            );
          });
        }
      }
      return k.journal.save(
        r.id,
        (x, doc) => {
          x.deployResults.push(...results);
          x.deployTargets = action.targets;
          doc.deployPrefs[x.old.credentialId] = action.targets;
        },
        results.map((d) => `${d.ok ? 'deployed to' : 'could not deploy to'} ${d.target}`).join('; '),
      );
    }
    case 'deployed':
      expect(['deploy'], 'confirming the deployment');
      await k.boundary('deploy');
      return k.journal.save(
        r.id,
        (x) => {
          x.deployedAt = k.c.now();
          x.step = 'confirmUse';
          x.status = 'needs-user';
          x.waitingFor = info.reportsLastUsed
            ? `Keydeck watches ${info.displayName}'s last-use dates. Revoke the old key once it has been quiet for ${x.quietWindowMinutes} min, or confirm now.`
            : `Make sure everything now uses the new key, then confirm. ${info.displayName} does not report last use.`;
        },
        'deployed (confirmed by the user)',
      );
    case 'refreshUsage':
      expect(['confirmUse'], 'watching last use');
      return observeUsage((id, change) => k.journal.save(id, change), k.c, org, r);
    case 'setQuietWindow':
      return k.journal.save(
        r.id,
        (x) => {
          x.quietWindowMinutes = action.minutes;
        },
        `quiet window set to ${action.minutes} min`,
      );
    case 'confirmUse': {
      expect(['confirmUse'], 'confirming use');
      const rec = recommendation(r, info, k.c.deps.clock());
      if (rec && !rec.ready && !action.override)
        fail(
          'VALIDATION_FAILED',
          `Keydeck recommends waiting: ${rec.reason} Confirm explicitly to revoke the old key anyway.`,
        );
      const saved = await k.journal.save(
        r.id,
        (x) => {
          x.useConfirmedAt = k.c.now();
          x.useOverride = Boolean(rec && !rec.ready);
          x.step = 'revoke';
          x.status = 'running';
          delete x.waitingFor;
        },
        rec && !rec.ready
          ? 'use confirmed by the user, overriding the recommendation to wait'
          : 'new key confirmed in use',
      );
      await k.boundary('confirmUse');
      return saved;
    }
    case 'revokedInDashboard':
      if (r.step === 'cancelling') {
        return k.journal.save(
          r.id,
          (x) => {
            x.cancelRevokeClaimedAt = k.c.now();
            x.status = 'running';
          },
          'the user says the new key was revoked in the dashboard',
        );
      }
      expect(['revoke', 'confirmRevoked'], 'confirming a dashboard revocation');
      return k.journal.save(
        r.id,
        (x) => {
          x.oldRevokedAt ??= k.c.now();
          x.step = 'confirmRevoked';
          x.status = 'running';
          delete x.waitingFor;
          delete x.error;
        },
        'the user says the old key was revoked in the dashboard',
      );
  }
}
