/**
 * Recovery, phase 1 (pure): what a damaged metadata file still holds, record by record. Phase 2 is the
 * status (status.ts), phase 3 the rebuild (rebuild.ts), from this, the keychain and the providers (sources.ts).
 */
import { jsonrepair } from 'jsonrepair';
import { z } from 'zod';
import { Credential, LocalId } from '../../../shared/domain.js';
import { DeployTarget, Rotation, isFinished } from '../../../shared/rotation.js';
import type { SalvageCounts } from '../../../shared/storage.js';
import { DEFAULT_SETTINGS, Settings } from '../../../shared/usage.js';
import { migrations } from '../store/meta-store.js';
import {
  ActivityEntry,
  SCHEMA_VERSION,
  StoredOrganization,
  StoredProvider,
  emptyDoc,
  type MetaDoc,
} from '../store/schema.js';

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
  const providers = pick(raw.providers, StoredProvider, whole);
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
    providers: providers.kept,
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
