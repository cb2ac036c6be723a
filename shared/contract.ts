// Long on purpose: the contract is one table of every call the window can make, read in one place; its types come from it.
import { z } from 'zod';
import {
  Credential,
  Environment,
  KeyRecord,
  Label,
  LocalId,
  Organization,
  ProviderId,
  ProviderInfo,
  ProviderKeyId,
} from './domain.js';
import { KeydeckError, type ErrorCode } from './errors.js';
import { ACTIVITY_ACTIONS } from './plain.js';
import { RotationAction, RotationView } from './rotation.js';
import { QuotaView, Reminder, Settings, UsagePolicy, UsageRow } from './usage.js';
import { RecoveryReport, StoreStatus, VaultStatus } from './storage.js';

/** Everything the activity log records. */
export const ActivityAction = z.enum(ACTIVITY_ACTIONS);
/** Which key a UI event (reveal, copy) was about, for the activity log: public facts only. */
export const KeyRef = z
  .object({ orgId: LocalId, environment: Environment, keyId: z.string().min(1).max(200), last4: z.string().max(4) })
  .strict();
/** One line of the activity log as the renderer sees it. */
export const ActivityEntryView = z.object({
  at: z.string(),
  action: ActivityAction,
  orgId: LocalId,
  orgName: z.string(),
  environment: Environment.optional(),
  keyId: z.string().optional(),
  last4: z.string().optional(),
  detail: z.string().optional(),
});

/** What the person types to confirm Settings → Remove all Keydeck data. */
export const REMOVE_ALL_PHRASE = 'remove everything';

const RotationId = z.string().regex(/^rot_[A-Za-z0-9]{8,40}$/);

/**
 * A pasted key as it crosses the boundary. Deliberately roomy (256 KiB) so that a pasted document
 * reaches the key inspector and gets a clear "paste only the key" message instead of a schema error;
 * the core refuses anything over 512 characters.
 */
export const PastedKey = z.string().max(256 * 1024);

/** A provider manifest as pasted or picked: roomy, so a large file gets the core's clear "at most 64 KB". */
export const ManifestText = z.string().max(1024 * 1024);
/** One thing wrong with a manifest, at the field it is about. */
export const ManifestProblem = z.object({ path: z.string(), message: z.string() });

/** An https (or loopback http) base URL a user may set per organization. The core re-checks it. */
export const BaseUrl = z.string().trim().url().max(2000);

/**
 * Error codes, in groups, for the `errors` list of each call. The lists are checked: the dispatcher
 * reports any code a handler answers that its call does not declare, and the tests fail on it.
 * Every call may also answer ALWAYS_ERRORS (a request that does not match its schema, an unreadable
 * metadata file, a bug).
 */
export const ALWAYS_ERRORS: readonly ErrorCode[] = ['VALIDATION_FAILED', 'STORE_ERROR', 'INTERNAL'];
/** Anything the OS keychain can answer. */
const KEYCHAIN: ErrorCode[] = ['KEYCHAIN_UNAVAILABLE', 'KEYCHAIN_LOCKED', 'KEYCHAIN_TIMEOUT', 'KEYCHAIN_ERROR'];
/** Anything a call to a provider can answer: its refusals, its failures, the network's. */
const PROVIDER: ErrorCode[] = [
  'KEY_INVALID',
  'KEY_REVOKED',
  'KEY_EXPIRED',
  'UNAUTHORIZED',
  'PROVIDER_FORBIDDEN',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_ERROR',
  'PROVIDER_BAD_RESPONSE',
  'NOT_FOUND',
  'NETWORK_TIMEOUT',
  'NETWORK_ERROR',
  'REDIRECT_REFUSED',
  'INSECURE_URL',
  'TLS_ERROR',
];
/** A pasted key refused before anything is sent. */
const PASTED: ErrorCode[] = ['KEY_MALFORMED', 'KEY_UNKNOWN_PROVIDER', 'KEY_ENVIRONMENT_MISMATCH'];
/** Storing a new key: refused in session-only mode, or an organization whose keychain is gone. */
const STORING: ErrorCode[] = ['LIVE_KEY_NEEDS_KEYCHAIN', ...KEYCHAIN];
/** A change that another change to the same thing may still be running (double click, second window). */
const MUTATION: ErrorCode[] = ['BUSY', 'CONFLICT'];
const errors = (...groups: (ErrorCode | ErrorCode[])[]): ErrorCode[] => [...new Set(groups.flat())];

/**
 * The one contract between the renderer and the main process. Every call has a zod schema for its
 * input and output and the error codes it can answer with. The preload, the IPC handlers and the
 * preview host are all derived from this object, so they cannot drift.
 */
