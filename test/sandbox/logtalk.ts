import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProviderSandbox } from './base.js';
import { lowerAlnum } from './keystore.js';
import type { EchoStatus } from './modes.js';

const DOCS = 'https://docs.logtalk.io/errors';

/**
 * LogTalk: `GET /v1/conversions` with the `success` envelope; 401 MISSING_API_KEY /
 * INVALID_API_KEY / EXPIRED_API_KEY with `documentation_url`, `request_id` and `timestamp`; 403
 * API_ACCESS_DENIED for an organization on the starter tier. Keys `lt_live_` / `lt_test_` + 32
 * lowercase alphanumerics, created in the dashboard with a name and an organization.
 */
export class LogTalkSandbox extends ProviderSandbox {
  constructor(clock?: () => Date) {
    super(
      {
        provider: 'logtalk',
        environments: ['live', 'test'],
        generate: (env) => ({ prefix: `lt_${env}_`, secret: `lt_${env}_${lowerAlnum(32)}` }),
        idPrefix: 'ltk_',
        apiPath: '/v1',
        dashboard: {
          title: 'LogTalk',
          createLabel: 'Create API Key',
          chooseOrganization: true,
          canRevoke: true,
          showLastUsed: false,
        },
      },
      clock,
    );
  }

  private envelope(error: Record<string, unknown>) {
    return {
      success: false,
      error,
      request_id: `req_${randomBytes(4).toString('hex')}_${randomBytes(6).toString('hex')}`,
      timestamp: this.now(),
    };
  }

  protected override errorBody(status: EchoStatus, code: string, message: string): Record<string, unknown> {
    const codes: Record<EchoStatus, string> = {
      401: 'INVALID_API_KEY',
      403: 'API_ACCESS_DENIED',
      404: 'NOT_FOUND',
      429: 'RATE_LIMIT_EXCEEDED',
      500: code,
    };
    return this.envelope({ code: codes[status], message, documentation_url: `${DOCS}/errors` });
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith('/v1/')) return false;
    const method = req.method ?? 'GET';
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      const error = {
        missing: {
          code: 'MISSING_API_KEY',
          message: 'No Authorization header provided',
          documentation_url: `${DOCS}/authentication#missing-key`,
        },
        invalid: {
          code: 'INVALID_API_KEY',
          message: 'Invalid API key',
          documentation_url: `${DOCS}/authentication#invalid-key`,
        },
        revoked: {
          code: 'INVALID_API_KEY',
          message: 'Invalid API key',
          documentation_url: `${DOCS}/authentication#invalid-key`,
        },
        expired: {
          code: 'EXPIRED_API_KEY',
          message: 'API key has expired',
          documentation_url: `${DOCS}/authentication#expired-key`,
        },
      }[auth.problem];
      this.send(req, res, 401, this.envelope(error));
      this.calls.push({ method, path, status: 401 });
      return true;
    }
    const org = this.orgs.get(auth.key.orgId);
    if (org?.tier === 'starter') {
      this.send(
        req,
        res,
        403,
        this.envelope({
          code: 'API_ACCESS_DENIED',
          message: 'API access requires Growth tier or higher',
          details: { current_tier: 'starter', upgrade_url: 'https://logtalk.io/pricing' },
          documentation_url: `${DOCS}/authorization#api-access`,
        }),
      );
      this.calls.push({ method, path, keyId: auth.key.id, status: 403 });
      return true;
    }
    if (path === '/v1/conversions' && method === 'GET') {
      this.send(req, res, 200, {
        success: true,
        data: [],
        request_id: `req_${randomBytes(6).toString('hex')}`,
        timestamp: this.now(),
      });
      this.calls.push({ method, path, keyId: auth.key.id, status: 200 });
      return true;
    }
    this.send(req, res, 404, this.envelope({ code: 'NOT_FOUND', message: 'Not found' }));
    return true;
  }
}
