import type { IncomingMessage, ServerResponse } from 'node:http';
import { HashedKeyStore, type StoredKey } from './keystore.js';
import { bearer, json, readJson, secondsToUtcMidnight } from './http-util.js';

/** Laghav's documented daily limit for `lgh_test_` keys. */
export const TEST_DAILY_LIMIT = 100;

export interface LaghavOrg {
  id: string;
  name: string;
}

/**
 * Laghav as its docs describe it: `GET /health` without auth; `GET/POST /api/keys` and
 * `DELETE /api/keys/{id}` with a Bearer key; 401 `UNAUTHORIZED` (no header), `INVALID_KEY`
 * (not found or hash mismatch), `KEY_REVOKED`; test keys limited to 100 calls a day (then 429).
 * Where the docs are silent it follows the choices written in electron/core/providers/laghav.ts.
 */
export class LaghavSandbox {
  readonly keys = new HashedKeyStore();
  readonly orgs = new Map<string, LaghavOrg>();
  /** Every authenticated request, for tests that count calls (never the key itself). */
  readonly calls: { method: string; path: string; keyId?: string; status: number }[] = [];

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Creates an organization with an admin key per environment; returns the secrets once. */
  seedOrg(name: string, extraKeys: { name: string; environment: 'live' | 'test'; scope?: string }[] = []) {
    const org: LaghavOrg = { id: `org_${this.orgs.size + 1}_${Math.random().toString(36).slice(2, 8)}`, name };
    this.orgs.set(org.id, org);
    const admin = {
      live: this.mint(org.id, 'Keydeck admin (live)', 'live').secret,
      test: this.mint(org.id, 'Keydeck admin (test)', 'test').secret,
    };
    for (const k of extraKeys) this.mint(org.id, k.name, k.environment, k.scope);
    return { org, admin };
  }

  mint(orgId: string, name: string, environment: 'live' | 'test', scope?: string) {
    return this.keys.mint({ orgId, name, scope, environment, prefix: `lgh_${environment}_`, createdAt: this.clock().toISOString() });
  }

  private wire(k: StoredKey) {
    return {
      id: k.id,
      name: k.name,
      app_id: k.scope ?? null,
      prefix: k.prefix,
      last4: k.last4,
      status: k.status,
      created_at: k.createdAt,
      revoked_at: k.revokedAt ?? null,
    };
  }

  /** Handles one request; returns false when the path is not Laghav's. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (path === '/health' && method === 'GET') {
      json(res, 200, { status: 'ok' });
      return true;
    }
    const keyPath = /^\/api\/keys(?:\/([^/]+))?$/.exec(path);
    if (!keyPath) return false;
    const caller = this.authenticate(req, res);
    if (!caller) return true;
    const status = await this.route(req, res, method, keyPath[1] ? decodeURIComponent(keyPath[1]) : undefined, caller);
    this.calls.push({ method, path, keyId: caller.id, status });
    return true;
  }

  private authenticate(req: IncomingMessage, res: ServerResponse): StoredKey | undefined {
    const token = bearer(req);
    if (!token) {
      json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'Missing Authorization header' } });
      return undefined;
    }
    const key = this.keys.lookup(token);
    if (!key) {
      json(res, 401, { error: { code: 'INVALID_KEY', message: 'Invalid API key' } });
      return undefined;
    }
    if (key.status === 'revoked') {
      json(res, 401, { error: { code: 'KEY_REVOKED', message: 'This API key has been revoked' } });
      return undefined;
    }
    const now = this.clock();
    const day = now.toISOString().slice(0, 10);
    if (key.usage.day !== day) key.usage = { day, calls: 0 };
    if (key.environment === 'test' && key.usage.calls >= TEST_DAILY_LIMIT) {
      json(
        res,
        429,
        { error: { code: 'RATE_LIMITED', message: `Test keys are limited to ${TEST_DAILY_LIMIT} calls/day` } },
        { 'retry-after': String(secondsToUtcMidnight(now)), 'x-ratelimit-limit': String(TEST_DAILY_LIMIT), 'x-ratelimit-remaining': '0' },
      );
      return undefined;
    }
    key.usage.calls += 1;
    key.lastUsedAt = now.toISOString();
    return key;
  }

  private async route(req: IncomingMessage, res: ServerResponse, method: string, id: string | undefined, caller: StoredKey): Promise<number> {
    const limitHeaders: Record<string, string> =
      caller.environment === 'test'
        ? { 'x-ratelimit-limit': String(TEST_DAILY_LIMIT), 'x-ratelimit-remaining': String(TEST_DAILY_LIMIT - caller.usage.calls) }
        : {};
    const mine = (k: StoredKey) => k.orgId === caller.orgId && k.environment === caller.environment;
    if (!id && method === 'GET') {
      json(res, 200, { data: [...this.keys.byId.values()].filter(mine).map((k) => this.wire(k)) }, limitHeaders);
      return 200;
    }
    if (!id && method === 'POST') {
      const body = (await readJson(req)) as { name?: unknown; app_id?: unknown } | undefined;
      if (!body || typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) {
        json(res, 400, { error: { code: 'INVALID_REQUEST', message: '"name" is required (1-200 characters)' } }, limitHeaders);
        return 400;
      }
      if (body.app_id !== undefined && typeof body.app_id !== 'string') {
        json(res, 400, { error: { code: 'INVALID_REQUEST', message: '"app_id" must be a string' } }, limitHeaders);
        return 400;
      }
      const { key, secret } = this.mint(caller.orgId, body.name, caller.environment, body.app_id as string | undefined);
      json(res, 201, { ...this.wire(key), key: secret }, limitHeaders);
      return 201;
    }
    if (id && method === 'DELETE') {
      const key = this.keys.byId.get(id);
      if (!key || !mine(key)) {
        json(res, 404, { error: { code: 'NOT_FOUND', message: 'API key not found' } }, limitHeaders);
        return 404;
      }
      if (key.status !== 'revoked') {
        key.status = 'revoked';
        key.revokedAt = this.clock().toISOString();
      }
      json(res, 200, { id: key.id, status: 'revoked', revoked_at: key.revokedAt }, limitHeaders);
      return 200;
    }
    json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed here` } }, limitHeaders);
    return 405;
  }
}
