import type { Output, ParsedInput } from '../../shared/contract.js';
import type { Credential, Environment, ProviderId } from '../../shared/domain.js';
import { fail, KeydeckFailure } from '../../shared/errors.js';
import { inspectKey, type KeyInspection } from '../../shared/keys.js';
import type { CoreContext } from './context.js';
import { checkApiUrl, checkDashboardUrl } from './http/url-policy.js';
import { newId } from './ports.js';
import { adapterFor, providerInfos } from './providers/index.js';
import type { MetaDoc, StoredOrganization } from './store/schema.js';
import { verifyAndIdentify } from './verify.js';

export type Inspected = Extract<KeyInspection, { ok: true }>;

const NAMES = Object.fromEntries(providerInfos().map((p) => [p.id, p.displayName])) as Record<ProviderId, string>;

/** Normalises and checks a pasted key against the provider and environment the user expects. */
export function checkPasted(key: string, expected: { provider?: ProviderId; environment?: Environment } = {}): Inspected {
  const inspected = inspectKey(key, expected, NAMES);
  if (!inspected.ok) {
    const kind = inspected.problem.kind;
    fail(kind === 'unknown-prefix' || kind === 'wrong-provider' ? 'KEY_UNKNOWN_PROVIDER' : 'KEY_MALFORMED', inspected.message);
  }
  if (expected.environment && inspected.environment !== expected.environment) {
    fail(
      'KEY_ENVIRONMENT_MISMATCH',
      `This is a ${inspected.environment} key (${inspected.prefix}…), but you are connecting the ${expected.environment} environment. Paste a ${expected.environment} key.`,
    );
  }
  if (!adapterFor(inspected.provider).info.environments.includes(inspected.environment)) {
    fail('KEY_ENVIRONMENT_MISMATCH', `${NAMES[inspected.provider]} has no ${inspected.environment} environment.`);
  }
  return inspected;
}

/**
 * A secret a provider sent (a create answer) passes the same checks as a pasted key, and must be
 * exactly what was sent (nothing trimmed): a "key" with a newline or `;touch …` in it is refused
 * before it is stored, verified or written to a file.
 */
export function checkFromProvider(secret: string, expected: { provider: ProviderId; environment: Environment }): Inspected {
  const inspected = inspectKey(secret, expected, NAMES);
  const name = NAMES[expected.provider];
  if (!inspected.ok) fail('PROVIDER_BAD_RESPONSE', `${name} answered with a new key Keydeck refuses: ${inspected.message}`);
  if (inspected.key !== secret) fail('PROVIDER_BAD_RESPONSE', `${name} answered with a new key that has spaces or line breaks around it; Keydeck refuses it.`);
  if (inspected.environment !== expected.environment) {
    fail('PROVIDER_BAD_RESPONSE', `${name} answered with a ${inspected.environment} key where a ${expected.environment} key was asked for; Keydeck refuses it.`);
  }
  return inspected;
}

/**
 * A created key checked like a pasted one, including "Keydeck already holds it": a provider that hands
 * back a key Keydeck has (a bug, or worse) would otherwise leave two credentials on one secret, and
 * revoking one would lock Keydeck out. Refused as a bad answer.
 */
