import type { IncomingMessage, ServerResponse } from 'node:http';
import { maskFromParts } from '../../shared/keys.js';
import { ProviderSandbox } from './base.js';
import { randomBody } from './keystore.js';
import type { EchoStatus } from './modes.js';

/**
 * Leadey: `GET /v1/me` answers `{"data": …}`; a missing, malformed or revoked key gets the
 * documented message-only 401. Keys `leadey_sk_live_…`, live only, managed in the Cockpit
 * (dashboard), which shows a masked label, the creation date and last use.
 */
export class LeadeySandbox extends ProviderSandbox {
  constructor(clock?: () => Date) {
    super(
      {
        provider: 'leadey',
        environments: ['live'],
        generate: () => ({ prefix: 'leadey_sk_live_', secret: `leadey_sk_live_${randomBody(32)}` }),
        idPrefix: 'ak_',
        apiPath: '/v1',
        dashboard: { title: 'Leadey Cockpit', createLabel: 'Create API key', canRevoke: true, showLastUsed: true },
      },
      clock,
    );
  }

  /** Leadey's errors carry a message and `details`, no code. */
  protected override errorBody(status: EchoStatus, _code: string, message: string): Record<string, unknown> {
    return { error: { message: status === 401 ? 'Invalid or revoked API key.' : `${message}.`, details: null } };
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith('/v1/')) return false;
    const method = req.method ?? 'GET';
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      this.send(req, res, 401, { error: { message: 'Invalid or revoked API key.', details: null } });
      this.calls.push({ method, path, status: 401 });
      return true;
    }
    const key = auth.key;
    if (path === '/v1/me' && method === 'GET') {
      const org = this.orgs.get(key.orgId);
      this.send(req, res, 200, {
        data: {
          organization: { id: org?.id, name: org?.name },
          api_key: {
            id: key.id,
            label: maskFromParts(key.prefix, key.last4),
            created_at: key.createdAt,
            last_used_at: key.lastUsedAt,
          },
        },
      });
      this.calls.push({ method, path, keyId: key.id, status: 200 });
      return true;
    }
    this.send(req, res, 404, { error: { message: 'Not found.', details: null } });
    return true;
  }
}
