/** Recovery, the rebuild (`store.recover`): the salvage, the keychain and the providers, into a new file. */
import { dirname, join } from 'node:path';
import { type Credential, Environment } from '../../../shared/domain.js';
import { fail, KeydeckFailure } from '../../../shared/errors.js';
import { inspectKey } from '../../../shared/keys.js';
import { type Rotation, isFinished } from '../../../shared/rotation.js';
import type { RecoveryReport } from '../../../shared/storage.js';
import type { CoreContext } from '../context.js';
import { ProviderRegistry } from '../providers/index.js';
import { isRejection, verifyAndIdentify } from '../verify.js';
import { salvage } from './salvage.js';
import { keychainEntries, lastGood, readDamaged } from './sources.js';

/** `metadata.damaged-2026-11-23T10-04-05Z.json`, beside the file. */
function keptCopyPath(path: string, now: Date): string {
  return join(
    dirname(path),
    `metadata.damaged-${now
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '-')}.json`,
  );
}

/**
 * Recovery mode's rebuild. From the damaged file: every record that still reads (journals
 * included, finished or not). From the keychain: every secret Keydeck filed whose credential or
 * organization the file lost, with its provider, organization id and environment taken from the
 * account name and its prefix and last 4 from the secret. From the providers: each recovered key
 * verified and identified. The damaged file is kept as a copy; the rebuilt document replaces it.
 */