export async function checkCreated(c: CoreContext, secret: string, expected: { provider: ProviderId; environment: Environment }): Promise<Inspected> {
  const key = checkFromProvider(secret, expected);
  try {
    await refuseDuplicate(c, key);
  } catch (error) {
    if (error instanceof KeydeckFailure && error.error.code === 'CONFLICT') {
      fail('PROVIDER_BAD_RESPONSE', `${NAMES[expected.provider]} answered the create with a key Keydeck already holds (${key.masked}); Keydeck refuses it.`);
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
export async function verifiedCredential(c: CoreContext, org: StoredOrganization, key: Inspected, label: string, role: Credential['role']): Promise<Credential> {
  const { providerKeyId } = await verifyAndIdentify(c, org, key, undefined, await observerFor(c, org, key.environment, key.key));
  const now = c.now();
  return { id: newId('cred'), orgId: org.id, environment: key.environment, label, prefix: key.prefix, last4: key.last4, providerKeyId, role, createdAt: now, verifiedAt: now };
}

/**
 * The secret of the admin key of an organization-environment, when there is one other than `except`:
 * the key that lists while another is identified by its last use. Undefined when there is none.
 */
export async function observerFor(c: CoreContext, org: StoredOrganization, environment: Environment, except: string): Promise<string | undefined> {
  const admin = c.deps.meta.read().credentials.find((x) => x.orgId === org.id && x.environment === environment && x.role === 'admin');
  if (!admin) return undefined;
  const secret = await c.deps.secrets.get(c.account(org, admin)).catch(() => null);
  return secret && secret !== except ? secret : undefined;
}

async function connectAdmin(c: CoreContext, org: StoredOrganization, key: Inspected, isNewOrg: boolean) {
  const credential = await verifiedCredential(c, org, key, `${NAMES[org.provider]} ${key.environment} admin key`, 'admin');
  const { providerKeyId } = credential;
  let result: Output<'orgs.connect'> | undefined;
  await storeCredential(c, org, credential, key.key, (doc) => {
    if (isNewOrg) doc.organizations.push(org);
    const current = c.org(doc, org.id);
    if (doc.credentials.some((x) => x.orgId === org.id && x.environment === key.environment && x.role === 'admin')) {
      fail('CONFLICT', `${current.name} already has a ${key.environment} key connected.`);
    }
    doc.credentials.push(credential);
    c.record(doc, { action: isNewOrg ? 'org.connect' : 'org.connectEnvironment', orgId: org.id, environment: key.environment, keyId: providerKeyId, last4: key.last4 });
    result = { organization: c.present(doc, current), credential };
  });
  if (!result) fail('INTERNAL', 'The organization was not stored.');
  return result;
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
      const created = r.newKey.providerKeyId ? ` If the new key (${r.newKey.providerKeyId}) was created, revoke it in the provider's dashboard.` : '';
      r.status = 'cancelled';
      r.step = 'cancelled';
      r.updatedAt = now;
      r.finishedAt = now;
      r.history.push({ at: now, step: 'cancelled', event: `Session-only mode ended: the keys were held in memory and are gone.${created}`.slice(0, 500) });
    }
    for (const org of gone) c.record(d, { action: 'org.remove', orgId: org.id, detail: 'session-only: its test keys were held in memory and forgotten when the session ended' });
    d.organizations = d.organizations.filter((o) => !ids.has(o.id));
    d.credentials = d.credentials.filter((x) => !ids.has(x.orgId));
  });
  return { organizations: gone.length, keys };
}

