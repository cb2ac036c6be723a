import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProviderSandbox } from './base.js';
import { randomBody, type StoredKey } from './keystore.js';
import type { EchoStatus } from './modes.js';

/**
 * The sk-style API: `GET /v1/api-keys` → `{"success":true,"data":[{id,name,prefix,created_at,last_used}]}`
 * and `DELETE /v1/api-keys/{id}` → `{"success":true,"message":"API key revoked successfully"}`;
 * 401 for a missing or invalid key; 403 for a key restricted away from the resource (a read-only
 * key may list but not revoke). `last_used` moves on every authenticated call. Keys are created in
 * the dashboard only.
 */
export class SkApiSandbox extends ProviderSandbox {
  constructor(clock?: () => Date) {
    super(
      {
        provider: 'skapi',
        environments: ['live', 'test'],
        generate: (env) => ({ prefix: `sk_${env}_`, secret: `sk_${env}_${randomBody(32)}` }),
        idPrefix: 'key_',
        apiPath: '/v1',
        dashboard: {
          title: 'Dashboard',
          createLabel: 'Create New API Key',
          offerReadOnly: true,
          canRevoke: true,
          showLastUsed: true,
        },
      },
      clock,
    );
  }

  private wire(k: StoredKey) {
    return { id: k.id, name: k.name, prefix: k.prefix, created_at: k.createdAt, last_used: k.lastUsedAt ?? null };
  }

  protected override errorBody(_status: EchoStatus, code: string, message: string): Record<string, unknown> {
    return { success: false, error: { code: code.toLowerCase(), message } };
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const m = /^\/v1\/api-keys(?:\/([^/]+))?$/.exec(path);
    if (!m) return false;
    const method = req.method ?? 'GET';
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      const message = auth.problem === 'missing' ? 'Missing API key' : 'Invalid API key';
      this.send(req, res, 401, { success: false, error: { code: 'unauthorized', message } });
      this.calls.push({ method, path, status: 401 });
      return true;
    }
    const caller = auth.key;
    const id = m[1] ? decodeURIComponent(m[1]) : undefined;
    const log = (status: number) => this.calls.push({ method, path, keyId: caller.id, status });
    if (!id && method === 'GET') {
      // Revoked keys disappear from the list.
      const data = this.keysOf(caller.orgId, caller.environment).filter((k) => k.status === 'active');
      this.send(req, res, 200, { success: true, data: data.map((k) => this.wire(k)) });
      log(200);
      return true;
    }
    if (id && method === 'DELETE') {
      if (caller.readOnly) {
        this.send(req, res, 403, {
          success: false,
          error: { code: 'forbidden', message: 'This API key does not have permission to access this resource' },
        });
        log(403);
        return true;
      }
      const key = this.keys.byId.get(id);
      if (!key || key.orgId !== caller.orgId || key.environment !== caller.environment || key.status === 'revoked') {
        this.send(req, res, 404, { success: false, error: { code: 'not_found', message: 'API key not found' } });
        log(404);
        return true;
      }
      this.revoke(key);
      this.send(req, res, 200, { success: true, message: 'API key revoked successfully' });
      log(200);
      return true;
    }
    this.send(req, res, 405, {
      success: false,
      error: { code: 'method_not_allowed', message: `${method} not allowed` },
    });
    log(405);
    return true;
  }
}
