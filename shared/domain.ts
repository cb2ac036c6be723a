import { z } from 'zod';

/** The providers Keydeck ships (their manifests are in electron/core/providers/manifests/). */
export const BuiltinProviderId = z.enum(['legba', 'laghav', 'leadey', 'logtalk', 'skapi']);
export type BuiltinProviderId = z.infer<typeof BuiltinProviderId>;

/** A provider: a built-in one, or one a person added from a manifest (Settings → Providers). */
export const ProviderId = z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'not a provider id');
export type ProviderId = z.infer<typeof ProviderId>;

/** `live` keys touch real data and money; `test` keys do not. Live is always shown as live. */
export const Environment = z.enum(['live', 'test']);
export type Environment = z.infer<typeof Environment>;

/** Ids Keydeck mints itself (organizations, credentials): short, URL- and keychain-safe. */
export const LocalId = z.string().regex(/^[a-z]{2,4}_[A-Za-z0-9]{8,40}$/, 'not a Keydeck id');

/** A provider's own key id, echoed back in URLs, so restricted to a safe alphabet. */
export const ProviderKeyId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'not a key id')
  // Escaping leaves `.` and `..` as they are: `/keys/..` would name the collection, not a key.
  .refine((id) => id !== '.' && id !== '..', 'not a key id');

/** Text a person typed or a provider sent: bounded, so a hostile value cannot bloat the UI or store. */
export const Label = z.string().trim().min(1).max(200);

/** An ISO-8601 timestamp. */
export const Timestamp = z.string().max(64);

/** How Keydeck can do an operation at a provider: through its API, or only by a person in its dashboard. */
export const CapabilityMode = z.enum(['api', 'dashboard']);
export type CapabilityMode = z.infer<typeof CapabilityMode>;

/** What a provider's API offers, read by the UI and the rotation engine instead of provider names. */
export const Capabilities = z.object({
  verify: CapabilityMode,
  list: CapabilityMode,
  create: CapabilityMode,
  revoke: CapabilityMode,
});
export type Capabilities = z.infer<typeof Capabilities>;

/** One account at one provider. */
export const Organization = z.object({
  id: LocalId,
  provider: ProviderId,
  name: Label,
  /** Overrides the provider's default API base URL (https, or loopback for the sandbox). */
  apiBaseUrl: z.string().url().max(2000).optional(),
  /** The provider's own id for the organization, where its API needs one (Legba's org UUID). */
  providerOrgId: z.string().max(200).optional(),
  /** Overrides the provider's dashboard URL (https on the provider's host, or loopback for the sandbox). */
  dashboardUrl: z.string().url().max(2000).optional(),
  /** When this organization's keys count as due for rotation or stale (defaults: 90 and 30 days). */
  policy: z
    .object({ rotateAfterDays: z.number().int().min(1).max(3650), staleAfterDays: z.number().int().min(1).max(3650) })
    .optional(),
  createdAt: Timestamp,
  /**
   * Connected in session-only mode (no keychain): its keys live in memory and the organization is
   * removed when Keydeck quits (or at the next start, after a crash).
   */
  sessionOnly: z.boolean().optional(),
  /** Rebuilt by recovery mode from the keychain: its name and settings may need to be set again. */
  recovered: z.boolean().optional(),
  /** Which environments have an admin key connected. */
  environments: z.array(Environment),
});
export type Organization = z.infer<typeof Organization>;

/** A key Keydeck holds in the keychain. Only its public facts live here; the secret is in the keychain. */
export const Credential = z.object({
  id: LocalId,
  orgId: LocalId,
  environment: Environment,
  label: Label,
  /** The key's public prefix, e.g. `lgh_live_`. */
  prefix: z.string().max(40),
  last4: z.string().max(4),
  /** The provider's id for this key, once known. */
  providerKeyId: ProviderKeyId.optional(),
  /**
   * `admin`: the key Keydeck calls the provider with for this org+env. `held`: a key kept for the
   * user. `pending`: a rotation's new key, not yet current. `retiring`: a rotation's old key after
   * Keydeck switched to the new one, kept only until the provider is seen to refuse it.
   */
  role: z.enum(['admin', 'held', 'pending', 'retiring']),
  createdAt: Timestamp,
  verifiedAt: Timestamp.optional(),
  /** The last time the provider refused this key (401), and with which Keydeck code. */
  rejectedAt: Timestamp.optional(),
  rejectedCode: z.string().max(60).optional(),
});
export type Credential = z.infer<typeof Credential>;

