import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderId } from '../../shared/domain.js';
import { HashedKeyStore, type KeyStoreState, type StoredKey } from './keystore.js';
import { bearer, json } from './http-util.js';
import {
  echoInto,
  hostileKey,
  rawBearer,
  type EchoField,
  type EchoStatus,
  type HostileKeyRecord,
  type HostileKeyVariant,
  type LateLastUse,
  type ModeRequest,
  type TruthKey,
} from './modes.js';

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

/** What a mode does to this provider right now (all off by default). */
export interface ModeState {
  /** The variants the next API creates answer, in order. */
  hostileCreates: HostileKeyVariant[];
  /** Every API error body echoes the caller's bearer token. */
  echoKey: { where: EchoField[] } | undefined;
  /** The next `remaining` API requests fail with an echoing error. */
  failWithEcho: { status: EchoStatus; remaining: number; where: EchoField[] } | undefined;
  lateLastUse: LateLastUse | undefined;
  /** Keys someone else uses on every API request. */
  backgroundUse: Set<string>;
}

const DEFAULT_ECHO: EchoField[] = ['message'];
const FAIL_MESSAGES: Record<EchoStatus, [string, string]> = {
  401: ['UNAUTHORIZED', 'Invalid API key'],
  403: ['FORBIDDEN', 'This API key does not have permission to access this resource'],
  404: ['NOT_FOUND', 'Not found'],
  429: ['RATE_LIMITED', 'Too many requests'],
  500: ['INTERNAL_ERROR', 'Internal server error'],
};

