import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProviderSandbox } from './base.js';
import { readJson, secondsToUtcMidnight } from './http-util.js';
import { randomBody, type StoredKey } from './keystore.js';
import type { EchoStatus } from './modes.js';

/** Laghav's documented daily limit for `lgh_test_` keys. */
export const TEST_DAILY_LIMIT = 100;

/**
 * Laghav as its docs describe it: `GET /health` without auth; `GET/POST /api/keys` and
 * `DELETE /api/keys/{id}` with a Bearer key; 401 `UNAUTHORIZED` (no header), `INVALID_KEY`
 * (not found or hash mismatch), `KEY_REVOKED`; test keys limited to 100 calls a day (then 429).
 * Where the docs are silent it follows the choices written in electron/core/providers/laghav.ts.
 */
export class LaghavSandbox extends ProviderSandbox {
  constructor(clock?: () => Date) {
    super(
      {
        provider: 'laghav',
        environments: ['live', 'test'],
        generate: (env) => ({ prefix: `lgh_${env}_`, secret: `lgh_${env}_${randomBody(32)}` }),
        idPrefix: 'key_',
        apiPath: '',
        dashboard: { title: 'Laghav', createLabel: 'Create key', canRevoke: true, showLastUsed: false },
      },
      clock,
    );
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

  protected override errorBody(status: EchoStatus, code: string, message: string): Record<string, unknown> {
    return { error: status === 401 ? { code: 'INVALID_KEY', message: 'Invalid API key' } : { code, message } };
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (path === '/health' && method === 'GET') {
      this.send(req, res, 200, { status: 'ok' });
      return true;
    }
    const keyPath = /^\/api\/keys(?:\/([^/]+))?$/.exec(path);
    if (!keyPath) return false;
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      const body = {
        missing: { code: 'UNAUTHORIZED', message: 'Missing Authorization header' },
        invalid: { code: 'INVALID_KEY', message: 'Invalid API key' },
        revoked: { code: 'KEY_REVOKED', message: 'This API key has been revoked' },
        expired: { code: 'INVALID_KEY', message: 'Invalid API key' },
      }[auth.problem];
      this.send(req, res, 401, { error: body });
      this.calls.push({ method, path, status: 401 });
      return true;
    }
    const caller = auth.key;
    if (caller.environment === 'test' && caller.usage.calls > TEST_DAILY_LIMIT) {
      caller.usage.calls -= 1; // a refused call does not count
      this.send(
        req,
        res,
        429,
        { error: { code: 'RATE_LIMITED', message: `Test keys are limited to ${TEST_DAILY_LIMIT} calls/day` } },
        {
          'retry-after': String(secondsToUtcMidnight(this.clock())),
          'x-ratelimit-limit': String(TEST_DAILY_LIMIT),
          'x-ratelimit-remaining': '0',
        },
      );
      this.calls.push({ method, path, keyId: caller.id, status: 429 });
      return true;
    }
    const status = await this.route(req, res, method, keyPath[1] ? decodeURIComponent(keyPath[1]) : undefined, caller);
    this.calls.push({ method, path, keyId: caller.id, status });
    return true;
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    id: string | undefined,
    caller: StoredKey,
  ): Promise<number> {
    const headers: Record<string, string> =
      caller.environment === 'test'
        ? {
            'x-ratelimit-limit': String(TEST_DAILY_LIMIT),
            'x-ratelimit-remaining': String(TEST_DAILY_LIMIT - caller.usage.calls),
          }
        : {};
    const mine = (k: StoredKey) => k.orgId === caller.orgId && k.environment === caller.environment;
    if (!id && method === 'GET') {
      this.send(
        req,
        res,
        200,
        { data: this.keysOf(caller.orgId, caller.environment).map((k) => this.wire(k)) },
        headers,
      );
      return 200;
    }
    if (!id && method === 'POST') {
      const body = (await readJson(req)) as { name?: unknown; app_id?: unknown } | undefined;
      if (!body || typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) {
        this.send(
          req,
          res,
          400,
          { error: { code: 'INVALID_REQUEST', message: '"name" is required (1-200 characters)' } },
          headers,
        );
        return 400;
      }
      if (body.app_id !== undefined && typeof body.app_id !== 'string') {
        this.send(req, res, 400, { error: { code: 'INVALID_REQUEST', message: '"app_id" must be a string' } }, headers);
        return 400;
      }
      // In hostile-create mode (modes.ts) `answer` is a garbled key; the record is real either way.
      const { key, answer } = this.mintForApi(caller.orgId, body.name, caller.environment, {
        scope: body.app_id as string | undefined,
      });
      this.send(req, res, 201, { ...this.wire(key), key: answer }, headers);
      return 201;
    }
    if (id && method === 'DELETE') {
      const key = this.keys.byId.get(id);
      if (!key || !mine(key)) {
        this.send(req, res, 404, { error: { code: 'NOT_FOUND', message: 'API key not found' } }, headers);
        return 404;
      }
      this.revoke(key);
      this.send(req, res, 200, { id: key.id, status: 'revoked', revoked_at: key.revokedAt }, headers);
      return 200;
    }
    this.send(
      req,
      res,
      405,
      { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed here` } },
      headers,
    );
    return 405;
  }
}
