import type { Credential, Environment, ProviderId } from '../../shared/domain.js';
import { fail, KeydeckFailure } from '../../shared/errors.js';
import { inspectKey, type KeyInspection } from '../../shared/keys.js';
import type { CoreContext } from './context.js';
import { newId } from './ports.js';
import { BUILTIN_PROVIDERS, type ProviderRegistry } from './providers/index.js';
import type { MetaDoc, StoredOrganization } from './store/schema.js';
import { verifyAndIdentify } from './verify.js';

export type Inspected = Extract<KeyInspection, { ok: true }>;

/** Normalises and checks a pasted key against the provider and environment the user expects. */
export function checkPasted(
  c: CoreContext,
  key: string,
  expected: { provider?: ProviderId; environment?: Environment } = {},
): Inspected {
  const names = c.providers.names();
  const inspected = inspectKey(key, expected, names, c.providers.formats());
  if (!inspected.ok) {
    const kind = inspected.problem.kind;
    fail(
      kind === 'unknown-prefix' || kind === 'wrong-provider' ? 'KEY_UNKNOWN_PROVIDER' : 'KEY_MALFORMED',
      inspected.message,
    );
  }
  if (expected.environment && inspected.environment !== expected.environment) {
    fail(
      'KEY_ENVIRONMENT_MISMATCH',
      `This is a ${inspected.environment} key (${inspected.prefix}…), but you are connecting the ${expected.environment} environment. Paste a ${expected.environment} key.`,
    );
  }
  if (!c.providers.adapter(inspected.provider).info.environments.includes(inspected.environment)) {
    fail('KEY_ENVIRONMENT_MISMATCH', `${names[inspected.provider]} has no ${inspected.environment} environment.`);
  }
  return inspected;
}

/**
 * A secret a provider sent (a create answer) passes the same checks as a pasted key, and must be
 * exactly what was sent (nothing trimmed): a "key" with a newline or `;touch …` in it is refused
 * before it is stored, verified or written to a file.
 */
export function checkFromProvider(
  secret: string,
  expected: { provider: ProviderId; environment: Environment },
  providers: ProviderRegistry = BUILTIN_PROVIDERS,
): Inspected {
  const names = providers.names();
  const inspected = inspectKey(secret, expected, names, providers.formats());
  const name = names[expected.provider];
  if (!inspected.ok)
    fail('PROVIDER_BAD_RESPONSE', `${name} answered with a new key Keydeck refuses: ${inspected.message}`);
  if (inspected.key !== secret)
    fail(
      'PROVIDER_BAD_RESPONSE',
      `${name} answered with a new key that has spaces or line breaks around it; Keydeck refuses it.`,
    );
  if (inspected.environment !== expected.environment) {
    fail(
      'PROVIDER_BAD_RESPONSE',
      `${name} answered with a ${inspected.environment} key where a ${expected.environment} key was asked for; Keydeck refuses it.`,
    );
  }
  return inspected;
}

/**
 * A created key checked like a pasted one, including "Keydeck already holds it": a provider that hands
 * back a key Keydeck has (a bug, or worse) would otherwise leave two credentials on one secret, and
 * revoking one would lock Keydeck out. Refused as a bad answer.
 */
export async function checkCreated(
  c: CoreContext,
  secret: string,
  expected: { provider: ProviderId; environment: Environment },
): Promise<Inspected> {
  const key = checkFromProvider(secret, expected, c.providers);
  try {
    await refuseDuplicate(c, key);
  } catch (error) {
    if (error instanceof KeydeckFailure && error.error.code === 'CONFLICT') {
      fail(
        'PROVIDER_BAD_RESPONSE',
        `${c.providers.names()[expected.provider]} answered the create with a key Keydeck already holds (${key.masked}); Keydeck refuses it.`,
      );
    }
    throw error;
  }
  return key;
}

