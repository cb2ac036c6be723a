import type { IncomingMessage, ServerResponse } from 'node:http';
import { maskFromParts } from '../../shared/keys.js';
import { ProviderSandbox } from './base.js';
import { json } from './http-util.js';
import { randomBody } from './keystore.js';

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

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith('/v1/')) return false;
    const method = req.method ?? 'GET';
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      json(res, 401, { error: { message: 'Invalid or revoked API key.', details: null } });
      this.calls.push({ method, path, status: 401 });
      return true;
    }
    const key = auth.key;
    if (path === '/v1/me' && method === 'GET') {
      const org = this.orgs.get(key.orgId);
      json(res, 200, {
        data: {
          organization: { id: org?.id, name: org?.name },
          api_key: { id: key.id, label: maskFromParts(key.prefix, key.last4), created_at: key.createdAt, last_used_at: key.lastUsedAt },
        },
      });
      this.calls.push({ method, path, keyId: key.id, status: 200 });
      return true;
    }
    json(res, 404, { error: { message: 'Not found.', details: null } });
    return true;
  }
}