export function orgHandlers(c: CoreContext) {
  return {
    async 'orgs.list'(input: ParsedInput<'orgs.list'>): Promise<Output<'orgs.list'>> {
      const doc = c.deps.meta.read();
      const organizations = doc.organizations.map((o) => c.present(doc, o));
      if (!input.show) return { organizations };
      // The window opens on the organization asked for when it still exists, else the first, and on
      // the environment asked for when that one is connected there, else the first connected one.
      const org = organizations.find((o) => o.id === input.show?.orgId) ?? organizations[0];
      const environment = org && (input.show.environment && org.environments.includes(input.show.environment) ? input.show.environment : org.environments[0]);
      if (!org || !environment) return { organizations };
      return { organizations, shown: { orgId: org.id, environment, list: c.cache.get(org.id, environment) ?? null } };
    },

    async 'orgs.connect'(input: ParsedInput<'orgs.connect'>): Promise<Output<'orgs.connect'>> {
      const key = checkPasted(input.key, { provider: input.provider, environment: input.environment });
      const info = adapterFor(key.provider).info;
      if (input.apiBaseUrl) {
        const checked = checkApiUrl(input.apiBaseUrl);
        if (!checked.ok) fail('INSECURE_URL', `The API URL is refused: ${checked.reason}.`);
      }
      if (input.dashboardUrl) {
        const checked = checkDashboardUrl(input.dashboardUrl, info.dashboardHosts.length ? info.dashboardHosts : [new URL(input.dashboardUrl).hostname]);
        if (!checked.ok) fail('INSECURE_URL', `The dashboard URL is refused: ${checked.reason}.`);
      }
      if (info.providerOrgField) {
        if (!input.providerOrgId || !new RegExp(info.providerOrgField.pattern).test(input.providerOrgId)) {
          fail('VALIDATION_FAILED', `${info.displayName} needs your ${info.providerOrgField.label} (e.g. ${info.providerOrgField.example}).`);
        }
      }
      c.assertCanStore(undefined, key.environment);
      await refuseDuplicate(c, key);
      const org: StoredOrganization = {
        id: newId('org'),
        provider: key.provider,
        name: input.name ?? info.displayName,
        apiBaseUrl: input.apiBaseUrl,
        providerOrgId: info.providerOrgField ? input.providerOrgId : undefined,
        dashboardUrl: input.dashboardUrl,
        createdAt: c.now(),
        ...(c.vault.sessionOnly ? { sessionOnly: true } : {}),
      };
      return connectAdmin(c, org, key, true);
    },

    async 'orgs.connectEnvironment'(input: ParsedInput<'orgs.connectEnvironment'>): Promise<Output<'orgs.connectEnvironment'>> {
      const org = c.org(c.deps.meta.read(), input.orgId);
      const key = checkPasted(input.key, { provider: org.provider, environment: input.environment });
      c.assertCanStore(org, key.environment);
      await refuseDuplicate(c, key);
      return connectAdmin(c, org, key, false);
    },

    /**
     * Deletes every secret first; metadata goes last, and only once each secret is known to be gone
     * from the keychain: a locked or missing keychain fails the call and keeps the organization, so
     * no secret is left behind with nothing in Keydeck pointing at it.
     */
    async 'orgs.remove'(input: ParsedInput<'orgs.remove'>): Promise<Output<'orgs.remove'>> {
      const doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      const open = doc.rotations.find((r) => r.orgId === org.id && r.status !== 'done' && r.status !== 'cancelled');
      if (open) fail('CONFLICT', `A rotation of ${org.name}'s key …${open.old.last4} is not finished. Finish or cancel it first, so no key is left behind at the provider.`);
      let removedSecrets = 0;
      const creds = doc.credentials.filter((x) => x.orgId === org.id);
      for (const cred of creds) {
        const account = c.account(org, cred);
        try {
          if (await c.deps.secrets.delete(account)) removedSecrets++;
          // "Nothing deleted" must mean "nothing there": ask again, so a keychain that cannot answer fails here.
          else if ((await c.deps.secrets.get(account)) !== null) fail('KEYCHAIN_ERROR', `The keychain kept ${org.name}'s ${cred.environment} key …${cred.last4}.`);
        } catch (error) {
          // Say how far it got: keys already deleted are gone from the keychain, the rest is still there.
          const failure = error instanceof KeydeckFailure ? error.error : { code: 'KEYCHAIN_ERROR' as const, message: 'The keychain refused.' };
          const done = removedSecrets ? ` ${removedSecrets} of ${creds.length} of its keys were already deleted from the keychain, so Keydeck cannot use them any more;` : '';
          fail(failure.code, `${failure.message}${done} ${org.name} stays in Keydeck until every key is deleted. Unlock your keychain and remove it again to finish.`);
        }
      }
      c.cache.forgetOrg(org.id);
      await c.deps.meta.update((d) => {
        d.organizations = d.organizations.filter((o) => o.id !== org.id);
        d.credentials = d.credentials.filter((x) => x.orgId !== org.id);
        c.record(d, { action: 'org.remove', orgId: org.id, detail: `${removedSecrets} secret(s) removed from the keychain` });
      });
      return { removedSecrets };
    },
  };
}
