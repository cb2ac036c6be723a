import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderId } from '../../shared/domain.js';
import { HashedKeyStore, type StoredKey } from './keystore.js';
import { bearer } from './http-util.js';

export interface SandboxOrg {
  id: string;
  name: string;
  /** LogTalk: the subscription tier (`starter` has no API access). */
  tier?: string;
}

/** What a provider's dashboard page offers, in the words of its docs. */
export interface DashboardSpec {
  title: string;
  createLabel?: string;
  /** LogTalk: "Select the organization the key should belong to". */
  chooseOrganization?: boolean;
  /** sk-style: restrictions. */
  offerReadOnly?: boolean;
  canRevoke: boolean;
  /** Leadey: masked label, created, last used. */
  showLastUsed: boolean;
}

export interface SandboxSpec {
  provider: ProviderId;
  environments: ('live' | 'test')[];
  generate(environment: 'live' | 'test'): { secret: string; prefix: string };
  idPrefix: string;
  dashboard: DashboardSpec;
  /** Where the provider's API lives under this server (e.g. `/v1`); the base URL Keydeck uses. */
  apiPath: string;
}

export type AuthResult = { key: StoredKey } | { problem: 'missing' | 'invalid' | 'revoked' | 'expired' };

/**
 * What every provider sandbox shares: organizations, hashed keys, the clock, a call log (never a
 * secret), and authentication that updates last-used on every accepted call.
 */
export abstract class ProviderSandbox {
  readonly keys = new HashedKeyStore();
  readonly orgs = new Map<string, SandboxOrg>();
  readonly calls: { method: string; path: string; keyId?: string; status: number }[] = [];
  /** Every secret this sandbox ever issued: the canaries the secret-hygiene checks search for. */
  readonly issued: string[] = [];

  constructor(
    readonly spec: SandboxSpec,
    protected readonly clock: () => Date = () => new Date(),
  ) {}

  now(): string {
    return this.clock().toISOString();
  }

  newOrgId(): string {
    return `org_${this.orgs.size + 1}_${Math.random().toString(36).slice(2, 8)}`;
  }

  addOrg(name: string, extra: Partial<SandboxOrg> = {}): SandboxOrg {
    const org: SandboxOrg = { id: this.newOrgId(), name, ...extra };
    this.orgs.set(org.id, org);
    return org;
  }

  /** Mints a key and returns its secret once. */
  mint(orgId: string, name: string, environment: 'live' | 'test', extra: Partial<Pick<StoredKey, 'scope' | 'expiresAt' | 'readOnly'>> = {}) {
    const { secret, prefix } = this.spec.generate(environment);
    const key = this.keys.file(secret, { orgId, name, environment, prefix, createdAt: this.now(), ...extra }, this.spec.idPrefix);
    this.issued.push(secret);
    return { key, secret };
  }

  /** An organization with an admin key per environment the provider has. */
  seedOrg(name: string, extraKeys: { name: string; environment: 'live' | 'test'; scope?: string }[] = [], extra: Partial<SandboxOrg> = {}) {
    const org = this.addOrg(name, extra);
    const admin: Partial<Record<'live' | 'test', string>> = {};
    for (const env of this.spec.environments) admin[env] = this.mint(org.id, `Keydeck admin (${env})`, env).secret;
    for (const k of extraKeys) if (this.spec.environments.includes(k.environment)) this.mint(org.id, k.name, k.environment, { scope: k.scope });
    return { org, admin: admin as { live: string; test: string } };
  }

  revoke(key: StoredKey): void {
    if (key.status !== 'revoked') {
      key.status = 'revoked';
      key.revokedAt = this.now();
    }
  }

  /** Checks the bearer key; on success records the use (last used, today's count). */
  authenticate(req: IncomingMessage): AuthResult {
    const token = bearer(req);
    if (!token) return { problem: 'missing' };
    const key = this.keys.lookup(token);
    if (!key) return { problem: 'invalid' };
    if (key.status === 'revoked') return { problem: 'revoked' };
    if (key.expiresAt && Date.parse(key.expiresAt) <= this.clock().getTime()) return { problem: 'expired' };
    const day = this.now().slice(0, 10);
    if (key.usage.day !== day) key.usage = { day, calls: 0 };
    key.usage.calls += 1;
    key.lastUsedAt = this.now();
    return { key };
  }

  /** Keys of one organization, newest last. */
  keysOf(orgId: string): StoredKey[] {
    return [...this.keys.byId.values()].filter((k) => k.orgId === orgId);
  }

  /** Handles one API request; returns false when the path is not this provider's. */
  abstract handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}
