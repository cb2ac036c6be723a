import type { Credential } from '../../../../shared/domain.js';
import { KeydeckFailure } from '../../../../shared/errors.js';
import { inspectKey, maskFromParts } from '../../../../shared/keys.js';
import type { Rotation } from '../../../../shared/rotation.js';
import { checkCreated, checkPasted } from '../../credentials.js';
import type { CoreContext } from '../../context.js';
import type { StoredOrganization } from '../../store/schema.js';
import type { Kit } from '../kit.js';

/**
 * Step `create` (and `store`): the new key made at the provider (or pasted from its dashboard) and stored in the
 * keychain, pending, before anything else; a create whose answer was lost is found by name and revoked.
 */

export function pendingCredential(k: Kit, r: Rotation): Credential {
  return {
    id: r.newKey.credentialId,
    orgId: r.orgId,
    environment: r.environment,
    label: r.newKey.name,
    prefix: r.newKey.prefix ?? r.old.prefix,
    last4: r.newKey.last4 ?? '',
    providerKeyId: r.newKey.providerKeyId,
    role: 'pending',
    createdAt: k.c.now(),
  };
}

export async function create(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  const adapter = k.c.adapter(org);
  // A secret under the reserved credential id means a create (or a paste) got as far as the
  // keychain before a crash: adopt it rather than make another key.
  if (await adoptStoredNew(k, org, r)) return;
  if (r.intent?.action === 'create' || r.intent?.action === 'revoke-orphan') {
    await revokeLostCreates(k, org, r);
    r = k.journal.get(r.id);
  }
  if (!adapter.create) {
    // The dashboard's steps are the provider's own (ProviderInfo.dashboardSteps): the wizard lists them.
    await k.journal.save(r.id, (x) => {
      x.status = 'needs-user';
      x.waitingFor = `Create the new key in the ${adapter.info.displayName} dashboard, named “${x.newKey.name}”, then paste it here.`;
    });
    return;
  }
  await k.journal.save(
    r.id,
    (x) => {
      x.intent = { action: 'create', at: k.c.now() };
    },
    `creating “${r.newKey.name}” at ${adapter.info.displayName}`,
  );
  await k.boundary('create:intent');
  // Never retried blindly: if the answer is lost, resume lists the provider's keys by this name.
  const created = await adapter.create(await k.adminCtx(org, r), { name: r.newKey.name, scope: r.newKey.scope });
  await k.boundary('create:response');
  try {
    await checkCreated(k.c, created.secret, { provider: org.provider, environment: r.environment });
  } catch (refused) {
    if (!(refused instanceof KeydeckFailure && refused.error.code === 'PROVIDER_BAD_RESPONSE')) throw refused;
    // Never stored, verified or deployed: the key the provider made is revoked as an orphan.
    await k.journal.save(
      r.id,
      (x) => {
        x.orphans.push({ providerKeyId: created.key.id, foundAt: k.c.now() });
      },
      `the provider answered the create with a key Keydeck refuses (id ${created.key.id}); revoking it`,
    );
    await revokeLostCreates(k, org, k.journal.get(r.id));
    throw refused;
  }
  await k.c.deps.secrets.set(k.newAccount(org, r), created.secret);
  await k.boundary('create:keychain');
  await k.journal.save(
    r.id,
    (x, doc) => {
      x.newKey = {
        ...x.newKey,
        providerKeyId: created.key.id,
        prefix: created.key.prefix ?? x.old.prefix,
        last4: created.secret.slice(-4),
        storedAt: k.c.now(),
      };
      if (x.old.role === 'admin') x.usage.keydeckCalls.old = k.c.now();
      delete x.intent;
      x.step = 'verify';
      doc.credentials.push(pendingCredential(k, x));
    },
    `created ${maskFromParts(created.key.prefix ?? r.old.prefix, created.secret.slice(-4))} (id ${created.key.id}) and stored it in the keychain (pending)`,
  );
  await k.boundary('store');
}

/**
 * After a crash during create the secret may already be in the keychain, under the credential id
 * reserved at plan time: adopt it. Returns true when it did.
 */
