import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { maskFromParts } from '../../shared/keys.js';
import type { ProviderSandbox } from './base.js';

/** Escapes text for HTML: provider dashboards show user-chosen names. */
function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, title: string, body: string, status = 200): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><link rel="icon" href="data:,">
<style>body{font-family:sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.4rem .8rem;text-align:left}code{background:#eee;padding:.2rem}</style></head>
<body>${body}</body></html>`);
}

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16 * 1024) break;
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  res.writeHead(303, { location, ...(cookie ? { 'set-cookie': cookie } : {}) });
  res.end();
}

/**
 * A provider's web dashboard, as its docs describe it: sign in, Settings → API Keys, a list of
 * masked labels with created (and last-used) dates, create (the key shown once), revoke. Driven
 * by Playwright as a person would, and by people in `npm run demo`.
 */
export class Dashboard {
  private readonly sessions = new Map<string, { orgId: string; csrf: string }>();

  constructor(private readonly sandbox: ProviderSandbox) {}

  private session(req: IncomingMessage) {
    const sid = /(?:^|;\s*)sbx_session=([a-f0-9]{32})/.exec(req.headers.cookie ?? '')?.[1];
    return sid ? this.sessions.get(sid) : undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
    const spec = this.sandbox.spec.dashboard;
    const method = req.method ?? 'GET';
    const keysPath = '/dashboard/settings/api-keys';

    if (path === '/dashboard/login' && method === 'POST') {
      const orgId = (await form(req)).get('org') ?? '';
      if (!this.sandbox.orgs.has(orgId)) return (page(res, 'Sign in', '<p>Unknown organization.</p>', 400), true);
      const sid = randomBytes(16).toString('hex');
      this.sessions.set(sid, { orgId, csrf: randomBytes(16).toString('hex') });
      redirect(res, '/dashboard', `sbx_session=${sid}; Path=/dashboard; HttpOnly; SameSite=Lax`);
      return true;
    }
    const session = this.session(req);
    if (!session) {
      const buttons = [...this.sandbox.orgs.values()]
        .map(
          (o) =>
            `<form method="post" action="/dashboard/login"><input type="hidden" name="org" value="${esc(o.id)}"><button type="submit">Sign in as ${esc(o.name)}</button></form>`,
        )
        .join('');
      page(
        res,
        `${spec.title}: sign in`,
        `<h1>Sign in to ${esc(spec.title)}</h1><p>Provider sandbox: choose an organization.</p>${buttons}`,
      );
      return true;
    }
    const org = this.sandbox.orgs.get(session.orgId);
    if (path === '/dashboard' || path === '/dashboard/settings') {
      page(
        res,
        spec.title,
        `<h1>${esc(spec.title)}: ${esc(org?.name)}</h1><nav><a href="/dashboard/settings">Settings</a> → <a href="${keysPath}">API Keys</a></nav>`,
      );
      return true;
    }
    if (path === keysPath && method === 'GET') {
      const rows = this.sandbox
        .keysOf(session.orgId)
        .map((k) => {
          const revoke =
            spec.canRevoke && k.status === 'active'
              ? `<form method="post" action="${keysPath}/${esc(k.id)}/revoke"><input type="hidden" name="csrf" value="${session.csrf}"><button type="submit" aria-label="Revoke ${esc(maskFromParts(k.prefix, k.last4))}">Revoke</button></form>`
              : '';
          const lastUsed = spec.showLastUsed
            ? `<td>${esc(k.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? 'Never')}</td>`
            : '';
          return `<tr data-key-id="${esc(k.id)}"><td>${esc(k.name)}</td><td><code>${esc(maskFromParts(k.prefix, k.last4))}</code></td><td>${esc(k.environment)}</td><td>${esc(k.createdAt.slice(0, 10))}</td>${lastUsed}<td>${esc(k.status)}</td><td>${revoke}</td></tr>`;
        })
        .join('');
      const envs = this.sandbox.spec.environments;
      const envField =
        envs.length > 1
          ? `<label>Environment <select name="environment">${envs.map((e) => `<option value="${e}">${e}</option>`).join('')}</select></label>`
          : '';
      const orgField = spec.chooseOrganization
        ? `<label>Organization <select name="org">${[...this.sandbox.orgs.values()]
            .filter((o) => o.id === session.orgId)
            .map((o) => `<option value="${esc(o.id)}">${esc(o.name)}</option>`)
            .join('')}</select></label>`
        : '';
      const readOnly = spec.offerReadOnly
        ? '<label><input type="checkbox" name="readonly" value="1"> Restrict to read-only endpoints</label>'
        : '';
      const create = spec.createLabel
        ? `<h2>${esc(spec.createLabel)}</h2><form method="post" action="${keysPath}/create"><input type="hidden" name="csrf" value="${session.csrf}"><label>Name <input name="name" required maxlength="200"></label> ${orgField} ${envField} ${readOnly} <button type="submit">${esc(spec.createLabel)}</button></form>`
        : '';
      page(
        res,
        `${spec.title}: API Keys`,
        `<nav>Settings → API Keys</nav><h1>API Keys</h1><table><thead><tr><th>Name</th><th>Key</th><th>Environment</th><th>Created</th>${spec.showLastUsed ? '<th>Last used</th>' : ''}<th>Status</th><th></th></tr></thead><tbody>${rows}</tbody></table>${create}`,
      );
      return true;
    }
    if (path === `${keysPath}/create` && method === 'POST' && spec.createLabel) {
      const f = await form(req);
      if (f.get('csrf') !== session.csrf) return (page(res, 'Error', '<p>Bad request.</p>', 400), true);
      const name = (f.get('name') ?? '').trim().slice(0, 200) || 'Untitled key';
      const env =
        f.get('environment') === 'test' && this.sandbox.spec.environments.includes('test')
          ? 'test'
          : (this.sandbox.spec.environments[0] ?? 'live');
      const { secret } = this.sandbox.mint(session.orgId, name, env, { readOnly: f.get('readonly') === '1' });
      page(
        res,
        `${spec.title}: new API key`,
        `<h1>Your new API key</h1><p><strong>Copy it now. It is shown only once.</strong></p><p><code data-testid="new-key">${esc(secret)}</code></p><p><a href="${keysPath}">Done</a></p>`,
      );
      return true;
    }
    const revoke = new RegExp(`^${keysPath}/([^/]+)/revoke$`).exec(path);
    if (revoke && method === 'POST' && spec.canRevoke) {
      const f = await form(req);
      const key = this.sandbox.keys.byId.get(decodeURIComponent(revoke[1] ?? ''));
      if (f.get('csrf') !== session.csrf || !key || key.orgId !== session.orgId)
        return (page(res, 'Error', '<p>Bad request.</p>', 400), true);
      this.sandbox.revoke(key);
      redirect(res, keysPath);
      return true;
    }
    page(res, 'Not found', '<p>Not found.</p>', 404);
    return true;
  }
}
