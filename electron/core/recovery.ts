import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { jsonrepair } from 'jsonrepair';
import { z } from 'zod';
import { Credential, Environment, LocalId, ProviderId } from '../../shared/domain.js';
import { fail, KeydeckFailure } from '../../shared/errors.js';
import { inspectKey } from '../../shared/keys.js';
import { DeployTarget, Rotation, isFinished } from '../../shared/rotation.js';
import type { RecoveryReport, SalvageCounts, StoreStatus } from '../../shared/storage.js';
import { DEFAULT_SETTINGS, Settings } from '../../shared/usage.js';
import type { CoreContext } from './context.js';
import { adapterFor } from './providers/index.js';
import { migrations } from './store/meta-store.js';
import { ActivityEntry, SCHEMA_VERSION, StoredOrganization, emptyDoc, type MetaDoc } from './store/schema.js';
import { isRejection, verifyAndIdentify } from './verify.js';

/** What a damaged metadata file still holds, record by record. */
export interface Salvage {
  doc: MetaDoc;
  /** Credentials whose organization record was lost: kept if the keychain still names their organization. */
  orphanCredentials: Credential[];
  counts: SalvageCounts;
  unreadable: Omit<SalvageCounts, 'unfinishedRotations'>;
  /** Journals the text still names but that could not be read back. */
  unreadableRotationIds: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps the elements of `value` (if an array) that are whole and that `schema` accepts; counts the others. */
function pick<T>(value: unknown, schema: z.ZodType<T>, whole: Whole): { kept: T[]; dropped: number } {
  if (!Array.isArray(value)) return { kept: [], dropped: 0 };
  const kept: T[] = [];
  let dropped = 0;
  // Records are in file order, so each is looked for after the last one found: one pass over the text.
  let from = 0;
  for (const item of value) {
    const end = whole(item, from);
    const parsed = end >= 0 ? schema.safeParse(item) : undefined;
    if (end >= 0) from = end;
    if (parsed?.success) kept.push(parsed.data);
    else dropped++;
  }
  return { kept, dropped };
}

/** The JSON text without the whitespace between tokens, so a record can be looked for as written. */
function compact(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') {
      out += ch;
    }
  }
  return out;
}

/**
 * The text as an object: JSON if it still is, else repaired (a cut-off file is closed where it
 * stops). A repair can complete a record that was cut in the middle (a name or an id cut short
 * reads as another value), so after a repair only records found whole in the text are trusted.
 */
/** Where a record ends in the text, searching from `from`, or -1 when it is not there whole. */
type Whole = (value: unknown, from?: number) => number;

function parseDamaged(text: string): { raw: Record<string, unknown>; whole: Whole } {
  try {
    const value = JSON.parse(text) as unknown;
    if (isRecord(value)) return { raw: value, whole: (_v, from = 0) => from };
  } catch {
    // damaged: repair below
  }
  try {
    const value = JSON.parse(jsonrepair(text)) as unknown;
    if (isRecord(value)) {
      const written = compact(text);
      return {
        raw: value,
        whole: (v, from = 0) => {
          const json = JSON.stringify(v);
          const at = written.indexOf(json, from);
          return at < 0 ? -1 : at + json.length;
        },
      };
    }
  } catch {
    // beyond repair
  }
  return { raw: {}, whole: () => -1 };
}

/**
 * Reads back every record a damaged metadata file still holds, each checked against the schema on
 * its own, so one bad record costs that record and not the file. Pure: changes nothing.
 */
