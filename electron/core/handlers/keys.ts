import type { Output, ParsedInput } from '../../../shared/contract.js';
import { KeyRecord, type Credential } from '../../../shared/domain.js';
import { fail, KeydeckFailure, type KeydeckError } from '../../../shared/errors.js';
import { maskFromParts } from '../../../shared/keys.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { fromCredential, joinHeld, listFromProvider } from '../key-list.js';
import { checkCreated, checkPasted, refuseDuplicate, storeCredential, verifiedCredential } from '../credentials.js';
import { newId } from '../ports.js';
import { checkCredential, isRejection, learnId } from '../verify.js';

/** Keys: the provider's list (and the last one kept), create, revoke, and the dashboard-guided adopt / check / confirm-revoked. */
export function keysHandlers(c: CoreContext): HandlersOf<'keys'> {
  return {
    /** The last list kept for an organization-environment (no provider call): what a switch paints from. */
    async 'keys.cached'(input: ParsedInput<'keys.cached'>): Promise<Output<'keys.cached'>> {
      c.org(c.deps.meta.read(), input.orgId);
      return { list: c.cache.get(input.orgId, input.environment) ?? null };
    },

    async 'keys.list'(input: ParsedInput<'keys.list'>): Promise<Output<'keys.list'>> {
      const doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      const result = { ...(await listFromProvider(c, doc, org, input.environment)), fetchedAt: c.now() };
      c.cache.set(org.id, input.environment, { ...result, environment: input.environment });
      return result;
    },

    async 'keys.create'(input: ParsedInput<'keys.create'>): Promise<Output<'keys.create'>> {
      const doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      const adapter = c.apiAdapter(org, 'create');
      if (input.keep) c.assertCanStore(org, input.environment);
      const { ctx, admin } = await c.callWith(doc, org, input.environment);
      // A create is never retried: the provider may have made the key even if the answer was lost.
      const created = await adapter.create(ctx, { name: input.name, scope: input.scope });
      try {
        await checkCreated(c, created.secret, { provider: org.provider, environment: input.environment });
      } catch (refused) {
        if (!(refused instanceof KeydeckFailure && refused.error.code === 'PROVIDER_BAD_RESPONSE')) throw refused;
        // A key nobody can use safely is only a liability: revoke it, and say what happened.
        const revoked = await adapter.revoke?.(ctx, created.key.id).then(
          () => true,
          () => false,
        );
        const what = revoked
          ? `Keydeck revoked it (id ${created.key.id}) and stored nothing.`
          : `Revoke it in the dashboard (id ${created.key.id}); Keydeck stored nothing.`;
        fail('PROVIDER_BAD_RESPONSE', `${(refused as KeydeckFailure).error.message} ${what}`, {
          provider: (refused as KeydeckFailure).error.provider,
        });
      }
      // From here the key exists at the provider and its secret is shown only now: nothing that
      // fails below (keychain, a full disk) may cost the person the secret. Each failure is reported.
      const last4 = created.secret.slice(-4);
      const problems: KeydeckError[] = [];
      const failed = (error: unknown, message: string): KeydeckError =>
        error instanceof KeydeckFailure ? error.error : { code: 'INTERNAL', message };
      let heldCredentialId: string | undefined;
      let keepError: KeydeckError | undefined;
      if (input.keep) {
        const cred: Credential = {
          id: newId('cred'),
          orgId: org.id,
          environment: input.environment,
          label: input.name,
          prefix: created.key.prefix ?? admin.prefix,
          last4,
          providerKeyId: created.key.id,
          role: 'held',
          createdAt: c.now(),
          verifiedAt: undefined,
        };
        try {
          await storeCredential(c, org, cred, created.secret, (d) => void d.credentials.push(cred));
          heldCredentialId = cred.id;
        } catch (error) {
          keepError = failed(error, 'The key could not be kept in the keychain.');
        }
      }
      try {
        await c.deps.meta.update((d) => {
          c.record(d, {
            action: 'key.create',
            orgId: org.id,
            environment: input.environment,
            keyId: created.key.id,
            last4,
            detail: input.keep ? (heldCredentialId ? 'kept in keychain' : 'keeping failed') : 'not kept',
          });
        });
      } catch (error) {
        problems.push(failed(error, 'The activity log could not be written.'));
      }
      let creds: Credential[] = [];
      try {
        creds = c.deps.meta.read().credentials.filter((x) => x.orgId === org.id);
      } catch {
        // Joining is cosmetic; the key and its secret are what matter.
      }
      const joined = KeyRecord.safeParse(joinHeld({ ...created.key, last4 }, creds, admin.prefix));
      const key = joined.success
        ? joined.data
        : {
            id: created.key.id,
            name: input.name,
            masked: maskFromParts(created.key.prefix ?? admin.prefix, last4),
            environment: input.environment,
            status: 'active' as const,
            heldCredentialId,
            isAdmin: false,
          };
      return {
        key,
        secret: created.secret,
        heldCredentialId,
        keepError: keepError ?? problems[0],
        ...(problems.length ? { problems } : {}),
      };
    },

    async 'keys.revoke'(input: ParsedInput<'keys.revoke'>): Promise<Output<'keys.revoke'>> {
      let doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      const adapter = c.apiAdapter(org, 'revoke');
      const unmatched = doc.credentials.find((x) => x.orgId === org.id && x.id === input.keyId && !x.providerKeyId);
      if (unmatched) {
        fail(
          'KEY_IDENTITY_UNKNOWN',
          `Keydeck cannot tell which of ${adapter.info.displayName}'s keys is ${unmatched.label} (…${unmatched.last4}), so it will not revoke anything for it. Revoke it in the dashboard, then let Keydeck check it is refused.`,
        );
      }
      let admin = c.admin(doc, org, input.environment);
      if (!admin.providerKeyId) {
        // Learn the admin key's id first, so Keydeck can refuse to saw off the branch it sits on.
        await listFromProvider(c, doc, org, input.environment);
        doc = c.deps.meta.read();
        admin = c.admin(doc, org, input.environment);
      }
      if (!admin.providerKeyId) {
        // Never guess: the key asked for might be Keydeck's own admin key.
        fail(
          'KEY_IDENTITY_UNKNOWN',
          `Keydeck cannot yet tell which of ${adapter.info.displayName}'s keys is its own ${input.environment} admin key (…${admin.last4}), so it revokes nothing here: the key you chose might be that one. Add a second ${input.environment} key to Keydeck so it can tell them apart, or revoke in the dashboard.`,
        );
      }
      if (admin.providerKeyId === input.keyId) {
        fail(
          'ADMIN_KEY_PROTECTED',
          `This is the ${input.environment} key Keydeck uses to manage ${org.name}. Revoking it would lock Keydeck out; connect another admin key first, or rotate it.`,
        );
      }
      if (
        doc.rotations.some(
          (r) =>
            r.orgId === org.id &&
            r.status !== 'done' &&
            r.status !== 'cancelled' &&
            (r.old.providerKeyId === input.keyId || r.newKey.providerKeyId === input.keyId),
        )
      ) {
        fail('CONFLICT', 'This key is part of an unfinished rotation: finish or cancel the rotation instead.');
      }
      const { ctx } = await c.callWith(doc, org, input.environment);
      await adapter.revoke(ctx, input.keyId);
      const held = doc.credentials.filter((x) => x.orgId === org.id && x.providerKeyId === input.keyId);
      // The key is dead now; its secret goes from the keychain. One that cannot go yet (a locked
      // keychain) keeps its record, marked refused, so it is never left in the keychain unseen.
      const kept = new Set<string>();
      for (const cred of held) {
        await c.deps.secrets.delete(c.account(org, cred)).catch(() => kept.add(cred.id));
      }
      await c.deps.meta.update((d) => {
        for (const x of d.credentials) {
          if (kept.has(x.id)) {
            x.rejectedAt = c.now();
            x.rejectedCode = 'KEY_REVOKED';
          }
        }
        d.credentials = d.credentials.filter(
          (x) => kept.has(x.id) || !(x.orgId === org.id && x.providerKeyId === input.keyId),
        );
        // The last 4 from the key Keydeck held, else from the last list the person revoked it from.
        const listed = c.cache.get(org.id, input.environment)?.keys.find((k) => k.id === input.keyId);
        const last4 = held[0]?.last4 ?? (listed && /•{4}(.{4})$/.exec(listed.masked)?.[1]);
        c.record(d, { action: 'key.revoke', orgId: org.id, environment: input.environment, keyId: input.keyId, last4 });
      });
      return { keyId: input.keyId, status: 'revoked' };
    },

    async 'keys.adopt'(input: ParsedInput<'keys.adopt'>): Promise<Output<'keys.adopt'>> {
      const org = c.org(c.deps.meta.read(), input.orgId);
      const key = checkPasted(c, input.key, { provider: org.provider, environment: input.environment });
      c.assertCanStore(org, key.environment);
      await refuseDuplicate(c, key);
      const cred = await verifiedCredential(c, org, key, input.name, 'held');
      const { providerKeyId } = cred;
      await storeCredential(c, org, cred, key.key, (d) => {
        d.credentials.push(cred);
        c.record(d, {
          action: 'key.create',
          orgId: org.id,
          environment: key.environment,
          keyId: providerKeyId,
          last4: key.last4,
          detail: 'created in the provider dashboard, verified and kept',
        });
      });
      // A second key can watch the admin key: learn its id if it was never proven (sk-style).
      const admin = c.deps.meta
        .read()
        .credentials.find((x) => x.orgId === org.id && x.environment === key.environment && x.role === 'admin');
      if (providerKeyId && admin && !admin.providerKeyId) await learnId(c, org, admin.id, key.key);
      return { key: fromCredential(cred), credentialId: cred.id };
    },

    async 'keys.check'(input: ParsedInput<'keys.check'>): Promise<Output<'keys.check'>> {
      const doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      return checkCredential(c, org, c.credential(doc, org, input.credentialId));
    },

    async 'keys.confirmRevoked'(input: ParsedInput<'keys.confirmRevoked'>): Promise<Output<'keys.confirmRevoked'>> {
      const doc = c.deps.meta.read();
      const org = c.org(doc, input.orgId);
      const cred = c.credential(doc, org, input.credentialId);
      if (cred.role === 'admin') {
        fail(
          'ADMIN_KEY_PROTECTED',
          `This is the ${cred.environment} key Keydeck uses to manage ${org.name}; connect another admin key before retiring it.`,
        );
      }
      if (
        doc.rotations.some(
          (r) =>
            r.status !== 'done' &&
            r.status !== 'cancelled' &&
            (r.old.credentialId === cred.id || r.newKey.credentialId === cred.id),
        )
      ) {
        fail(
          'CONFLICT',
          'This key is part of an unfinished rotation: confirm its revocation in the rotation instead (Resume, then “I revoked it: check”).',
        );
      }
      const secret = await c.secretOf(org, cred);
      try {
        await c.adapter(org).verify(c.callContext(org, secret, cred.environment));
        return { confirmed: false };
      } catch (error) {
        // Only the provider refusing the key (401) confirms it is dead; anything else is "unknown, retry".
        if (!isRejection(error)) throw error;
        await c.deps.secrets.delete(c.account(org, cred));
        await c.deps.meta.update((d) => {
          d.credentials = d.credentials.filter((x) => x.id !== cred.id);
          c.record(d, {
            action: 'key.revoke',
            orgId: org.id,
            environment: cred.environment,
            keyId: cred.providerKeyId,
            last4: cred.last4,
            detail: `revoked in the provider dashboard; confirmed refused (${error.error.code})`,
          });
        });
        return { confirmed: true, code: error.error.code };
      }
    },
  };
}