/** One provider's state as saved to disk (`npm run demo -- --keep`): organizations and hashed keys, never a secret. */
export interface ProviderState {
  provider: ProviderId;
  orgs: SandboxOrg[];
  keys: KeyStoreState;
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
  /** Switchable misbehaviour (modes.ts); every mode off by default. */
  readonly modes: ModeState = {
    hostileCreates: [],
    echoKey: undefined,
    failWithEcho: undefined,
    lateLastUse: undefined,
    backgroundUse: new Set(),
  };
  /** Every hostile create this sandbox answered, with the id of the key it really created. */
  readonly hostileKeys: HostileKeyRecord[] = [];
  /** API requests seen (for late-last-use). */
  private requests = 0;
  private readonly pendingUses: { key: StoredKey; at: string; dueRequest?: number; dueMs?: number }[] = [];
  /**
   * Told, synchronously, after every change to organizations or keys (a key minted, revoked or
   * used), before any answer about it is sent: the demo's `--keep` saves the state here, so a
   * process killed right after a create still knows the key at the next start. Off by default.
   */
  onChange: (() => void) | undefined;

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
    this.changed();
    return org;
  }

  /** Tells `onChange` (if set) that organizations or keys changed. */
  protected changed(): void {
    this.onChange?.();
  }

  /** Organizations and hashed keys, to save (see ProviderState). */
  exportState(): ProviderState {
    return {
      provider: this.spec.provider,
      orgs: [...this.orgs.values()].map((o) => ({ ...o })),
      keys: this.keys.exportState(),
    };
  }

  /** Replaces organizations and keys with a saved state; modes, call log and issued secrets start empty. */
  importState(state: ProviderState): void {
    if (state.provider !== this.spec.provider)
      throw new Error(`sandbox: state of ${state.provider} given to ${this.spec.provider}`);
    this.orgs.clear();
    for (const org of state.orgs) this.orgs.set(org.id, { ...org });
    this.keys.importState(state.keys);
  }

  /** Mints a key and returns its secret once. */
  mint(
    orgId: string,
    name: string,
    environment: 'live' | 'test',
    extra: Partial<Pick<StoredKey, 'scope' | 'expiresAt' | 'readOnly'>> = {},
  ) {
    const { secret, prefix } = this.spec.generate(environment);
    const key = this.keys.file(
      secret,
      { orgId, name, environment, prefix, createdAt: this.now(), ...extra },
      this.spec.idPrefix,
    );
    this.issued.push(secret);
    this.changed();
    return { key, secret };
  }

  /** An organization with an admin key per environment the provider has. */
  seedOrg(
    name: string,
    extraKeys: { name: string; environment: 'live' | 'test'; scope?: string }[] = [],
    extra: Partial<SandboxOrg> = {},
  ) {
    const org = this.addOrg(name, extra);
    const admin: Partial<Record<'live' | 'test', string>> = {};
    for (const env of this.spec.environments) admin[env] = this.mint(org.id, `Keydeck admin (${env})`, env).secret;
    for (const k of extraKeys)
      if (this.spec.environments.includes(k.environment)) this.mint(org.id, k.name, k.environment, { scope: k.scope });
    return { org, admin: admin as { live: string; test: string } };
  }

  revoke(key: StoredKey): void {
    if (key.status !== 'revoked') {
      key.status = 'revoked';
      key.revokedAt = this.now();
      this.changed();
    }
  }

  /** The key a request carries: `Authorization: Bearer <key>` (the manifest sandbox reads its own header). */
  protected token(req: IncomingMessage): string | undefined {
    return bearer(req);
  }

  /** Checks the bearer key; on success records the use (last used, today's count). */
  authenticate(req: IncomingMessage): AuthResult {
    this.requests += 1;
    this.settleLastUse();
    for (const id of this.modes.backgroundUse) {
      const other = this.keys.byId.get(id);
      if (other?.status === 'active') this.recordUse(other);
    }
    const token = this.token(req);
    if (!token) return { problem: 'missing' };
    const key = this.keys.lookup(token);
    if (!key) return { problem: 'invalid' };
    if (key.status === 'revoked') return { problem: 'revoked' };
    if (key.expiresAt && Date.parse(key.expiresAt) <= this.clock().getTime()) return { problem: 'expired' };
    const day = this.now().slice(0, 10);
    if (key.usage.day !== day) key.usage = { day, calls: 0 };
    key.usage.calls += 1;
    this.recordUse(key);
    return { key };
  }

  /** Keys of one organization (of one environment when given), newest last; O(that organization's keys). */
  keysOf(orgId: string, environment?: 'live' | 'test'): StoredKey[] {
    this.settleLastUse();
    return this.keys.ofOrg(orgId, environment);
  }

  /** Records a use of a key: visible at once, or later in late-last-use mode. */
  private recordUse(key: StoredKey, at = this.now()): void {
    key.actualLastUsedAt = at;
    const late = this.modes.lateLastUse;
    if (!late) {
      key.lastUsedAt = at;
      this.changed();
      return;
    }
    this.pendingUses.push({
      key,
      at,
      dueRequest: late.afterRequests === undefined ? undefined : this.requests + late.afterRequests,
      dueMs: late.afterMs === undefined ? undefined : Date.parse(at) + late.afterMs,
    });
    this.settleLastUse();
    this.changed();
  }

  /** Makes the lagging uses that are due visible (all of them when `all`). */
  private settleLastUse(all = false): void {
    const nowMs = this.clock().getTime();
    let settled = false;
    for (let i = 0; i < this.pendingUses.length;) {
      const p = this.pendingUses[i];
      if (!p) break;
      const due =
        all ||
        ((p.dueRequest === undefined || this.requests >= p.dueRequest) && (p.dueMs === undefined || nowMs >= p.dueMs));
      if (due) {
        if (!p.key.lastUsedAt || p.at > p.key.lastUsedAt) p.key.lastUsedAt = p.at;
        this.pendingUses.splice(i, 1);
        settled = true;
      } else i += 1;
    }
    if (settled) this.changed();
  }

  // ---- Modes (modes.ts): misbehaviour a test switches on. ----

  /**
   * The next API creates answer hostile keys (the record is really created, listed, revocable by
   * id; see `hostileKeys`). A list is used in order, each once, unless `times` says how many
   * creates to cycle it over.
   */
  hostileCreate(variants: HostileKeyVariant | readonly HostileKeyVariant[], times?: number): void {
    const list = typeof variants === 'string' ? [variants] : [...variants];
    const n = times ?? list.length;
    for (let i = 0; i < n && list.length > 0; i++)
      this.modes.hostileCreates.push(list[i % list.length] as HostileKeyVariant);
  }

  /**
   * Creates a key for an API create. When a hostile create is queued, the record is filed as
   * usual but `answer` is the hostile value (what the response's `key` must carry).
   */
  protected mintForApi(
    orgId: string,
    name: string,
    environment: 'live' | 'test',
    extra: Partial<Pick<StoredKey, 'scope' | 'expiresAt' | 'readOnly'>> = {},
  ): { key: StoredKey; answer: unknown } {
    const variant = this.modes.hostileCreates.shift();
    if (!variant) {
      const { key, secret } = this.mint(orgId, name, environment, extra);
      return { key, answer: secret };
    }
    const { answer, secret, canaries } = hostileKey(variant, environment, this.spec.generate);
    const { prefix } = this.spec.generate(environment);
    const key = this.keys.file(
      secret,
      { orgId, name, environment, prefix, createdAt: this.now(), ...extra, hostile: variant },
      this.spec.idPrefix,
    );
    this.issued.push(...canaries);
    this.hostileKeys.push({ variant, id: key.id, key: answer, environment, createdAt: key.createdAt });
    this.changed();
    return { key, answer };
  }

  /** Every API error body (status ≥ 400) echoes the caller's full bearer token; `false` stops it. */
  echoKeyInErrors(on = true, where: readonly EchoField[] = DEFAULT_ECHO): void {
    this.modes.echoKey = on ? { where: [...where] } : undefined;
  }

  /**
   * The next `times` API requests (any path this server's API serves; GET retries count) fail with
   * `status` in this provider's error shape, echoing the caller's bearer token. Nothing is done.
   */
  failWithEcho(
    status: EchoStatus,
    times = 1,
    where: readonly EchoField[] = ['message', 'request_id', 'details'],
  ): void {
    this.modes.failWithEcho = { status, remaining: times, where: [...where] };
  }

  /** Last use becomes visible late (`false`: at once again; pending uses show at once). */
  lateLastUse(delay: LateLastUse | false): void {
    this.modes.lateLastUse = delay === false ? undefined : { ...delay };
    if (delay === false) this.settleLastUse(true);
  }

  /** Someone else uses these keys on every API request to this provider (`[]` stops it). */
  useInBackground(keyIds: readonly string[]): void {
    this.modes.backgroundUse = new Set(keyIds);
  }

  /** Someone else uses this key now (or at `at`); subject to late-last-use like any use. */
  touch(keyId: string, at?: string): void {
    const key = this.keys.byId.get(keyId);
    if (!key) throw new Error(`sandbox: no key ${keyId}`);
    this.recordUse(key, at ?? this.now());
  }

  /** Every mode off (pending late uses become visible). */
  clearModes(): void {
    this.modes.hostileCreates.length = 0;
    this.modes.echoKey = undefined;
    this.modes.failWithEcho = undefined;
    this.lateLastUse(false);
    this.modes.backgroundUse = new Set();
  }

  /** Applies a mode request (the JSON form of the methods above). */
  setMode(mode: ModeRequest): void {
    switch (mode.kind) {
      case 'hostile-create':
        return this.hostileCreate(mode.variants, mode.times);
      case 'echo-key':
        return this.echoKeyInErrors(mode.on, mode.where);
      case 'fail-with-echo':
        return this.failWithEcho(mode.status, mode.times, mode.where);
      case 'late-last-use':
        return this.lateLastUse(mode.off ? false : { afterRequests: mode.afterRequests, afterMs: mode.afterMs });
      case 'background-use':
        return this.useInBackground(mode.keyIds);
      case 'touch':
        return this.touch(mode.keyId);
      case 'clear':
        return this.clearModes();
    }
  }

  /** This provider's error body for a status, in its documented shape (Legba and Laghav's by default). */
  protected errorBody(_status: EchoStatus, code: string, message: string): Record<string, unknown> {
    return { error: { code, message } };
  }

  /**
   * Sends an API answer; an error (status ≥ 400) echoes the caller's bearer token when echo mode
   * is on. Every provider answers through this.
   */
  protected send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const token = rawBearer(req.headers.authorization);
    const echo = this.modes.echoKey;
    json(res, status, status >= 400 && echo && token ? echoInto(body, token, echo.where) : body, headers);
  }

  /** In fail-with-echo mode, answers the request with the echoing error; true when it did. */
  applyEchoFailure(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const mode = this.modes.failWithEcho;
    if (!mode || mode.remaining <= 0) return false;
    mode.remaining -= 1;
    if (mode.remaining <= 0) this.modes.failWithEcho = undefined;
    const [code, message] = FAIL_MESSAGES[mode.status];
    const token = rawBearer(req.headers.authorization);
    const body = this.errorBody(mode.status, code, message);
    json(
      res,
      mode.status,
      token ? echoInto(body, token, mode.where) : body,
      mode.status === 429 ? { 'retry-after': '1' } : {},
    );
    const keyId = token ? this.keys.lookup(token)?.id : undefined;
    this.calls.push({ method: req.method ?? 'GET', path, ...(keyId ? { keyId } : {}), status: mode.status });
    return true;
  }

  // ---- The provider's truth, read without going through Keydeck. ----

  /** Every key this provider holds (of one organization when `orgId` is given), newest last. */
  truth(orgId?: string): TruthKey[] {
    this.settleLastUse();
    return (orgId === undefined ? [...this.keys.byId.values()] : this.keys.ofOrg(orgId)).map((k) => truthOf(k));
  }

  /** One key's truth by id. */
  truthById(id: string): TruthKey | undefined {
    this.settleLastUse();
    const key = this.keys.byId.get(id);
    return key ? truthOf(key) : undefined;
  }

  /** The key a secret belongs to (hash lookup; any status), or undefined. */
  identify(secret: string): TruthKey | undefined {
    this.settleLastUse();
    const key = this.keys.lookup(secret);
    return key ? truthOf(key) : undefined;
  }

  /** Whether the provider accepts this secret now (known, active, not expired). Records no use. */
  accepts(secret: string): boolean {
    const key = this.keys.lookup(secret);
    return !!key && key.status === 'active' && !(key.expiresAt && Date.parse(key.expiresAt) <= this.clock().getTime());
  }

  /** Handles one API request; returns false when the path is not this provider's. */
  abstract handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

function truthOf(k: StoredKey): TruthKey {
  return {
    id: k.id,
    orgId: k.orgId,
    name: k.name,
    environment: k.environment,
    status: k.status,
    prefix: k.prefix,
    last4: k.last4,
    ...(k.scope !== undefined ? { scope: k.scope } : {}),
    createdAt: k.createdAt,
    ...(k.revokedAt !== undefined ? { revokedAt: k.revokedAt } : {}),
    ...(k.lastUsedAt !== undefined ? { lastUsedAt: k.lastUsedAt } : {}),
    ...(k.actualLastUsedAt !== undefined ? { actualLastUsedAt: k.actualLastUsedAt } : {}),
    ...(k.hostile !== undefined ? { hostile: k.hostile } : {}),
  };
}