/** A key list as Keydeck last saw it, and when: what lists show at once and offline. */
const CachedKeyList = z.object({
  fetchedAt: z.string(),
  source: z.enum(['provider', 'keydeck']),
  environment: Environment,
  keys: z.array(KeyRecord),
});

export const contract = {
  /** Which transport is serving, the keychain service in use, and the providers Keydeck supports. */
  'app.info': {
    input: z.object({}).strict(),
    output: z.object({
      version: z.string(),
      transport: z.enum(['electron', 'preview']),
      keychainService: z.string(),
      demo: z.boolean(),
      providers: z.array(ProviderInfo),
      /** Providers whose API and dashboard point at the local sandbox (the demo), so no host need be asked. */
      sandboxProviders: z.array(ProviderId),
    }),
    errors: errors(),
  },
  /** Every organization Keydeck knows, newest last. */
  /**
   * Every organization. With `show`, the answer also carries the last list of the organization and
   * environment the window will open on (the one asked for when it exists, else the first), so the
   * first screen needs one round trip, not two in a row.
   */
  'orgs.list': {
    input: z
      .object({
        show: z.object({ orgId: LocalId.optional(), environment: Environment.optional() }).strict().optional(),
      })
      .strict(),
    output: z.object({
      organizations: z.array(Organization),
      shown: z.object({ orgId: LocalId, environment: Environment, list: CachedKeyList.nullable() }).optional(),
    }),
    errors: errors(),
  },
  /**
   * First-run and "add organization": detect the provider and environment from a pasted admin key,
   * verify it against the provider, then store it in the keychain and create the organization.
   * Nothing is stored if verification fails.
   */
  'orgs.connect': {
    input: z
      .object({
        key: PastedKey,
        name: Label.optional(),
        /** The environment the user expects; a key of the other one is refused. */
        environment: Environment.optional(),
        /** Only for keys Keydeck cannot detect (Legba publishes no prefix): the user says whose it is. */
        provider: ProviderId.optional(),
        /** The provider's own organization id where its API needs one (Legba's org UUID). */
        providerOrgId: z.string().trim().min(1).max(200).optional(),
        apiBaseUrl: BaseUrl.optional(),
        dashboardUrl: BaseUrl.optional(),
      })
      .strict(),
    output: z.object({ organization: Organization, credential: Credential }),
    errors: errors(PASTED, MUTATION, PROVIDER, STORING),
  },
  /** Connect the admin key of another environment (e.g. test after live) to an existing organization. */
  'orgs.connectEnvironment': {
    input: z.object({ orgId: LocalId, key: PastedKey, environment: Environment }).strict(),
    output: z.object({ organization: Organization, credential: Credential }),
    errors: errors(PASTED, MUTATION, PROVIDER, STORING),
  },
  /** Forget an organization: its metadata and every secret Keydeck holds for it. Nothing is revoked. */
  'orgs.remove': {
    input: z.object({ orgId: LocalId }).strict(),
    output: z.object({ removedSecrets: z.number().int().nonnegative() }),
    errors: errors('NOT_FOUND', MUTATION, KEYCHAIN),
  },
  /** The keys of one organization and environment, from the provider where it can list them. */
  'keys.list': {
    input: z.object({ orgId: LocalId, environment: Environment }).strict(),
    output: z.object({
      keys: z.array(KeyRecord),
      /** `provider`: the provider's full list. `keydeck`: only the keys Keydeck holds. */
      source: z.enum(['provider', 'keydeck']),
      fetchedAt: z.string(),
    }),
    errors: errors('SECRET_MISSING', PROVIDER, KEYCHAIN),
  },
  /**
   * Create a key at the provider. Its secret is returned once, here, and kept in the keychain only
   * when `keep` is true.
   */
  'keys.create': {
    input: z
      .object({
        orgId: LocalId,
        environment: Environment,
        name: Label,
        /** Laghav's app_id; ignored by providers without scopes. */
        scope: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
          .optional(),
        keep: z.boolean(),
      })
      .strict(),
    output: z.object({
      key: KeyRecord,
      secret: z.string(),
      heldCredentialId: LocalId.optional(),
      /** Set when `keep` was asked but the keychain refused; the key was still created and is shown. */
      keepError: KeydeckError.optional(),
      /**
       * Everything that went wrong after the provider created the key (keychain, activity log, a full
       * disk): the key exists and its secret is still answered, once, here.
       */
      problems: z.array(KeydeckError).optional(),
    }),
    errors: errors('UNSUPPORTED', 'SECRET_MISSING', MUTATION, PROVIDER, STORING),
  },
  /** Revoke a key at the provider (immediate and final) and forget any secret Keydeck held for it. */
  'keys.revoke': {
    input: z.object({ orgId: LocalId, environment: Environment, keyId: ProviderKeyId }).strict(),
    output: z.object({ keyId: ProviderKeyId, status: z.enum(['revoked']) }),
    errors: errors(
      'ADMIN_KEY_PROTECTED',
      'KEY_IDENTITY_UNKNOWN',
      'UNSUPPORTED',
      'SECRET_MISSING',
      MUTATION,
      PROVIDER,
      KEYCHAIN,
    ),
  },
  /**
   * Take in a key the user created in the provider's dashboard: verify it with the provider, then
   * keep it in the keychain. Nothing is stored if the provider refuses it.
   */
  'keys.adopt': {
    input: z.object({ orgId: LocalId, environment: Environment, key: PastedKey, name: Label }).strict(),
    output: z.object({ key: KeyRecord, credentialId: LocalId }),
    errors: errors(PASTED, MUTATION, PROVIDER, STORING),
  },
  /** Ask the provider whether a key Keydeck holds still works, and remember the answer. */
  'keys.check': {
    input: z.object({ orgId: LocalId, credentialId: LocalId }).strict(),
    output: z.object({ result: z.enum(['accepted', 'rejected']), code: z.string().optional(), checkedAt: z.string() }),
    errors: errors('SECRET_MISSING', MUTATION, PROVIDER, KEYCHAIN),
  },
  /**
   * After the user revoked a key in the provider's dashboard: call the provider with it, and only
   * if it is refused (401) forget it. A timeout, 5xx or 429 is an error ("unknown, retry"), never
   * a confirmation.
   */
  'keys.confirmRevoked': {
    input: z.object({ orgId: LocalId, credentialId: LocalId }).strict(),
    output: z.object({ confirmed: z.boolean(), code: z.string().optional() }),
    errors: errors('ADMIN_KEY_PROTECTED', 'SECRET_MISSING', MUTATION, PROVIDER, KEYCHAIN),
  },
  /**
   * Open the organization's dashboard in the system browser (https on the provider's hosts, or the
   * loopback sandbox). `opened` is false where Keydeck cannot open a browser itself (the preview
   * host); the renderer then offers the checked link.
   */
  'dashboard.open': {
    input: z.object({ orgId: LocalId }).strict(),
    output: z.object({ url: z.string(), opened: z.boolean() }),
    errors: errors('NOT_FOUND', 'INSECURE_URL'),
  },
  /** Rotations: unfinished ones first (offer Resume or Cancel on start), then recent finished ones. */
  'rotation.list': {
    input: z.object({}).strict(),
    output: z.object({ rotations: z.array(RotationView) }),
    errors: errors(),
  },
  'rotation.get': {
    input: z.object({ rotationId: RotationId }).strict(),
    output: RotationView,
    errors: errors('NOT_FOUND'),
  },
  /**
   * Start rotating a key Keydeck holds. A live key needs `confirmLive`. One rotation at a time per
   * key. Runs the automatic steps at once and answers with where it stopped.
   */
  'rotation.start': {
    input: z
      .object({
        orgId: LocalId,
        credentialId: LocalId,
        confirmLive: z.boolean(),
        quietWindowMinutes: z.number().int().min(0).max(43_200).optional(),
      })
      .strict(),
    output: RotationView,
    errors: errors('SECRET_MISSING', MUTATION, PROVIDER, STORING),
  },
  /** The person's next move in a rotation (paste, deploy, confirm, resume, cancel); then the automatic steps run. */
  'rotation.act': {
    input: z.object({ rotationId: RotationId, action: RotationAction }).strict(),
    output: RotationView,
    errors: errors(PASTED, 'SECRET_MISSING', MUTATION, PROVIDER, KEYCHAIN),
  },
  /** The last list of one organization and environment, for an instant (and offline) display. */
  'keys.cached': {
    input: z.object({ orgId: LocalId, environment: Environment }).strict(),
    output: z.object({ list: CachedKeyList.nullable() }),
    errors: errors('NOT_FOUND'),
  },
  /** Every key (of every organization, or one) with its flags and summary counts, from the last lists. */
  'usage.overview': {
    input: z.object({ orgId: LocalId.optional(), environment: Environment.optional() }).strict(),
    output: z.object({
      rows: z.array(UsageRow),
      summary: z.object({
        keys: z.number().int(),
        organizations: z.number().int(),
        due: z.number().int(),
        stale: z.number().int(),
        neverUsed: z.number().int(),
        lastUsedUnknown: z.number().int(),
        /** Organization-environments with no list yet. */
        unlisted: z.number().int(),
      }),
      /** The oldest list the overview is built from. */
      asOf: z.string().nullable(),
    }),
    errors: errors(),
  },
  /**
   * Keydeck's own calls today per organization and environment, against the provider's documented
   * daily limit (Laghav test keys: 100) or the rate-limit headers it last sent.
   */
  'usage.quotas': {
    input: z.object({ orgId: LocalId.optional() }).strict(),
    output: z.object({ quotas: z.array(QuotaView) }),
    errors: errors(),
  },
  /**
   * Keys that are due or stale and have not been reminded of today, marked as reminded now (so each
   * key is reminded at most once a day). Empty, with `enabled: false`, when reminders are off.
   */
  'reminders.take': {
    input: z.object({}).strict(),
    output: z.object({
      enabled: z.boolean(),
      due: z.number().int(),
      stale: z.number().int(),
      /** The first 50 keys, LIVE first; the counts cover every one. */
      reminders: z.array(Reminder),
      /** How many organizations the counted keys are in; the first three places ("Acme (LIVE)") and how many more. */
      organizations: z.number().int().nonnegative(),
      places: z.array(z.string()).max(3),
      morePlaces: z.number().int().nonnegative(),
      /** Every counted key as `orgId:environment:keyId`, so Review shows exactly these. */
      keyRefs: z.array(z.string()),
    }),
    errors: errors(),
  },
  /** Every provider: the built-in ones and those the person added from a manifest, with how many organizations use each. */
  'providers.list': {
    input: z.object({}).strict(),
    output: z.object({
      providers: z.array(
        z.object({
          info: ProviderInfo,
          builtIn: z.boolean(),
          addedAt: z.string().optional(),
          organizations: z.number().int().nonnegative(),
        }),
      ),
    }),
    errors: errors(),
  },
  /** Checks a manifest a person pasted or picked: every problem at its field, or what Keydeck makes of it. */
  'providers.check': {
    input: z.object({ text: ManifestText }).strict(),
    output: z.object({
      problems: z.array(ManifestProblem),
      info: ProviderInfo.optional(),
      /** When the file replaces a provider already added: who uses it, and where their keys would now go. */
      replaces: z.object({ organizations: z.array(z.string()), changes: z.array(z.string()) }).optional(),
    }),
    errors: errors(),
  },
  /**
   * Tries a manifest against the provider with a key, before it is added: its verify call, then its
   * list call if it has one (nothing that creates or revokes). What Keydeck called, what it got, which
   * rule decided. The key is used for these calls only: never stored, logged or sent back.
   */
  'providers.test': {
    input: z
      .object({
        text: ManifestText,
        key: PastedKey,
        /** For a provider that publishes no prefix: the key's environment. */
        environment: Environment.optional(),
        /** Checked by the core (a clear "not a URL" rather than a schema error). */
        apiBaseUrl: z.string().trim().max(2000).optional(),
        providerOrgId: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    output: z.object({
      ok: z.boolean(),
      /** What the test proved, or why it failed, in words. */
      summary: z.string(),
      code: z.string().optional(),
      calls: z.array(
        z.object({
          call: z.enum(['verify', 'list']),
          method: z.string(),
          url: z.string(),
          /** The header the key went in, masked (`Authorization: Bearer ••••a1b2`). */
          auth: z.string(),
          status: z.number().int().optional(),
          contentType: z.string().optional(),
          /** The start of the answer, with the key masked. */
          body: z.string().optional(),
          rules: z.array(z.string()),
          outcome: z.string(),
        }),
      ),
    }),
    errors: errors(PASTED, 'INSECURE_URL'),
  },
  /** Adds a provider from a manifest (or replaces one the person added, `replace`), stored in the profile. */
  'providers.add': {
    input: z.object({ text: ManifestText, replace: z.boolean().optional() }).strict(),
    output: z.object({ provider: ProviderInfo }),
    errors: errors(MUTATION),
  },
  /** Removes a provider the person added. Refused while an organization uses it. */
  'providers.remove': {
    input: z.object({ id: ProviderId }).strict(),
    output: z.object({}),
    errors: errors('NOT_FOUND', MUTATION),
  },
  'settings.get': {
    input: z.object({}).strict(),
    output: z.object({ settings: Settings }),
    errors: errors(),
  },
  'settings.update': {
    input: z.object({ reminders: z.boolean().optional(), tray: z.boolean().optional() }).strict(),
    output: z.object({ settings: Settings }),
    errors: errors(),
  },
  /** Records that the person revealed a key shown to them (the secret itself is never sent here). */
  'activity.reveal': {
    input: KeyRef,
    output: z.object({}),
    errors: errors('NOT_FOUND'),
  },
  /**
   * Records that the person copied a key shown to them with the browser's own clipboard (the preview
   * transport, where Keydeck's core cannot reach the person's clipboard): the same `key.copy` entry
   * `clipboard.copySecret` records with `about`. The secret itself is never sent here.
   */
  'activity.copied': {
    input: KeyRef,
    output: z.object({}),
    errors: errors('NOT_FOUND'),
  },
  /** What Keydeck did, newest first (public facts only). */
  'activity.list': {
    input: z
      .object({
        orgId: LocalId.optional(),
        action: ActivityAction.optional(),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
    output: z.object({ entries: z.array(ActivityEntryView) }),
    errors: errors(),
  },
  /** Rename an organization or change when its keys count as due or stale. */
  'orgs.update': {
    input: z.object({ orgId: LocalId, name: Label.optional(), policy: UsagePolicy.optional() }).strict(),
    output: z.object({ organization: Organization }),
    errors: errors('NOT_FOUND'),
  },
  /**
   * Let the person pick a .env file with the system's file dialog. `supported` is false where
   * Keydeck cannot show one (the preview host); the wizard then takes a typed path.
   */
  'deploy.pickEnvFile': {
    input: z.object({ suggestedName: z.string().max(200).optional() }).strict(),
    output: z.object({ supported: z.boolean(), path: z.string().max(4096).optional() }),
    errors: errors(),
  },
  /**
   * Put a secret the user is looking at on the clipboard, from the main process, and clear it after
   * `clearAfterMs` if the clipboard still holds it.
   */
  'clipboard.copySecret': {
    input: z.object({ secret: z.string().min(1).max(512), about: KeyRef.optional() }).strict(),
    output: z.object({ clearsAfterMs: z.number().int().nonnegative() }),
    errors: errors(),
  },
  /**
   * Where keys are kept now: the OS keychain, or (when there is none) session-only memory.
   * `recheck` asks the keychain again instead of answering from the last check.
   */
  'vault.status': {
    input: z.object({ recheck: z.boolean().optional() }).strict(),
    output: VaultStatus,
    errors: errors(),
  },
  /**
   * Turn on session-only mode: test keys held in memory until Keydeck quits, live keys refused.
   * Only when no keychain is available (CONFLICT when it is).
   */
  'vault.useSession': {
    input: z.object({}).strict(),
    output: VaultStatus,
    errors: errors('CONFLICT'),
  },
  /** The metadata file's health; `corrupt` means Keydeck is in recovery mode (nothing changed yet). */
  'store.status': {
    input: z.object({}).strict(),
    output: StoreStatus,
    errors: errors(),
  },
  /**
   * Recovery mode: keep the damaged file under a new name, rebuild the metadata from what it still
   * holds, the keychain and the providers. Every readable rotation journal is kept.
   */
  'store.recover': {
    input: z.object({}).strict(),
    output: RecoveryReport,
    errors: errors(MUTATION, KEYCHAIN),
  },
  /**
   * Settings → Remove all Keydeck data. Deletes every keychain item filed under Keydeck's keychain
   * service, then empties the metadata file (organizations, credentials, journals, deploy targets,
   * settings, activity) and deletes its last-good and damaged copies, the key-list cache and the logs.
   * Revokes nothing at any provider: the keys keep working there. Fails closed: a keychain that is
   * locked or cannot be reached (KEYCHAIN_*), or an item it will not delete, leaves the metadata
   * untouched, and the message says what is left. Refused (CONFLICT) while a rotation is unfinished,
   * since its new key would be left at the provider unknown to anyone; BUSY while any other change
   * runs. The profile folder and its lock stay until Keydeck quits. `confirm` is the phrase the
   * person typed.
   */
  'data.removeAll': {
    input: z.object({ confirm: z.literal(REMOVE_ALL_PHRASE) }).strict(),
    output: z.object({
      /** Keychain items deleted under `keychainService`. */
      removedSecrets: z.number().int().nonnegative(),
      removedOrganizations: z.number().int().nonnegative(),
      keychainService: z.string(),
      /** Files deleted from the profile folder (the metadata file itself is emptied, not deleted). */
      removedFiles: z.array(z.string()),
      /** What stays, in words (the profile folder and its lock until quit). */
      kept: z.array(z.string()),
    }),
    errors: errors('CONFLICT', 'BUSY', KEYCHAIN),
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type Input<C extends Channel> = z.input<Contract[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type Output<C extends Channel> = z.output<Contract[C]['output']>;

/** Every channel name, for transports that register handlers. */
export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contract, value);
}
