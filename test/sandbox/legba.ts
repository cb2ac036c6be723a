import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProviderSandbox, type SandboxOrg } from './base.js';
import type { EchoStatus } from './modes.js';
import { randomBody } from './keystore.js';

const UNAUTHORIZED = { error: { code: 'UNAUTHORIZED', message: 'Invalid or missing API key' } };

/**
 * Legba: `GET /orgs/{org_uuid}/api/instances` with a Bearer key on a configurable host; every
 * authentication failure is the documented 401 UNAUTHORIZED body. Keys carry no published prefix
 * (opaque tokens) and are managed in the dashboard only. One environment.
 */
export class LegbaSandbox extends ProviderSandbox {
  constructor(clock?: () => Date) {
    super(
      {
        provider: 'legba',
        environments: ['live'],
        generate: () => ({ prefix: '', secret: randomBody(40) }),
        idPrefix: 'lgbk_',
        apiPath: '',
        dashboard: { title: 'Legba', createLabel: 'Generate New API Key', canRevoke: true, showLastUsed: true },
      },
      clock,
    );
  }

  override addOrg(name: string, extra: Partial<SandboxOrg> = {}): SandboxOrg {
    // Legba organizations are addressed by UUID in every API path.
    const org: SandboxOrg = { id: randomUUID(), name, ...extra };
    this.orgs.set(org.id, org);
    this.changed();
    return org;
  }

  protected override errorBody(status: EchoStatus, code: string, message: string): Record<string, unknown> {
    return status === 401 ? structuredClone(UNAUTHORIZED) : { error: { code, message } };
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const m = /^\/orgs\/([^/]+)\/api\/([a-z_-]+)$/.exec(path);
    if (!m) return false;
    const method = req.method ?? 'GET';
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      this.send(req, res, 401, UNAUTHORIZED);
      this.calls.push({ method, path, status: 401 });
      return true;
    }
    const orgId = decodeURIComponent(m[1] ?? '');
    if (!this.orgs.has(orgId)) {
      this.send(req, res, 404, { error: { code: 'NOT_FOUND', message: 'Organization not found' } });
      this.calls.push({ method, path, keyId: auth.key.id, status: 404 });
      return true;
    }
    if (auth.key.orgId !== orgId) {
      this.send(req, res, 401, UNAUTHORIZED);
      this.calls.push({ method, path, keyId: auth.key.id, status: 401 });
      return true;
    }
    if (m[2] === 'instances' && method === 'GET') {
      this.send(req, res, 200, { data: [{ id: `inst_${orgId.slice(0, 8)}`, name: 'primary', status: 'running' }] });
      this.calls.push({ method, path, keyId: auth.key.id, status: 200 });
      return true;
    }
    this.send(req, res, 404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
    return true;
  }
}