/** A key as the provider reports it, joined with the credential Keydeck holds for it, if any. */
export const KeyRecord = z.object({
  id: ProviderKeyId,
  name: z.string().max(200),
  /** Masked, e.g. `lgh_live_••••a1b2`; never the secret. */
  masked: z.string().max(80),
  environment: Environment,
  status: z.enum(['active', 'revoked', 'expired', 'unknown']),
  createdAt: Timestamp.optional(),
  lastUsedAt: Timestamp.optional(),
  /** Provider-specific scope (Laghav's app_id), shown as-is. */
  scope: z.string().max(200).optional(),
  /** The credential Keydeck holds for this key, if it holds one. */
  heldCredentialId: LocalId.optional(),
  /** Whether this is the key Keydeck itself calls the provider with. */
  isAdmin: z.boolean(),
  /** For keys known only to Keydeck: when the provider last accepted it. */
  verifiedAt: Timestamp.optional(),
  /**
   * A key Keydeck holds that the provider's list could not be matched to with evidence (the sk-style
   * list has no last 4). Shown, never hidden; its `id` is then Keydeck's credential id, so nothing
   * that needs the provider's id (revoke by API) is offered for it.
   */
  unmatched: z.boolean().optional(),
  /**
   * The key's part in a rotation in progress: `new` (the rotation's pending new key, not yet current)
   * or `old` (the key it replaces, after Keydeck switched to the new one). The rotation acts on these
   * keys, so the list offers no Rotate or Revoke of its own for the new one.
   */
  rotation: z.enum(['new', 'old']).optional(),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

/** A field the user must give when connecting (e.g. Legba's org UUID), with how to check it. */
export const ConnectField = z.object({
  label: z.string(),
  help: z.string(),
  pattern: z.string(),
  example: z.string(),
});

/** What a person does in the provider's dashboard, in the provider's own words. */
export const DashboardSteps = z.object({
  create: z.array(z.string()).optional(),
  revoke: z.array(z.string()).optional(),
});

/** A provider as the UI needs to know it: names, formats and what its API can do. */
export const ProviderInfo = z.object({
  id: ProviderId,
  displayName: z.string(),
  capabilities: Capabilities,
  environments: z.array(Environment),
  /** Key formats per environment; prefix '' where the provider publishes none (then the person says whose key it is). */
  keyFormats: z.array(
    z.object({
      environment: Environment,
      prefix: z.string().max(40),
      charset: z.string().max(40),
      hint: z.string().max(200),
      length: z.object({ min: z.number().int(), max: z.number().int() }),
    }),
  ),
  /** Added by the person from a manifest (Settings → Providers), not shipped with Keydeck. */
  custom: z.boolean().optional(),
  /** Empty when the provider has no fixed host (Legba): the user must give one. */
  defaultApiBaseUrl: z.string(),
  dashboardUrl: z.string(),
  /** Hosts Keydeck may open in the system browser for this provider's dashboard. */
  dashboardHosts: z.array(z.string()),
  envVar: z.string(),
  /** Whether the provider's API reports when a key was last used. */
  reportsLastUsed: z.boolean(),
  /** Whether create takes a scope (Laghav's app_id). */
  createScopeLabel: z.string().optional(),
  /** The provider's own organization id, when its API paths need it. */
  providerOrgField: ConnectField.optional(),
  dashboardSteps: DashboardSteps,
  /** Calls a key may make per day, per environment, where the provider's docs state it (Laghav test: 100). */
  dailyCallLimits: z
    .object({ live: z.number().int().positive().optional(), test: z.number().int().positive().optional() })
    .optional(),
  /** Facts from the provider's docs the user should know (e.g. "test keys: 100 calls/day"). */
  notes: z.array(z.string()),
});
export type ProviderInfo = z.infer<typeof ProviderInfo>;
