import type { Credential, Environment, Organization, ProviderId } from '../../shared/domain.js';
import { fail } from '../../shared/errors.js';
import { checkApiUrl } from './http/url-policy.js';
import type { HttpClient } from './http/client.js';
import type { Logger } from './log.js';
import type { Clipboard, Clock } from './ports.js';
import { ProviderRegistry } from './providers/index.js';
import { adminEnvironments, adminOf, appendActivity, credentialIn, orgIn, present } from './lookups.js';
import { providerCall } from './provider-calls.js';
import { cacheMeter, type CallMeter } from './meter.js';
import type { CallContext, ProviderAdapter } from './providers/types.js';
import { KeyCache } from './store/key-cache.js';
import type { MetaStore } from './store/meta-store.js';
import type { ActivityEntry, MetaDoc, StoredOrganization } from './store/schema.js';
import { accountName, type SecretStore } from './vault/secret-store.js';
import { Vault } from './vault/vault.js';

/** Everything the core needs from the outside world. Each transport builds one of these. */
export interface CoreDeps {
  secrets: SecretStore;
  meta: MetaStore;
  http: HttpClient;
  clipboard: Clipboard;
  clock: Clock;
  logger: Logger;
  transport: 'electron' | 'preview';
  version: string;
  demo: boolean;
  /**
   * API base URLs used instead of a provider's default when an organization sets none. Only the
   * demo sets these (to the loopback sandbox); the URL policy still applies.
   */
  baseUrlOverrides?: Partial<Record<ProviderId, string>>;
  /** Dashboard URLs used instead of a provider's default; the demo's sandbox dashboards. */
  dashboardUrlOverrides?: Partial<Record<ProviderId, string>>;
  /**
   * Opens a checked URL in the system browser (Electron's shell.openExternal). Absent in the
   * preview host, where the renderer offers the link instead.
   */
  openExternal?: (url: string) => Promise<void>;
  /** Shows the system's file dialog for a .env file (Electron's dialog). Absent in the preview host. */
  pickEnvFile?: (suggestedName: string) => Promise<string | undefined>;
  /** The last key list per organization and environment (files in the profile; memory if absent). */
  cache?: KeyCache;
  /** How long a copied secret stays on the clipboard. Default 30 s. */
  clipboardClearMs?: number;
  /** Told when a call answers an error code its contract entry does not declare; the tests fail on it. */
  onUndeclaredError?: (channel: string, code: string) => void;
  /** What each provider answer is counted against (default: the day's count in the key cache, meter.ts). */
  meter?: CallMeter;
}

/** Helpers shared by the core's domain modules. */
export class CoreContext {
  readonly cache: KeyCache;
  /** The keychain, or session-only memory when there is none: every secret goes through it. */
  readonly vault: Vault;
  readonly deps: CoreDeps;
  /** Counts every provider answer (injected: the code that calls providers does not import what meters them). */
  readonly meter: CallMeter;
  /** The built-in providers and those the person added (stored in the profile), by id. */
  readonly providers: ProviderRegistry;

  constructor(deps: CoreDeps) {
    this.vault = deps.secrets instanceof Vault ? deps.secrets : new Vault(deps.secrets);
    this.deps = { ...deps, secrets: this.vault };
    this.cache = deps.cache ?? new KeyCache();
    this.meter = deps.meter ?? cacheMeter(this.cache, deps.clock);
    // With an unreadable store (recovery mode) only the built-in providers are known.
    const none: [] = [];
    this.providers = new ProviderRegistry(() => {
      try {
        return this.deps.meta.read().providers;
      } catch {
        return none;
      }
    });
  }

  /**
   * Refuses, before anything happens at a provider, to store a key that could not be kept: in
   * session-only mode, a live key, or any key of an organization whose keys are in the keychain.
   */
  assertCanStore(org: StoredOrganization | undefined, environment: Environment): void {
    if (!this.vault.sessionOnly) return;
    this.vault.assertCanKeep(environment);
    if (org && !org.sessionOnly) {
      fail(
        'KEYCHAIN_UNAVAILABLE',
        `${org.name} keeps its keys in the OS keychain, which is not available now. Start your keyring (gnome-keyring or KWallet) and restart Keydeck to change its keys.`,
      );
    }
  }