export async function recover(c: CoreContext): Promise<RecoveryReport> {
  const path = c.deps.meta.path;
  const problem = c.deps.meta.problem();
  if (!problem) fail('CONFLICT', 'Keydeck’s metadata is healthy; there is nothing to recover.');
  if (problem.kind !== 'corrupt') fail('STORE_ERROR', problem.message);
  const s = salvage(readDamaged(path));
  const { doc } = s;
  const now = c.now();
  const notes: string[] = [];
  const keychain = await keychainEntries(c);
  // Rebuilding without the keychain would keep only records whose secrets it cannot see, and leave the
  // rest of the keychain with nothing pointing at it, in a file that then looks healthy: refuse instead,
  // and change nothing, until the keychain can be read.
  if (keychain.problem)
    fail(
      keychain.problem.code,
      `Keydeck cannot rebuild its metadata without reading the keychain: ${keychain.problem.message} Nothing was changed; unlock the keychain and choose Rebuild again.`,
    );

  // Second source: the copy taken at the last start. Its organizations (names, URLs, policies) and
  // journals fill what the damaged file lost; its key records are used only where the keychain still
  // holds the key (a record without its secret is a key since removed).
  const older = lastGood(c);
  const fromLastGood = { organizations: 0, credentials: 0, rotations: 0 };
  if (older) {
    const held = new Set(keychain.entries.map((e) => e.credentialId));
    for (const org of older.s.doc.organizations) {
      if (doc.organizations.some((o) => o.id === org.id)) continue;
      if (!keychain.entries.some((e) => e.orgId === org.id) && !s.orphanCredentials.some((x) => x.orgId === org.id))
        continue;
      doc.organizations.push(org);
      fromLastGood.organizations++;
    }
    for (const cred of [...older.s.doc.credentials, ...older.s.orphanCredentials]) {
      if (
        doc.credentials.some((x) => x.id === cred.id) ||
        !held.has(cred.id) ||
        !doc.organizations.some((o) => o.id === cred.orgId)
      )
        continue;
      doc.credentials.push(cred);
      fromLastGood.credentials++;
    }
    for (const r of older.s.doc.rotations) {
      if (doc.rotations.some((x) => x.id === r.id)) continue;
      if (isFinished(r)) doc.rotations.push(r);
      else {
        // Steps after the copy was taken may be missing: never let it run on by itself.
        doc.rotations.push({
          ...r,
          status: 'failed',
          error: {
            code: 'STORE_ERROR',
            message:
              'This journal was restored from the copy Keydeck took when it last started; steps after that may be missing. Check the keys at the provider, then resume or cancel.',
          },
        });
      }
      fromLastGood.rotations++;
    }
    if (fromLastGood.organizations + fromLastGood.credentials + fromLastGood.rotations > 0) {
      notes.push(
        `Taken back from the copy made when Keydeck last started (${older.takenAt.slice(0, 16).replace('T', ' ')} UTC): ${fromLastGood.organizations} organization(s), ${fromLastGood.credentials} key record(s), ${fromLastGood.rotations} rotation journal(s). Changes made after that (renames, new policies) may need redoing.`,
      );
    }
    s.unreadableRotationIds = s.unreadableRotationIds.filter((id) => !doc.rotations.some((r) => r.id === id));
  }

  // The providers the person added come back too (from the damaged file, else the last good copy), so their keys can.
  for (const p of older?.s.doc.providers ?? [])
    if (!doc.providers.some((q) => q.manifest.id === p.manifest.id)) doc.providers.push(p);
  const providers = new ProviderRegistry(() => doc.providers);
  const recoveredOrgs = new Set<string>();
  let recoveredCreds = 0;
  const undecided: { cred: Credential; secret: string }[] = [];
  for (const e of keychain.entries) {
    if (doc.credentials.some((x) => x.id === e.credentialId)) continue;
    if (!providers.has(e.provider)) {
      notes.push(
        `A ${e.environment} secret filed for a provider Keydeck no longer knows (${e.provider}, added from a manifest that was lost) was left in the keychain untouched. Add that provider again, then choose Rebuild.`,
      );
      continue;
    }
    const info = providers.adapter(e.provider).info;
    let org = doc.organizations.find((o) => o.id === e.orgId);
    if (!org) {
      org = {
        id: e.orgId,
        provider: e.provider,
        name: `${info.displayName} (recovered)`,
        createdAt: now,
        recovered: true,
      };
      doc.organizations.push(org);
      recoveredOrgs.add(org.id);
    }
    if (org.provider !== e.provider) continue;
    const fromFile = s.orphanCredentials.find((x) => x.id === e.credentialId && x.orgId === e.orgId);
    if (fromFile) {
      doc.credentials.push(fromFile);
      continue;
    }
    const inspected = inspectKey(
      e.secret,
      { provider: e.provider, environment: e.environment },
      providers.names(),
      providers.formats(),
    );
    if (!inspected.ok || inspected.environment !== e.environment) {
      notes.push(
        `A ${e.environment} secret filed for ${org.name} is not a ${info.displayName} ${e.environment} key; it was left in the keychain untouched.`,
      );
      continue;
    }
    // The journals tell what a key was in the middle of a rotation.
    const asNew = doc.rotations.find((r) => r.newKey.credentialId === e.credentialId);
    const asOld = doc.rotations.find((r) => r.old.credentialId === e.credentialId);
    const open = (r: Rotation | undefined) => r !== undefined && !isFinished(r);
    const role: Credential['role'] | undefined = open(asNew)
      ? 'pending'
      : open(asOld)
        ? asOld?.adminSwitchedAt
          ? 'retiring'
          : asOld?.old.role
        : undefined;
    const cred: Credential = {
      id: e.credentialId,
      orgId: org.id,
      environment: e.environment,
      label: asOld?.old.label ?? asNew?.newKey.name ?? `Recovered ${e.environment} key`,
      prefix: inspected.prefix,
      last4: inspected.last4,
      providerKeyId: asOld?.old.providerKeyId ?? asNew?.newKey.providerKeyId,
      role: role ?? 'held',
      createdAt: now,
    };
    doc.credentials.push(cred);
    recoveredCreds++;
    if (!role) undecided.push({ cred, secret: e.secret });
  }
  const orphansLost = s.orphanCredentials.filter((x) => !doc.credentials.some((y) => y.id === x.id)).length;
  if (orphansLost)
    notes.push(
      `${orphansLost} key record(s) belonged to organizations the file lost and whose secrets are not in the keychain; they could not be rebuilt.`,
    );

  // Ask the provider about every key recovered from the keychain alone.
  let verified = 0;
  let refused = 0;
  let unchecked = 0;
  const unreachable = new Set<string>();
  for (const { cred, secret } of undecided) {
    const org = doc.organizations.find((o) => o.id === cred.orgId);
    if (!org) continue;
    const known = new Set(
      doc.credentials.flatMap((x) => (x.orgId === org.id && x.providerKeyId ? [x.providerKeyId] : [])),
    );
    try {
      const { providerKeyId } = await verifyAndIdentify(
        c,
        org,
        { key: secret, prefix: cred.prefix, last4: cred.last4, environment: cred.environment },
        known,
      );
      cred.verifiedAt = c.now();
      if (providerKeyId) cred.providerKeyId = providerKeyId;
      verified++;
    } catch (error) {
      if (isRejection(error)) {
        cred.rejectedAt = c.now();
        cred.rejectedCode = error.error.code;
        refused++;
      } else {
        unchecked++;
        if (!unreachable.has(org.id)) {
          unreachable.add(org.id);
          const why = error instanceof KeydeckFailure ? error.error.message : 'an unexpected error';
          notes.push(
            `${org.name}: its keys could not be checked with ${providers.adapter(org.provider).info.displayName} now (${why}). Use Check on each key later.`,
          );
        }
      }
    }
  }
  // Each organization-environment gets an admin key again: a verified one first, never a refused one if another exists.
  const rank = (x: Credential) => (x.verifiedAt ? 0 : x.rejectedAt ? 2 : 1);
  for (const org of doc.organizations) {
    for (const environment of Environment.options) {
      const creds = doc.credentials.filter((x) => x.orgId === org.id && x.environment === environment);
      if (creds.length === 0 || creds.some((x) => x.role === 'admin')) continue;
      const candidates = undecided
        .map((u) => u.cred)
        .filter((x) => creds.includes(x))
        .sort((a, b) => rank(a) - rank(b));
      const chosen = candidates[0];
      if (!chosen) continue;
      chosen.role = 'admin';
      if (candidates.length > 1) {
        notes.push(
          `${org.name} (${environment}): ${candidates.length} keys came back from the keychain and the file no longer says which one Keydeck managed the organization with; it now uses …${chosen.last4}${chosen.verifiedAt ? ', which the provider accepted' : ''}. The others are kept keys.`,
        );
      }
      if (!chosen.verifiedAt)
        notes.push(
          `${org.name} (${environment}): the key Keydeck will manage it with (…${chosen.last4}) was not confirmed by the provider; check it, or connect another admin key.`,
        );
    }
  }
  for (const id of recoveredOrgs) {
    const org = doc.organizations.find((o) => o.id === id);
    if (!org) continue;
    const info = providers.adapter(org.provider).info;
    const n = doc.credentials.filter((x) => x.orgId === id).length;
    notes.push(
      `${org.name}: rebuilt from ${n} key(s) in the keychain. Its name and policy were in the lost part of the file: rename it and check its policy.${
        info.defaultApiBaseUrl
          ? ' If it used its own API URL, that was lost too; Keydeck now calls the provider’s default host.'
          : ` ${info.displayName} has no default API host and the one you set was lost: remove this organization and connect it again with its key.`
      }`,
    );
    c.record(doc, {
      action: 'org.recover',
      orgId: id,
      detail: `rebuilt by recovery mode from ${n} key(s) in the keychain`,
    });
  }
  if (s.unreadableRotationIds.length) {
    notes.push(
      `${s.unreadableRotationIds.length} rotation journal(s) could not be read back (${s.unreadableRotationIds.slice(0, 5).join(', ')}${s.unreadableRotationIds.length > 5 ? ', …' : ''}). They are kept in the damaged copy; check those keys at the provider.`,
    );
  }
  const orphanJournals = doc.rotations.filter(
    (r) => !isFinished(r) && !doc.organizations.some((o) => o.id === r.orgId),
  );
  if (orphanJournals.length)
    notes.push(
      `${orphanJournals.length} unfinished rotation journal(s) belong to an organization that could not be rebuilt; they are kept in the file.`,
    );

  const keptCopy = keptCopyPath(path, c.deps.clock());
  await c.deps.meta.replaceDamaged(doc, keptCopy);
  c.deps.logger.log('warn', 'store.recovered', {
    organizations: doc.organizations.length,
    credentials: doc.credentials.length,
    rotations: doc.rotations.length,
  });
  return {
    keptCopy,
    fromFile: s.counts,
    fromLastGood,
    fromKeychain: { organizations: recoveredOrgs.size, credentials: recoveredCreds },
    verified,
    refused,
    unchecked,
    unreadableRotationIds: s.unreadableRotationIds,
    notes: notes.map((n) => n.slice(0, 1000)).slice(0, 200),
  };
}
