import { removeEnvBackup } from './env-file.js';
import type { Credential } from '../../../shared/domain.js';
import { fail, KeydeckFailure } from '../../../shared/errors.js';
import { inspectKey, maskFromParts, maskKey } from '../../../shared/keys.js';
import { lock, type Exclusive } from '../exclusive.js';
import { scrubDeep } from '../log.js';
import { POINT_OF_NO_RETURN, STEP_WORDS, type Rotation, type RotationAction } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import { checkCreated, checkPasted, observerFor, refuseDuplicate } from '../credentials.js';
import type { MetaDoc, StoredOrganization } from '../store/schema.js';
import { isRejection, learnId, verifyAndIdentify } from '../verify.js';
import { deployTo } from './deploy.js';
import { allRestored, describeEnvTarget, recordOf, removeBackups, restoreTargets } from './rollback.js';
import { observeUsage, recommendation } from './usage.js';

/**
 * Called at every step boundary with its name. The crash tests kill the process here; the app
 * passes nothing.
 */
export type Boundary = (name: string) => void | Promise<void>;

/**
 * The rotation state machine. Every side effect at the provider or in the keychain is preceded by
 * a journal write saying what is about to happen (`intent`) and followed by one recording what
 * did, so that `run` can be called again after a crash at any point and finds its way:
 *
 *   create → (store) → verify → deploy* → confirmUse* → revoke → confirmRevoked → finish → done
 *   (* waits for the person; dashboard-only create and revoke wait too)
 *
 * Invariants: a created key is in the keychain (pending) before anything else happens; the old key
 * is never revoked before the new one is verified, deployed and confirmed in use; the old key is
 * only forgotten after the provider refuses it (401).
 */
export class RotationEngine {
  constructor(
    private readonly c: CoreContext,
    private readonly copySecret: (secret: string) => Promise<unknown>,
    /** The core's one-change-at-a-time guard, shared with every other mutating call. */
    private readonly guard: Exclusive,
    private readonly boundary: Boundary = () => undefined,
  ) {}

  /**
   * Runs one operation on a rotation holding its lock and its organization-environment's: the same
   * action twice at once (a double click) gets the first one's answer; anything else meanwhile is BUSY.
   */
  private exclusive<T>(id: string, identity: unknown, op: () => Promise<T>, extra: string[] = []): Promise<T> {
    const r = this.get(id);
    return this.guard.run(
      [lock.rotation(id), lock.orgEnv(r.orgId, r.environment), ...extra],
      identity,
      'working on this rotation',
      op,
    );
  }

  get(id: string, doc: MetaDoc = this.c.deps.meta.read()): Rotation {
    const r = doc.rotations.find((x) => x.id === id);
    if (!r) fail('NOT_FOUND', 'That rotation is no longer in Keydeck.');
    return r;
  }

  /** Writes one change to the journal (and anything else in the same document, atomically). */
  async save(id: string, change: (r: Rotation, doc: MetaDoc) => void, event?: string): Promise<Rotation> {
    return this.c.deps.meta.update((doc) => {
      const r = this.get(id, doc);
      change(r, doc);
      // Errors carry provider text: nothing key-shaped goes into the journal, whatever produced it.
      if (r.error) r.error = scrubDeep(r.error, [], { keyShaped: true });
      r.updatedAt = this.c.now();
      if (event) {
        r.history.push({ at: r.updatedAt, step: r.step, event });
        if (r.history.length > 500) r.history.splice(0, r.history.length - 500);
        this.c.record(doc, {
          action: 'rotation.step',
          orgId: r.orgId,
          environment: r.environment,
          keyId: r.old.providerKeyId,
          last4: r.old.last4,
          detail: `${r.id}: ${event}`.slice(0, 500),
        });
      }
      return structuredClone(r);
    });
  }

  private org(r: Rotation): StoredOrganization {
    return this.c.org(this.c.deps.meta.read(), r.orgId);
  }

  private newAccount(org: StoredOrganization, r: Rotation): string {
    return this.c.account(org, { environment: r.environment, id: r.newKey.credentialId });
  }

  private oldAccount(org: StoredOrganization, r: Rotation): string {
    return this.c.account(org, { environment: r.environment, id: r.old.credentialId });
  }

  /** The key Keydeck calls the provider with right now (the new one once it has switched). */
  private async adminCtx(org: StoredOrganization, r: Rotation) {
    return (await this.c.callWith(this.c.deps.meta.read(), org, r.environment)).ctx;
  }