export function salvage(text: string): Salvage {
  const damaged = parseDamaged(text);
  const whole = damaged.whole;
  let raw = damaged.raw;
  let version =
    typeof raw.schemaVersion === 'number' && Number.isInteger(raw.schemaVersion) ? raw.schemaVersion : SCHEMA_VERSION;
  if (version < 1 || version > SCHEMA_VERSION) version = SCHEMA_VERSION;
  while (version < SCHEMA_VERSION) {
    const step = migrations[version];
    if (!step) break;
    raw = step(raw);
    version += 1;
  }
  const orgs = pick(raw.organizations, StoredOrganization, whole);
  const organizations = orgs.kept.filter((o, i, all) => all.findIndex((x) => x.id === o.id) === i);
  const orgIds = new Set(organizations.map((o) => o.id));
  const creds = pick(raw.credentials, Credential, whole);
  const unique = creds.kept.filter((x, i, all) => all.findIndex((y) => y.id === x.id) === i);
  const rotations = pick(raw.rotations, Rotation, whole);
  const activity = pick(raw.activity, ActivityEntry, whole);
  const deployPrefs: MetaDoc['deployPrefs'] = {};
  if (isRecord(raw.deployPrefs)) {
    for (const [credId, targets] of Object.entries(raw.deployPrefs)) {
      const parsed = z.array(DeployTarget).safeParse(targets);
      if (parsed.success && whole(targets) >= 0 && LocalId.safeParse(credId).success) deployPrefs[credId] = parsed.data;
    }
  }
  const settings = whole(raw.settings) >= 0 ? Settings.safeParse(raw.settings) : Settings.safeParse(undefined);
  const keptIds = new Set(rotations.kept.map((r) => r.id));
  const named = [...text.matchAll(/"id"\s*:\s*"(rot_[A-Za-z0-9]{8,40})"/g)].map((m) => m[1] as string);
  const unreadableRotationIds = [...new Set(named)].filter((id) => !keptIds.has(id)).slice(0, 1000);
  const doc: MetaDoc = {
    ...emptyDoc(),
    organizations,
    credentials: unique.filter((x) => orgIds.has(x.orgId)),
    activity: activity.kept,
    rotations: rotations.kept,
    deployPrefs,
    settings: settings.success ? settings.data : { ...DEFAULT_SETTINGS },
  };
  return {
    doc,
    orphanCredentials: unique.filter((x) => !orgIds.has(x.orgId)),
    counts: {
      organizations: organizations.length,
      credentials: doc.credentials.length,
      rotations: rotations.kept.length,
      unfinishedRotations: rotations.kept.filter((r) => !isFinished(r)).length,
      activity: activity.kept.length,
    },
    unreadable: {
      organizations: orgs.dropped,
      credentials: creds.dropped,
      rotations: Math.max(rotations.dropped, unreadableRotationIds.length),
      activity: activity.dropped,
    },
    unreadableRotationIds,
  };
}

/** `<provider>:<orgId>:<environment>:<credentialId>`, as Keydeck files every secret. */
const Account = z
  .string()
  .transform((s) => s.split(':'))
  .pipe(z.tuple([ProviderId, LocalId, Environment, LocalId]));

/** Reads the keychain for recovery; a keychain that cannot answer gives nothing to rebuild from, and says why. */
async function keychainEntries(c: CoreContext) {
  try {
    const all = c.vault.sessionOnly ? [] : await c.vault.list();
    const entries = all.flatMap(({ account, secret }) => {
      const parsed = Account.safeParse(account);
      if (!parsed.success) return [];
      const [provider, orgId, environment, credentialId] = parsed.data;
      return [{ provider, orgId, environment, credentialId, secret }];
    });
    return { entries };
  } catch (error) {
    const problem =
      error instanceof KeydeckFailure
        ? error.error
        : { code: 'KEYCHAIN_ERROR' as const, message: 'The keychain could not be read.' };
    return { entries: [], problem };
  }
}

/** The metadata file's health for `store.status`; for a damaged file, what recovery would have to work with. */
export async function storeStatus(c: CoreContext): Promise<StoreStatus> {
  const path = c.deps.meta.path;
  const problem = c.deps.meta.problem();
  if (!problem) return { state: 'ok', path };
  if (problem.kind !== 'corrupt') return { state: problem.kind, path, message: problem.message };
  const s = salvage(readDamaged(path));
  const keychain = await keychainEntries(c);
  const older = lastGood(c);
  return {
    state: 'corrupt',
    ...(older
      ? {
          lastGood: {
            takenAt: older.takenAt,
            organizations: older.s.counts.organizations,
            credentials: older.s.counts.credentials,
            rotations: older.s.counts.rotations,
          },
        }
      : {}),
    path,
    problem: problem.message,
    salvage: s.counts,
    unreadable: s.unreadable,
    unreadableRotationIds: s.unreadableRotationIds,
    keychainEntries: keychain.entries.length,
    ...(keychain.problem
      ? { keychainProblem: { code: keychain.problem.code, message: keychain.problem.message } }
      : {}),
  };
}

/** The copy of the file Keydeck took when it last started with it whole (see MetaStore.lastGoodPath). */
function lastGood(c: CoreContext): { s: Salvage; takenAt: string } | undefined {
  const path = c.deps.meta.lastGoodPath;
  if (!existsSync(path)) return undefined;
  const s = salvage(readDamaged(path));
  return { s, takenAt: statSync(path).mtime.toISOString() };
}

function readDamaged(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

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

  const recoveredOrgs = new Set<string>();
  let recoveredCreds = 0;
  const undecided: { cred: Credential; secret: string }[] = [];
  for (const e of keychain.entries) {
    if (doc.credentials.some((x) => x.id === e.credentialId)) continue;
    const info = adapterFor(e.provider).info;
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
    const inspected = inspectKey(e.secret, { provider: e.provider, environment: e.environment });
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
            `${org.name}: its keys could not be checked with ${adapterFor(org.provider).info.displayName} now (${why}). Use Check on each key later.`,
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
    const info = adapterFor(org.provider).info;
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