/** Refuses a key Keydeck already holds, comparing secrets of the same provider and last 4 in the keychain. */
export async function refuseDuplicate(c: CoreContext, key: Inspected): Promise<void> {
  const doc = c.deps.meta.read();
  for (const cred of doc.credentials) {
    if (cred.last4 !== key.last4 || cred.prefix !== key.prefix) continue;
    const org = doc.organizations.find((o) => o.id === cred.orgId);
    if (!org || org.provider !== key.provider) continue;
    // A keychain that cannot answer cannot hold a duplicate either; storing will say what is wrong.
    const held = await c.deps.secrets.get(c.account(org, cred)).catch(() => null);
    if (held === key.key) fail('CONFLICT', `Keydeck already holds this key (${key.masked}) in ${org.name}.`);
  }
}

/**
 * Stores a verified key: keychain first, metadata second, so the metadata never points at a
 * secret that is not there. If the metadata write fails the secret is removed again.
 */
export async function storeCredential(
  c: CoreContext,
  org: StoredOrganization,
  credential: Credential,
  secret: string,
  write: (doc: MetaDoc) => void,
): Promise<void> {
  const account = c.account(org, credential);
  await c.deps.secrets.set(account, secret);
  try {
    await c.deps.meta.update(write);
  } catch (error) {
    await c.deps.secrets.delete(account).catch(() => undefined);
    throw error;
  }
}

/** Verifies a pasted key with the provider and describes it as a credential (not yet stored). */
export async function verifiedCredential(
  c: CoreContext,
  org: StoredOrganization,
  key: Inspected,
  label: string,
  role: Credential['role'],
): Promise<Credential> {
  const { providerKeyId } = await verifyAndIdentify(
    c,
    org,
    key,
    undefined,
    await observerFor(c, org, key.environment, key.key),
  );
  const now = c.now();
  return {
    id: newId('cred'),
    orgId: org.id,
    environment: key.environment,
    label,
    prefix: key.prefix,
    last4: key.last4,
    providerKeyId,
    role,
    createdAt: now,
    verifiedAt: now,
  };
}

/**
 * The secret of the admin key of an organization-environment, when there is one other than `except`:
 * the key that lists while another is identified by its last use. Undefined when there is none.
 */
export async function observerFor(
  c: CoreContext,
  org: StoredOrganization,
  environment: Environment,
  except: string,
): Promise<string | undefined> {
  const admin = c.deps.meta
    .read()
    .credentials.find((x) => x.orgId === org.id && x.environment === environment && x.role === 'admin');
  if (!admin) return undefined;
  const secret = await c.deps.secrets.get(c.account(org, admin)).catch(() => null);
  return secret && secret !== except ? secret : undefined;
}

/**
 * Ends session-only mode: forgets every session-only key and removes the organizations that held
 * them (they were never in the keychain). Runs on quit, and at start for a session that crashed.
 * An unfinished rotation of such an organization is cancelled with a note saying what to check at
 * the provider, so its journal is kept and explains itself.
 */
export async function endSession(c: CoreContext): Promise<{ organizations: number; keys: number }> {
  const keys = c.vault.endSession();
  const doc = c.deps.meta.read();
  const gone = doc.organizations.filter((o) => o.sessionOnly);
  if (gone.length === 0) return { organizations: 0, keys };
  const ids = new Set(gone.map((o) => o.id));
  for (const id of ids) c.cache.forgetOrg(id);
  await c.deps.meta.update((d) => {
    const now = c.now();
    for (const r of d.rotations) {
      if (!ids.has(r.orgId) || r.status === 'done' || r.status === 'cancelled') continue;
      const created = r.newKey.providerKeyId
        ? ` If the new key (${r.newKey.providerKeyId}) was created, revoke it in the provider's dashboard.`
        : '';
      r.status = 'cancelled';
      r.step = 'cancelled';
      r.updatedAt = now;
      r.finishedAt = now;
      r.history.push({
        at: now,
        step: 'cancelled',
        event: `Session-only mode ended: the keys were held in memory and are gone.${created}`.slice(0, 500),
      });
    }
    for (const org of gone)
      c.record(d, {
        action: 'org.remove',
        orgId: org.id,
        detail: 'session-only: its test keys were held in memory and forgotten when the session ended',
      });
    d.organizations = d.organizations.filter((o) => !ids.has(o.id));
    d.credentials = d.credentials.filter((x) => !ids.has(x.orgId));
  });
  return { organizations: gone.length, keys };
}