  /** Applies a person's action, then runs whatever Keydeck can do by itself. */
  async act(id: string, action: RotationAction): Promise<Rotation> {
    // A pasted key is locked by its hash too, as for connect and adopt: one key never becomes two credentials.
    const extra = action.kind === 'pasteNew' ? [lock.key(action.key.trim())] : [];
    return this.exclusive(
      id,
      ['rotation.act', id, action],
      async () => {
        let r = this.get(id);
        if (r.status === 'done' || r.status === 'cancelled') fail('CONFLICT', 'This rotation is already over.');
        r = await this.apply(r, action);
        return this.drive(r.id);
      },
      extra,
    );
  }

  /** Resumes the automatic steps of an unfinished rotation. */
  async run(id: string): Promise<Rotation> {
    return this.exclusive(id, ['rotation.run', id], () => this.drive(id));
  }

  /** Runs the first automatic steps of a rotation just planned; the caller holds its organization-environment's lock. */
  async runNew(id: string): Promise<Rotation> {
    return this.guard.run([lock.rotation(id)], ['rotation.run', id], 'starting this rotation', () => this.drive(id));
  }

  private async apply(r: Rotation, action: RotationAction): Promise<Rotation> {
    const org = this.org(r);
    const info = this.c.adapter(org).info;
    const expect = (steps: Rotation['step'][], what: string) => {
      if (!steps.includes(r.step))
        fail('CONFLICT', `Not now: ${what} belongs to another step (this rotation is ${STEP_WORDS[r.step]}).`);
    };
    switch (action.kind) {
      case 'resume':
        return this.save(
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
        return this.save(
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
        const key = checkPasted(action.key, { provider: org.provider, environment: r.environment });
        const earlier = await this.c.deps.secrets.get(this.newAccount(org, r));
        if (earlier && earlier !== key.key) {
          // A paste that reached the keychain before Keydeck stopped: keep that one, never overwrite it.
          await this.adoptStoredNew(org, r);
          fail(
            'CONFLICT',
            `Keydeck already holds the new key you pasted before it stopped (…${earlier.slice(-4)}) and kept it. Revoke the key you just created (…${key.last4}) in the dashboard.`,
          );
        }
        await refuseDuplicate(this.c, key);
        // Stored first, pending, before anything else is done with it.
        await this.c.deps.secrets.set(this.newAccount(org, r), key.key);
        await this.boundary('create:keychain');
        const saved = await this.save(
          r.id,
          (x, doc) => {
            x.newKey = { ...x.newKey, prefix: key.prefix, last4: key.last4, storedAt: this.c.now() };
            x.step = 'verify';
            x.status = 'running';
            delete x.waitingFor;
            delete x.error;
            doc.credentials.push(this.pendingCredential(x));
          },
          `new key ${maskFromParts(key.prefix, key.last4)} pasted from the dashboard and stored in the keychain (pending)`,
        );
        await this.boundary('store');
        return saved;
      }
      case 'deploy': {
        expect(['deploy'], 'deploying');
        const secret = await this.c.deps.secrets.get(this.newAccount(org, r));
        if (!secret)
          fail('SECRET_MISSING', 'The new key is missing from the keychain; cancel this rotation and start again.');
        const results: Awaited<ReturnType<typeof deployTo>>[] = [];
        for (const target of action.targets) {
          const at = this.c.now();
          // What the target holds is recorded once per rotation, before the first write, so cancel can put it back.
          let record = recordOf(r, target);
          if (!record && target.kind === 'envFile') {
            try {
              record = await describeEnvTarget(
                target,
                r.id,
                { oldSecret: await this.c.deps.secrets.get(this.oldAccount(org, r)), newSecret: secret },
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
            r = await this.save(r.id, (x) => void x.deployRecords.push(kept));
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
          const result = await deployTo(target, secret, this.copySecret, at, backup);
          results.push(result);
          if (first && !result.ok && record?.kind === 'envFile') {
            // Nothing was written: the record (and a backup path that may hold someone else's file) goes.
            const { path, variable } = record;
            r = await this.save(r.id, (x) => {
              x.deployRecords = x.deployRecords.filter(
                (d) => !(d.kind === 'envFile' && d.path === path && d.variable === variable),
              );
            });
          }
        }
        return this.save(
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
        await this.boundary('deploy');
        return this.save(
          r.id,
          (x) => {
            x.deployedAt = this.c.now();
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
        return observeUsage((id, change) => this.save(id, change), this.c, org, r);
      case 'setQuietWindow':
        return this.save(
          r.id,
          (x) => {
            x.quietWindowMinutes = action.minutes;
          },
          `quiet window set to ${action.minutes} min`,
        );
      case 'confirmUse': {
        expect(['confirmUse'], 'confirming use');
        const rec = recommendation(r, info, this.c.deps.clock());
        if (rec && !rec.ready && !action.override)
          fail(
            'VALIDATION_FAILED',
            `Keydeck recommends waiting: ${rec.reason} Confirm explicitly to revoke the old key anyway.`,
          );
        const saved = await this.save(
          r.id,
          (x) => {
            x.useConfirmedAt = this.c.now();
            x.useOverride = Boolean(rec && !rec.ready);
            x.step = 'revoke';
            x.status = 'running';
            delete x.waitingFor;
          },
          rec && !rec.ready
            ? 'use confirmed by the user, overriding the recommendation to wait'
            : 'new key confirmed in use',
        );
        await this.boundary('confirmUse');
        return saved;
      }
      case 'revokedInDashboard':
        if (r.step === 'cancelling') {
          return this.save(
            r.id,
            (x) => {
              x.cancelRevokeClaimedAt = this.c.now();
              x.status = 'running';
            },
            'the user says the new key was revoked in the dashboard',
          );
        }
        expect(['revoke', 'confirmRevoked'], 'confirming a dashboard revocation');
        return this.save(
          r.id,
          (x) => {
            x.oldRevokedAt ??= this.c.now();
            x.step = 'confirmRevoked';
            x.status = 'running';
            delete x.waitingFor;
            delete x.error;
          },
          'the user says the old key was revoked in the dashboard',
        );
    }
  }

  /** Runs automatic steps until the rotation waits for the person, fails, or ends. */
  private async drive(id: string): Promise<Rotation> {
    for (let guard = 0; guard < 20; guard++) {
      const r = this.get(id);
      if (r.status !== 'running') return r;
      try {
        await this.step(r);
      } catch (error) {
        const e =
          error instanceof KeydeckFailure
            ? error.error
            : { code: 'INTERNAL' as const, message: 'Keydeck hit an unexpected problem in this step.' };
        if (!(error instanceof KeydeckFailure))
          this.c.deps.logger.log('error', 'rotation.crashed', { rotation: id, step: r.step, error });
        return this.save(
          id,
          (x) => {
            x.status = 'failed';
            x.error = e;
          },
          `stopped while ${STEP_WORDS[r.step]}, after an error`,
        );
      }
    }
    return this.get(id);
  }

  private async step(r: Rotation): Promise<void> {
    const org = this.org(r);
    switch (r.step) {
      case 'create':
      case 'store':
        return this.create(org, r);
      case 'verify':
        return this.verifyNew(org, r);
      case 'deploy':
      case 'confirmUse':
        await this.save(r.id, (x) => {
          x.status = 'needs-user';
        });
        return;
      case 'revoke':
        return this.revokeOld(org, r);
      case 'confirmRevoked':
        return this.confirmOldRejected(org, r);
      case 'finish':
        return this.finish(org, r);
      case 'cancelling':
        return this.cancel(org, r);
      default:
        return;
    }
  }

  private pendingCredential(r: Rotation): Credential {
    return {
      id: r.newKey.credentialId,
      orgId: r.orgId,
      environment: r.environment,
      label: r.newKey.name,
      prefix: r.newKey.prefix ?? r.old.prefix,
      last4: r.newKey.last4 ?? '',
      providerKeyId: r.newKey.providerKeyId,
      role: 'pending',
      createdAt: this.c.now(),
    };
  }

  private async create(org: StoredOrganization, r: Rotation): Promise<void> {
    const adapter = this.c.adapter(org);
    // A secret under the reserved credential id means a create (or a paste) got as far as the
    // keychain before a crash: adopt it rather than make another key.
    if (await this.adoptStoredNew(org, r)) return;
    if (r.intent?.action === 'create' || r.intent?.action === 'revoke-orphan') {
      await this.revokeLostCreates(org, r);
      r = this.get(r.id);
    }
    if (!adapter.create || adapter.info.capabilities.create !== 'api') {
      // The dashboard's steps are the provider's own (ProviderInfo.dashboardSteps): the wizard lists them.
      await this.save(r.id, (x) => {
        x.status = 'needs-user';
        x.waitingFor = `Create the new key in the ${adapter.info.displayName} dashboard, named “${x.newKey.name}”, then paste it here.`;
      });
      return;
    }
    await this.save(
      r.id,
      (x) => {
        x.intent = { action: 'create', at: this.c.now() };
      },
      `creating “${r.newKey.name}” at ${adapter.info.displayName}`,
    );
    await this.boundary('create:intent');
    // Never retried blindly: if the answer is lost, resume lists the provider's keys by this name.
    const created = await adapter.create(await this.adminCtx(org, r), { name: r.newKey.name, scope: r.newKey.scope });
    await this.boundary('create:response');
    try {
      await checkCreated(this.c, created.secret, { provider: org.provider, environment: r.environment });
    } catch (refused) {
      if (!(refused instanceof KeydeckFailure && refused.error.code === 'PROVIDER_BAD_RESPONSE')) throw refused;
      // Never stored, verified or deployed: the key the provider made is revoked as an orphan.
      await this.save(
        r.id,
        (x) => {
          x.orphans.push({ providerKeyId: created.key.id, foundAt: this.c.now() });
        },
        `the provider answered the create with a key Keydeck refuses (id ${created.key.id}); revoking it`,
      );
      await this.revokeLostCreates(org, this.get(r.id));
      throw refused;
    }
    await this.c.deps.secrets.set(this.newAccount(org, r), created.secret);
    await this.boundary('create:keychain');
    await this.save(
      r.id,
      (x, doc) => {
        x.newKey = {
          ...x.newKey,
          providerKeyId: created.key.id,
          prefix: created.key.prefix ?? x.old.prefix,
          last4: created.secret.slice(-4),
          storedAt: this.c.now(),
        };
        if (x.old.role === 'admin') x.usage.keydeckCalls.old = this.c.now();
        delete x.intent;
        x.step = 'verify';
        doc.credentials.push(this.pendingCredential(x));
      },
      `created ${maskFromParts(created.key.prefix ?? r.old.prefix, created.secret.slice(-4))} (id ${created.key.id}) and stored it in the keychain (pending)`,
    );
    await this.boundary('store');
  }

  /**
   * After a crash during create the secret may already be in the keychain, under the credential id
   * reserved at plan time: adopt it. Returns true when it did.
   */
  private async adoptStoredNew(org: StoredOrganization, r: Rotation): Promise<boolean> {
    const adapter = this.c.adapter(org);
    const secret = await this.c.deps.secrets.get(this.newAccount(org, r));
    if (secret && !isUsableKey(secret, org, r)) {
      // Not a key Keydeck can use (an older version stored a provider's hostile answer): forget it,
      // and revoke the key behind it as an orphan when its id is known.
      await this.c.deps.secrets.delete(this.newAccount(org, r));
      const id = r.newKey.providerKeyId;
      await this.save(
        r.id,
        (x, doc) => {
          if (id && !x.orphans.some((o) => o.providerKeyId === id))
            x.orphans.push({ providerKeyId: id, foundAt: this.c.now() });
          doc.credentials = doc.credentials.filter((c) => c.id !== x.newKey.credentialId);
          x.newKey = { credentialId: x.newKey.credentialId, name: x.newKey.name, scope: x.newKey.scope };
        },
        'the stored new key is not a valid key; Keydeck forgot it',
      );
      return false;
    }
    if (secret) {
      const key = checkPasted(secret, { provider: org.provider, environment: r.environment });
      let providerKeyId = r.newKey.providerKeyId;
      if (!providerKeyId && adapter.list && adapter.info.capabilities.list === 'api') {
        const keys = await adapter.list(await this.adminCtx(org, r));
        providerKeyId = keys.find(
          (k) => k.status === 'active' && k.name === r.newKey.name && k.last4 === key.last4,
        )?.id;
      }
      await this.save(
        r.id,
        (x, doc) => {
          x.newKey = {
            ...x.newKey,
            providerKeyId,
            prefix: key.prefix,
            last4: key.last4,
            storedAt: x.newKey.storedAt ?? this.c.now(),
          };
          delete x.intent;
          x.step = 'verify';
          if (!doc.credentials.some((c) => c.id === x.newKey.credentialId))
            doc.credentials.push(this.pendingCredential(x));
        },
        `resumed: found the new key ${maskFromParts(key.prefix, key.last4)} in the keychain`,
      );
      return true;
    }
    return false;
  }

  /**
   * After a lost create answer the key may exist at the provider although Keydeck never saw its
   * secret: found by listing (by its recognisable name) and revoked, since a key nobody holds is
   * only a liability.
   */
  private async revokeLostCreates(org: StoredOrganization, r: Rotation): Promise<void> {
    const adapter = this.c.adapter(org);
    if (adapter.list && adapter.info.capabilities.list === 'api') {
      const ctx = await this.adminCtx(org, r);
      const known = new Set([
        ...this.c.deps.meta.read().credentials.map((c) => c.providerKeyId),
        ...r.orphans.map((o) => o.providerKeyId),
      ]);
      const lost = (await adapter.list(ctx)).filter(
        (k) => k.status === 'active' && k.name === r.newKey.name && !known.has(k.id),
      );
      for (const orphan of lost) {
        await this.save(
          r.id,
          (x) => {
            x.orphans.push({ providerKeyId: orphan.id, foundAt: this.c.now() });
          },
          `resumed: found ${orphan.id} (“${orphan.name}”), created but its answer was lost`,
        );
      }
      await this.revokePendingOrphans(org, this.get(r.id));
    }
    await this.save(r.id, (x) => {
      delete x.intent;
    });
  }

  /** Revokes, through the API, every key the journal lists as created but held by nobody. */
  private async revokePendingOrphans(org: StoredOrganization, r: Rotation): Promise<void> {
    const adapter = this.c.adapter(org);
    const pending = r.orphans.filter((o) => !o.revokedAt);
    if (!pending.length || !adapter.revoke || adapter.info.capabilities.revoke !== 'api') return;
    const ctx = await this.adminCtx(org, r);
    for (const orphan of pending) {
      await this.save(r.id, (x) => {
        x.intent = { action: 'revoke-orphan', at: this.c.now() };
      });
      await adapter.revoke(ctx, orphan.providerKeyId).catch((e: unknown) => {
        if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
      });
      await this.save(
        r.id,
        (x) => {
          const o = x.orphans.find((y) => y.providerKeyId === orphan.providerKeyId);
          if (o) o.revokedAt = this.c.now();
          delete x.intent;
        },
        `revoked ${orphan.providerKeyId}: nobody holds its secret`,
      );
    }
  }

  private async verifyNew(org: StoredOrganization, r: Rotation): Promise<void> {
    const secret = await this.c.deps.secrets.get(this.newAccount(org, r));
    if (!secret)
      fail('SECRET_MISSING', 'The new key is missing from the keychain. Cancel this rotation and start again.');
    // Only a 2xx with the provider's documented shape counts (the adapter's verify is strict).
    const key = { key: secret, prefix: r.newKey.prefix ?? '', last4: r.newKey.last4 ?? '', environment: r.environment };
    const { providerKeyId } = await verifyAndIdentify(
      this.c,
      org,
      key,
      undefined,
      await observerFor(this.c, org, r.environment, secret),
    );
    const info = this.c.adapter(org).info;
    await this.save(
      r.id,
      (x, doc) => {
        const now = this.c.now();
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
      await learnId(this.c, org, r.old.credentialId, secret);
      const learnt = this.c.deps.meta.read().credentials.find((x) => x.id === r.old.credentialId)?.providerKeyId;
      if (learnt)
        await this.save(
          r.id,
          (x) => void (x.old.providerKeyId ??= learnt),
          `learnt ${info.displayName}'s id for the old key (${learnt})`,
        );
    }
    await this.boundary('verify');
  }

  private async revokeOld(org: StoredOrganization, r: Rotation): Promise<void> {
    if (!r.newKey.verifiedAt || !r.deployedAt || !r.useConfirmedAt) {
      fail('INTERNAL', 'Refused to revoke the old key before the new one was verified, deployed and confirmed in use.');
    }
    const adapter = this.c.adapter(org);
    if (r.old.role === 'admin' && !r.adminSwitchedAt) {
      // Keydeck moves to the new key before the old one goes, so it never locks itself out.
      await this.save(
        r.id,
        (x, doc) => {
          for (const c of doc.credentials) {
            if (c.id === x.old.credentialId) c.role = 'retiring';
            if (c.id === x.newKey.credentialId) c.role = 'admin';
          }
          x.adminSwitchedAt = this.c.now();
        },
        'Keydeck now calls the provider with the new key',
      );
      await this.boundary('admin-switch');
      r = this.get(r.id);
    }
    if (!adapter.revoke || adapter.info.capabilities.revoke !== 'api' || !r.old.providerKeyId) {
      const why = r.old.providerKeyId ? '' : ` Keydeck does not know ${adapter.info.displayName}'s id for the old key.`;
      await this.save(r.id, (x) => {
        x.status = 'needs-user';
        x.waitingFor = `Revoke the old key ${maskFromParts(x.old.prefix, x.old.last4)} in the ${adapter.info.displayName} dashboard, then let Keydeck check it is refused.${why}`;
      });
      return;
    }
    const oldId = r.old.providerKeyId;
    await this.save(
      r.id,
      (x) => {
        x.intent = { action: 'revoke-old', at: this.c.now() };
      },
      `revoking the old key ${maskFromParts(r.old.prefix, r.old.last4)}`,
    );
    await this.boundary('revoke:intent');
    await adapter.revoke(await this.adminCtx(org, r), oldId).catch((e: unknown) => {
      // Already gone (a resumed revoke that had succeeded): the next step proves it either way.
      if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
    });
    await this.save(
      r.id,
      (x) => {
        x.oldRevokedAt = this.c.now();
        delete x.intent;
        x.step = 'confirmRevoked';
      },
      'old key revoked',
    );
    await this.boundary('revoke');
  }

  private async confirmOldRejected(org: StoredOrganization, r: Rotation): Promise<void> {
    const adapter = this.c.adapter(org);
    const secret = await this.c.deps.secrets.get(this.oldAccount(org, r));
    if (!secret)
      fail('SECRET_MISSING', 'The old key is no longer in the keychain, so Keydeck cannot prove it is dead.');
    try {
      await adapter.verify(this.c.callContext(org, secret, r.environment));
    } catch (error) {
      // Only the provider refusing the key (401) proves it dead; a timeout, 5xx or 429 is "unknown, retry".
      if (!isRejection(error)) throw error;
      await this.save(
        r.id,
        (x) => {
          x.oldRejectedAt = this.c.now();
          x.oldRejectedCode = error.error.code;
          x.step = 'finish';
        },
        `the provider refuses the old key (${error.error.provider?.code ?? error.error.code}): it is dead`,
      );
      await this.boundary('confirmRevoked');
      return;
    }
    const dashboard = !adapter.revoke || adapter.info.capabilities.revoke !== 'api';
    await this.save(
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

  private async finish(org: StoredOrganization, r: Rotation): Promise<void> {
    // Keychain first: a crash here leaves a journal that finishes again, never a dangling secret.
    await this.c.deps.secrets.delete(this.oldAccount(org, r));
    await this.boundary('finish:keychain');
    // The .env backups hold the old key, now dead: remove them rather than leave copies of it on disk.
    await removeBackups(r);
    // Backups named the old way (`<file>.keydeck.bak`, before per-rotation backups) go too.
    for (const t of r.deployTargets) if (t.kind === 'envFile') await removeEnvBackup(t.path);
    await this.save(
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
        x.step = 'done';
        x.status = 'done';
        x.finishedAt = this.c.now();
        delete x.waitingFor;
        this.c.record(doc, {
          action: 'rotation.done',
          orgId: x.orgId,
          environment: x.environment,
          keyId: x.newKey.providerKeyId,
          last4: x.newKey.last4,
          detail: `${x.id}: replaced …${x.old.last4}`,
        });
      },
      'done: the new key is current and the old one is gone',
    );
    await this.boundary('done');
  }

  /**
   * Rolls back before the old key is touched. First what the deploys replaced is put back (so the
   * person's app holds a working key throughout), then the new key is revoked (or the person is
   * guided to) and checked dead, then forgotten. The old key stays current.
   */
  private async cancel(org: StoredOrganization, r: Rotation): Promise<void> {
    const adapter = this.c.adapter(org);
    if (r.intent?.action === 'create' || r.intent?.action === 'revoke-orphan') {
      if (!(await this.adoptStoredNew(org, r))) await this.revokeLostCreates(org, r);
      r = this.get(r.id);
    }
    if (r.deployRecords.length > 0 && !(r.restoreResults && allRestored(r.restoreResults))) {
      await this.save(
        r.id,
        (x) => {
          x.intent = { action: 'restore', at: this.c.now() };
        },
        'putting back what the deploy replaced',
      );
      await this.boundary('cancel:restore');
      const keys = {
        newSecret: await this.c.deps.secrets.get(this.newAccount(org, r)),
        oldSecret: await this.c.deps.secrets.get(this.oldAccount(org, r)),
      };
      const results = await restoreTargets(r, keys, this.c.deps.clipboard);
      r = await this.save(
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
        await this.save(
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
    const stored = await this.c.deps.secrets.get(this.newAccount(org, r));
    if (stored && !isUsableKey(stored, org, r)) {
      await this.adoptStoredNew(org, r);
      r = this.get(r.id);
    }
    if (r.orphans.some((o) => !o.revokedAt)) {
      await this.revokePendingOrphans(org, r);
      r = this.get(r.id);
    }
    const secret = await this.c.deps.secrets.get(this.newAccount(org, r));
    const exists = Boolean(secret) || Boolean(r.newKey.providerKeyId);
    if (exists && secret) {
      const apiRevoke = adapter.revoke && adapter.info.capabilities.revoke === 'api' && r.newKey.providerKeyId;
      // A new key the provider already refuses needs no revoking: check before asking the person.
      const alreadyDead =
        !apiRevoke &&
        !r.cancelRevokeClaimedAt &&
        (await adapter.verify(this.c.callContext(org, secret, r.environment)).then(
          () => false,
          (e: unknown) => isRejection(e),
        ));
      if (!apiRevoke && !r.cancelRevokeClaimedAt && !alreadyDead) {
        await this.save(r.id, (x) => {
          x.status = 'needs-user';
          x.waitingFor = `To cancel, revoke the new key ${maskKey(secret)} in the ${adapter.info.displayName} dashboard, then let Keydeck check it is refused. The old key stays current.`;
        });
        return;
      }
      if (apiRevoke && adapter.revoke && r.newKey.providerKeyId) {
        await this.save(
          r.id,
          (x) => {
            x.intent = { action: 'revoke-new', at: this.c.now() };
          },
          'revoking the new key to cancel',
        );
        await this.boundary('cancel:intent');
        await adapter.revoke(await this.adminCtx(org, r), r.newKey.providerKeyId).catch((e: unknown) => {
          if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
        });
      }
      if (!alreadyDead) {
        try {
          await adapter.verify(this.c.callContext(org, secret, r.environment));
          await this.save(
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
      if (adapter.revoke && adapter.info.capabilities.revoke === 'api') {
        await this.save(
          r.id,
          (x) => {
            x.intent = { action: 'revoke-new', at: this.c.now() };
          },
          `revoking the new key (${id}) to cancel; its secret is no longer in the keychain`,
        );
        await adapter.revoke(await this.adminCtx(org, r), id).catch((e: unknown) => {
          if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
        });
      } else if (!r.cancelRevokeClaimedAt) {
        await this.save(r.id, (x) => {
          x.status = 'needs-user';
          x.waitingFor = `To cancel, revoke the new key (${adapter.info.displayName} id ${id}) in the dashboard, then confirm. Its secret is no longer in the keychain, so Keydeck cannot check it. The old key stays current.`;
        });
        return;
      }
    }
    await this.c.deps.secrets.delete(this.newAccount(org, r));
    await this.save(
      r.id,
      (x, doc) => {
        doc.credentials = doc.credentials.filter((c) => c.id !== x.newKey.credentialId);
        delete x.intent;
        x.step = 'cancelled';
        x.status = 'cancelled';
        x.finishedAt = this.c.now();
        delete x.waitingFor;
        this.c.record(doc, {
          action: 'rotation.cancel',
          orgId: x.orgId,
          environment: x.environment,
          keyId: x.old.providerKeyId,
          last4: x.old.last4,
          detail: `${x.id}: cancelled; the old key stays current`,
        });
      },
      exists
        ? 'cancelled: the new key is revoked and forgotten; the old key stays current'
        : 'cancelled before a new key existed',
    );
    await this.boundary('cancelled');
  }
}

/** Whether a stored secret is a key Keydeck may use: the same checks as a pasted key, exactly as stored. */
function isUsableKey(secret: string, org: StoredOrganization, r: Rotation): boolean {
  const inspected = inspectKey(secret, { provider: org.provider, environment: r.environment });
  return inspected.ok && inspected.key === secret && inspected.environment === r.environment;
}