  now(): string {
    return this.deps.clock().toISOString();
  }

  org(doc: MetaDoc, orgId: string): StoredOrganization {
    return orgIn(doc, orgId);
  }

  /** The organization as the renderer sees it (lookups.ts). */
  present(doc: MetaDoc, org: StoredOrganization): Organization {
    return present(doc, org);
  }

  /** The environments with an admin key, per organization (lookups.ts). */
  adminEnvironments(doc: MetaDoc, orgId?: string): Map<string, Set<Environment>> {
    return adminEnvironments(doc, orgId);
  }

  adapter(org: StoredOrganization): ProviderAdapter {
    return this.providers.adapter(org.provider);
  }

  /** The adapter, when the provider does `operation` through its API; UNSUPPORTED (with why) otherwise. */
  apiAdapter<Op extends 'create' | 'revoke' | 'list'>(
    org: StoredOrganization,
    operation: Op,
  ): ProviderAdapter & Required<Pick<ProviderAdapter, Op>> {
    const adapter = this.adapter(org);
    if (!adapter[operation]) {
      fail('UNSUPPORTED', `${adapter.info.displayName} does not ${operation} keys through its API; use its dashboard.`);
    }
    return adapter as ProviderAdapter & Required<Pick<ProviderAdapter, Op>>;
  }

  baseUrl(org: StoredOrganization): string {
    const base =
      org.apiBaseUrl ?? this.deps.baseUrlOverrides?.[org.provider] ?? this.adapter(org).info.defaultApiBaseUrl;
    if (!base)
      fail(
        'VALIDATION_FAILED',
        `${this.adapter(org).info.displayName} has no fixed API host: set the one your organization uses.`,
      );
    const checked = checkApiUrl(base);
    if (!checked.ok) fail('INSECURE_URL', `The organization's API URL is refused: ${checked.reason}.`);
    return base;
  }

  account(org: StoredOrganization, cred: Pick<Credential, 'environment' | 'id'>): string {
    return accountName(org.provider, org.id, cred.environment, cred.id);
  }

  admin(doc: MetaDoc, org: StoredOrganization, environment: Environment): Credential {
    return adminOf(doc, org, environment);
  }

  async secretOf(org: StoredOrganization, cred: Credential): Promise<string> {
    const secret = await this.deps.secrets.get(this.account(org, cred));
    if (!secret) {
      fail(
        'SECRET_MISSING',
        `The ${cred.environment} key for ${org.name} (…${cred.last4}) is missing from the keychain (or the keychain is locked). Unlock it, or connect the key again.`,
      );
    }
    return secret;
  }

  /** The call context for the admin key of an organization and environment. */
  async callWith(
    doc: MetaDoc,
    org: StoredOrganization,
    environment: Environment,
  ): Promise<{ ctx: CallContext; admin: Credential }> {
    const admin = this.admin(doc, org, environment);
    const secret = await this.secretOf(org, admin);
    return { ctx: this.callContext(org, secret, environment), admin };
  }

  /** The call context for any key of an organization and environment: metered, and the key kept out of answers (provider-calls.ts). */
  callContext(org: StoredOrganization, secret: string, environment: Environment, purpose?: 'identify'): CallContext {
    return providerCall(this.deps.http, this.meter, org, environment, secret, this.baseUrl(org), purpose);
  }

  credential(doc: MetaDoc, org: StoredOrganization, credentialId: string): Credential {
    return credentialIn(doc, org, credentialId);
  }

  /** Appends to the activity log inside an update. */
  record(doc: MetaDoc, entry: Omit<ActivityEntry, 'at'>): void {
    appendActivity(doc, { at: this.now(), ...entry });
    this.deps.logger.log('info', entry.action, {
      orgId: entry.orgId,
      environment: entry.environment,
      keyId: entry.keyId,
      last4: entry.last4,
    });
  }
}
