import type { Output, ParsedInput } from '../../../shared/contract.js';
import { fail, KeydeckFailure } from '../../../shared/errors.js';
import type { CoreContext } from '../context.js';
import { checkPasted, refuseDuplicate, storeCredential, verifiedCredential, type Inspected } from '../credentials.js';
import type { HandlersOf } from '../dispatch.js';
import { checkApiUrl, checkDashboardUrl } from '../http/url-policy.js';
import { newId } from '../ports.js';
import type { StoredOrganization } from '../store/schema.js';

/** Connects an organization's admin key (a new organization, or another environment of one): verified, then stored. */
async function connectAdmin(c: CoreContext, org: StoredOrganization, key: Inspected, isNewOrg: boolean) {
  const credential = await verifiedCredential(
    c,
    org,
    key,
    `${c.providers.names()[org.provider]} ${key.environment} admin key`,
    'admin',
  );
  const { providerKeyId } = credential;
  let result: Output<'orgs.connect'> | undefined;
  await storeCredential(c, org, credential, key.key, (doc) => {
    if (isNewOrg) doc.organizations.push(org);
    const current = c.org(doc, org.id);
    if (doc.credentials.some((x) => x.orgId === org.id && x.environment === key.environment && x.role === 'admin')) {
      fail('CONFLICT', `${current.name} already has a ${key.environment} key connected.`);
    }
    doc.credentials.push(credential);
    c.record(doc, {
      action: isNewOrg ? 'org.connect' : 'org.connectEnvironment',
      orgId: org.id,
      environment: key.environment,
      keyId: providerKeyId,
      last4: key.last4,
    });
    result = { organization: c.present(doc, current), credential };
  });
  if (!result) fail('INTERNAL', 'The organization was not stored.');
  return result;
}

/** Organizations: list, connect (and another environment), rename and policy, remove. */
export function orgsHandlers(c: CoreContext): HandlersOf<'orgs'> {
  return {
    async 'orgs.list'(input: ParsedInput<'orgs.list'>): Promise<Output<'orgs.list'>> {
      const doc = c.deps.meta.read();
      const organizations = doc.organizations.map((o) => c.present(doc, o));
      if (!input.show) return { organizations };
      // The window opens on the organization asked for when it still exists, else the first, and on
      // the environment asked for when that one is connected there, else the first connected one.
      const org = organizations.find((o) => o.id === input.show?.orgId) ?? organizations[0];
      const environment =
        org &&
        (input.show.environment && org.environments.includes(input.show.environment)
          ? input.show.environment
          : org.environments[0]);
      if (!org || !environment) return { organizations };
      return { organizations, shown: { orgId: org.id, environment, list: c.cache.get(org.id, environment) ?? null } };
    },

    async 'orgs.connect'(input: ParsedInput<'orgs.connect'>): Promise<Output<'orgs.connect'>> {
      const key = checkPasted(c, input.key, { provider: input.provider, environment: input.environment });
      const info = c.providers.adapter(key.provider).info;
      if (input.apiBaseUrl) {
        const checked = checkApiUrl(input.apiBaseUrl);
        if (!checked.ok) fail('INSECURE_URL', `The API URL is refused: ${checked.reason}.`);
      }
      if (input.dashboardUrl) {
        const checked = checkDashboardUrl(
          input.dashboardUrl,
          info.dashboardHosts.length ? info.dashboardHosts : [new URL(input.dashboardUrl).hostname],
        );
        if (!checked.ok) fail('INSECURE_URL', `The dashboard URL is refused: ${checked.reason}.`);
      }
      if (info.providerOrgField) {
        if (!input.providerOrgId || !new RegExp(info.providerOrgField.pattern).test(input.providerOrgId)) {
          fail(
            'VALIDATION_FAILED',
            `${info.displayName} needs your ${info.providerOrgField.label} (e.g. ${info.providerOrgField.example}).`,
          );
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

    async 'orgs.connectEnvironment'(
      input: ParsedInput<'orgs.connectEnvironment'>,
    ): Promise<Output<'orgs.connectEnvironment'>> {
      const org = c.org(c.deps.meta.read(), input.orgId);
      const key = checkPasted(c, input.key, { provider: org.provider, environment: input.environment });
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
      if (open)
        fail(
          'CONFLICT',
          `A rotation of ${org.name}'s key …${open.old.last4} is not finished. Finish or cancel it first, so no key is left behind at the provider.`,
        );
      let removedSecrets = 0;
      const creds = doc.credentials.filter((x) => x.orgId === org.id);
      for (const cred of creds) {
        const account = c.account(org, cred);
        try {
          if (await c.deps.secrets.delete(account)) removedSecrets++;
          // "Nothing deleted" must mean "nothing there": ask again, so a keychain that cannot answer fails here.
          else if ((await c.deps.secrets.get(account)) !== null)
            fail('KEYCHAIN_ERROR', `The keychain kept ${org.name}'s ${cred.environment} key …${cred.last4}.`);
        } catch (error) {
          // Say how far it got: keys already deleted are gone from the keychain, the rest is still there.
          const failure =
            error instanceof KeydeckFailure
              ? error.error
              : { code: 'KEYCHAIN_ERROR' as const, message: 'The keychain refused.' };
          const done = removedSecrets
            ? ` ${removedSecrets} of ${creds.length} of its keys were already deleted from the keychain, so Keydeck cannot use them any more;`
            : '';
          fail(
            failure.code,
            `${failure.message}${done} ${org.name} stays in Keydeck until every key is deleted. Unlock your keychain and remove it again to finish.`,
          );
        }
      }
      c.cache.forgetOrg(org.id);
      await c.deps.meta.update((d) => {
        d.organizations = d.organizations.filter((o) => o.id !== org.id);
        d.credentials = d.credentials.filter((x) => x.orgId !== org.id);
        c.record(d, {
          action: 'org.remove',
          orgId: org.id,
          detail: `${removedSecrets} secret(s) removed from the keychain`,
        });
      });
      return { removedSecrets };
    },

    async 'orgs.update'(input: ParsedInput<'orgs.update'>): Promise<Output<'orgs.update'>> {
      return c.deps.meta.update((doc) => {
        const org = c.org(doc, input.orgId);
        if (input.name) org.name = input.name;
        if (input.policy) org.policy = input.policy;
        return { organization: c.present(doc, org) };
      });
    },
  };
}