export async function adoptStoredNew(k: Kit, org: StoredOrganization, r: Rotation): Promise<boolean> {
  const adapter = k.c.adapter(org);
  const secret = await k.c.deps.secrets.get(k.newAccount(org, r));
  if (secret && !isUsableKey(k.c, secret, org, r)) {
    // Not a key Keydeck can use (an older version stored a provider's hostile answer): forget it,
    // and revoke the key behind it as an orphan when its id is known.
    await k.c.deps.secrets.delete(k.newAccount(org, r));
    const id = r.newKey.providerKeyId;
    await k.journal.save(
      r.id,
      (x, doc) => {
        if (id && !x.orphans.some((o) => o.providerKeyId === id))
          x.orphans.push({ providerKeyId: id, foundAt: k.c.now() });
        doc.credentials = doc.credentials.filter((c) => c.id !== x.newKey.credentialId);
        x.newKey = { credentialId: x.newKey.credentialId, name: x.newKey.name, scope: x.newKey.scope };
      },
      'the stored new key is not a valid key; Keydeck forgot it',
    );
    return false;
  }
  if (secret) {
    const key = checkPasted(k.c, secret, { provider: org.provider, environment: r.environment });
    let providerKeyId = r.newKey.providerKeyId;
    if (!providerKeyId && adapter.list) {
      const keys = await adapter.list(await k.adminCtx(org, r));
      providerKeyId = keys.find((k) => k.status === 'active' && k.name === r.newKey.name && k.last4 === key.last4)?.id;
    }
    await k.journal.save(
      r.id,
      (x, doc) => {
        x.newKey = {
          ...x.newKey,
          providerKeyId,
          prefix: key.prefix,
          last4: key.last4,
          storedAt: x.newKey.storedAt ?? k.c.now(),
        };
        delete x.intent;
        x.step = 'verify';
        if (!doc.credentials.some((c) => c.id === x.newKey.credentialId)) doc.credentials.push(pendingCredential(k, x));
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
export async function revokeLostCreates(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  const adapter = k.c.adapter(org);
  if (adapter.list) {
    const ctx = await k.adminCtx(org, r);
    const known = new Set([
      ...k.c.deps.meta.read().credentials.map((c) => c.providerKeyId),
      ...r.orphans.map((o) => o.providerKeyId),
    ]);
    const lost = (await adapter.list(ctx)).filter(
      (k) => k.status === 'active' && k.name === r.newKey.name && !known.has(k.id),
    );
    for (const orphan of lost) {
      await k.journal.save(
        r.id,
        (x) => {
          x.orphans.push({ providerKeyId: orphan.id, foundAt: k.c.now() });
        },
        `resumed: found ${orphan.id} (“${orphan.name}”), created but its answer was lost`,
      );
    }
    await revokePendingOrphans(k, org, k.journal.get(r.id));
  }
  await k.journal.save(r.id, (x) => {
    delete x.intent;
  });
}

/** Revokes, through the API, every key the journal lists as created but held by nobody. */
export async function revokePendingOrphans(k: Kit, org: StoredOrganization, r: Rotation): Promise<void> {
  const adapter = k.c.adapter(org);
  const pending = r.orphans.filter((o) => !o.revokedAt);
  if (!pending.length || !adapter.revoke) return;
  const ctx = await k.adminCtx(org, r);
  for (const orphan of pending) {
    await k.journal.save(r.id, (x) => {
      x.intent = { action: 'revoke-orphan', at: k.c.now() };
    });
    await adapter.revoke(ctx, orphan.providerKeyId).catch((e: unknown) => {
      if (!(e instanceof KeydeckFailure && e.error.code === 'NOT_FOUND')) throw e;
    });
    await k.journal.save(
      r.id,
      (x) => {
        const o = x.orphans.find((y) => y.providerKeyId === orphan.providerKeyId);
        if (o) o.revokedAt = k.c.now();
        delete x.intent;
      },
      `revoked ${orphan.providerKeyId}: nobody holds its secret`,
    );
  }
}

/** Whether a stored secret is a key Keydeck may use: the same checks as a pasted key, exactly as stored. */
export function isUsableKey(c: CoreContext, secret: string, org: StoredOrganization, r: Rotation): boolean {
  const inspected = inspectKey(
    secret,
    { provider: org.provider, environment: r.environment },
    c.providers.names(),
    c.providers.formats(),
  );
  return inspected.ok && inspected.key === secret && inspected.environment === r.environment;
}
