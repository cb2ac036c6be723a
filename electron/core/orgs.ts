import type { Output, ParsedInput } from '../../shared/contract.js';
import type { Credential, Environment } from '../../shared/domain.js';
import { fail } from '../../shared/errors.js';
import { inspectKey } from '../../shared/keys.js';
import type { CoreContext } from './context.js';
import { checkApiUrl } from './http/url-policy.js';
import { newId } from './ports.js';
import { adapterFor } from './providers/index.js';
import type { StoredOrganization } from './store/schema.js';

type Inspected = Extract<ReturnType<typeof inspectKey>, { ok: true }>;

/** Normalises and checks a pasted key against the environment the user expects. */
function checkPasted(key: string, expected?: Environment): Inspected {
  const inspected = inspectKey(key);
  if (!inspected.ok) {
    fail(inspected.problem.kind === 'unknown-prefix' ? 'KEY_UNKNOWN_PROVIDER' : 'KEY_MALFORMED', inspected.message);
  }
  if (expected && inspected.environment !== expected) {
    fail(
      'KEY_ENVIRONMENT_MISMATCH',
      `This is a ${inspected.environment} key (${inspected.prefix}…), but you are connecting the ${expected} environment. Paste a ${expected} key.`,
    );
  }
  return inspected;
}

/** Refuses a key Keydeck already holds, comparing secrets of the same provider and last 4 in the keychain. */
async function refuseDuplicate(c: CoreContext, key: Inspected): Promise<void> {
  const doc = c.deps.meta.read();
  for (const cred of doc.credentials) {
    if (cred.last4 !== key.last4 || cred.prefix !== key.prefix) continue;
    const org = doc.organizations.find((o) => o.id === cred.orgId);
    if (!org || org.provider !== key.provider) continue;
    const held = await c.deps.secrets.get(c.account(org, cred));
    if (held === key.key) fail('CONFLICT', `Keydeck already holds this key (${key.masked}) in ${org.name}.`);
  }
}

/**
 * Verifies the key with the provider, then stores it: keychain first, metadata second, so the
 * metadata never points at a secret that is not there. If the metadata write fails the secret is
 * removed again.
 */
async function verifyAndStore(c: CoreContext, org: StoredOrganization, key: Inspected, isNewOrg: boolean, label: string) {
  const adapter = adapterFor(org.provider);
  const baseUrl = c.baseUrl(org);
  await adapter.verify({ http: c.deps.http, baseUrl, secret: key.key });
  // Where the provider lists keys, find this key's id by its public prefix and last 4.
  let providerKeyId: string | undefined;
  if (adapter.list) {
    const keys = await adapter.list({ http: c.deps.http, baseUrl, secret: key.key }).catch(() => []);
    const matches = keys.filter((k) => k.status === 'active' && k.last4 === key.last4 && (k.prefix ?? key.prefix) === key.prefix);
    if (matches.length === 1) providerKeyId = matches[0]?.id;
  }
  const now = c.now();
  const credential: Credential = {
    id: newId('cred'),
    orgId: org.id,
    environment: key.environment,
    label,
    prefix: key.prefix,
    last4: key.last4,
    providerKeyId,
    role: 'admin',
    createdAt: now,
    verifiedAt: now,
  };
  const account = c.account(org, credential);
  await c.deps.secrets.set(account, key.key);
  try {
    return await c.deps.meta.update((doc) => {
      if (isNewOrg) doc.organizations.push(org);
      const current = c.org(doc, org.id);
      if (doc.credentials.some((x) => x.orgId === org.id && x.environment === key.environment && x.role === 'admin')) {
        fail('CONFLICT', `${current.name} already has a ${key.environment} key connected.`);
      }
      doc.credentials.push(credential);
      c.record(doc, { action: isNewOrg ? 'org.connect' : 'org.connectEnvironment', orgId: org.id, environment: key.environment, keyId: providerKeyId, last4: key.last4 });
      return { organization: c.present(doc, current), credential };
    });
  } catch (error) {
    await c.deps.secrets.delete(account).catch(() => undefined);
    throw error;
  }
}

export function orgHandlers(c: CoreContext) {
  return {
    async 'orgs.list'(): Promise<Output<'orgs.list'>> {
      const doc = c.deps.meta.read();
      return { organizations: doc.organizations.map((o) => c.present(doc, o)) };
    },

    async 'orgs.connect'(input: ParsedInput<'orgs.connect'>): Promise<Output<'orgs.connect'>> {
      const key = checkPasted(input.key, input.environment);
      if (input.apiBaseUrl) {
        const checked = checkApiUrl(input.apiBaseUrl);
        if (!checked.ok) fail('INSECURE_URL', `The API URL is refused: ${checked.reason}.`);
      }
      await refuseDuplicate(c, key);
      const info = adapterFor(key.provider).info;
      const org: StoredOrganization = {
        id: newId('org'),
        provider: key.provider,
        name: input.name ?? info.displayName,
        apiBaseUrl: input.apiBaseUrl,
        createdAt: c.now(),
      };
      return verifyAndStore(c, org, key, true, `${info.displayName} ${key.environment} admin key`);
    },

    async 'orgs.connectEnvironment'(input: ParsedInput<'orgs.connectEnvironment'>): Promise<Output<'orgs.connectEnvironment'>> {
      const org = c.org(c.deps.meta.read(), input.orgId);
      const key = checkPasted(input.key, input.environment);
      if (key.provider !== org.provider) {
        fail('KEY_UNKNOWN_PROVIDER', `This is a ${adapterFor(key.provider).info.displayName} key, but ${org.name} is a ${adapterFor(org.provider).info.displayName} organization.`);
      }
      await refuseDuplicate(c, key);
      return verifyAndStore(c, org, key, false, `${adapterFor(org.provider).info.displayName} ${key.environment} admin key`);
    },

    /** Deletes every secret first; metadata goes last so a keychain failure leaves a retryable state. */
    async 'orgs.remove'(input: ParsedInput<'orgs.remove'>): Promise<Output<'orgs.remove'>> {
      const doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      let removedSecrets = 0;
      for (const cred of doc.credentials.filter((x) => x.orgId === org.id)) {
        if (await c.deps.secrets.delete(c.account(org, cred))) removedSecrets++;
      }
      await c.deps.meta.update((d) => {
        d.organizations = d.organizations.filter((o) => o.id !== org.id);
        d.credentials = d.credentials.filter((x) => x.orgId !== org.id);
        c.record(d, { action: 'org.remove', orgId: org.id, detail: `${removedSecrets} secret(s) removed from the keychain` });
      });
      return { removedSecrets };
    },
  };
}

