import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHARSETS, ProviderManifest } from '../../electron/core/providers/manifest/schema.js';
import { ProviderSandbox } from './base.js';
import { readJson } from './http-util.js';
import { randomBody, type StoredKey } from './keystore.js';

/** The first alternative of a field path (`data.key|key` → `data.key`): where this sandbox writes the value. */
const first = (path: string) => path.split('|')[0] ?? '';

/** Sets `value` at a dot-separated path, making objects on the way ("" replaces the whole answer). */
function put(target: Record<string, unknown>, path: string, value: unknown): unknown {
  if (path === '') return value;
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (typeof next === 'object' && next !== null ? next : (node[part] = {})) as Record<string, unknown>;
  }
  node[parts.at(-1) ?? ''] = value;
  return target;
}

/** Characters of a charset's class, to mint keys from (`A-Za-z0-9_-` → the 64 characters). */
function alphabet(charClass: string): string {
  let out = '';
  for (let i = 0; i < charClass.length; i++) {
    const ch = charClass[i] ?? '';
    const to = charClass[i + 2];
    if (charClass[i + 1] === '-' && to !== undefined) {
      for (let c = ch.charCodeAt(0); c <= to.charCodeAt(0); c++) out += String.fromCharCode(c);
      i += 2;
    } else out += ch;
  }
  return out.replace(/[=+/.~]/g, '') || 'abcdefghijklmnopqrstuvwxyz0123456789';
}

/** A form body (`application/x-www-form-urlencoded`, bounded to 64 KB) as an object of strings. */
async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return {};
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/** Keys per page, when the manifest says the list is paged. */
const PAGE_SIZE = 2;

interface Route {
  call: 'verify' | 'list' | 'create' | 'revoke';
  method: string;
  pattern: RegExp;
  names: string[];
}

/**
 * A provider served from nothing but its manifest: the same file a person adds to Keydeck. Its API
 * is at the manifest's paths, authenticates with the manifest's header and scheme, answers in the
 * manifest's shapes (the first alternative of each field path), and words its errors with the
 * manifest's codes (the first rule for each meaning). Revoking is immediate: the key is refused
 * with the manifest's "revoked" code from then on. What a manifest cannot say (whether the provider
 * lists revoked keys) follows it: listed with a status when the manifest reads one, else left out.
 */
export class ManifestSandbox extends ProviderSandbox {
  readonly manifest: ProviderManifest;
  /** A lying provider: verify names this id as the caller's (another key's), whatever key called. */
  namesCallerAs: string | undefined;
  private readonly routes: Route[];
  private readonly apiPath: string;

  constructor(json: unknown, clock?: () => Date) {
    const m = ProviderManifest.parse(json);
    const apiPath = m.baseUrl.default ? new URL(m.baseUrl.default).pathname.replace(/\/+$/, '') : '';
    super(
      {
        provider: m.id,
        environments: m.environments,
        generate: (env) => {
          const format = Array.isArray(m.keys) ? m.keys.find((k) => k.environment === env) : undefined;
          const keys = m.keys;
          const charset = format?.charset ?? (Array.isArray(keys) ? 'base64url' : keys.charset);
          const length = format?.length ?? (Array.isArray(keys) ? { min: 8, max: 300 } : keys.length);
          const n = Math.min(Math.max(32, length.min), length.max);
          const prefix = format?.prefix ?? '';
          return { prefix, secret: `${prefix}${randomBody(n, alphabet(CHARSETS[charset]))}` };
        },
        idPrefix: 'mk_',
        apiPath,
        dashboard: { title: m.displayName, canRevoke: true, showLastUsed: !!m.calls.list?.fields.lastUsedAt },
      },
      clock,
    );
    this.manifest = m;
    this.apiPath = apiPath;
    this.routes = (['verify', 'list', 'create', 'revoke'] as const).flatMap((call) => {
      const spec = m.calls[call];
      if (!spec) return [];
      const names: string[] = [];
      const source = spec.path
        .split('?')[0]!
        .replace(/[.*+^$()|[\]\\]/g, '\\$&')
        .replace(/\{([a-z_0-9]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'));
      return [{ call, method: spec.method, pattern: new RegExp(`^${source}$`), names }];
    });
  }

  protected override token(req: IncomingMessage): string | undefined {
    const header = req.headers[this.manifest.auth.header.toLowerCase()];
    if (typeof header !== 'string') return undefined;
    const scheme = this.manifest.auth.scheme;
    if (!scheme) return header || undefined;
    const m = new RegExp(`^${scheme.replace(/[.]/g, '\\.')} (\\S+)$`).exec(header);
    return m?.[1];
  }

  /** An error in the manifest's envelope, with the code of the first rule that means `means`. */
  private error(
    req: IncomingMessage,
    res: ServerResponse,
    means: string,
    fallback: { status: number; code: string },
    message: string,
  ) {
    const rule = this.manifest.errors.rules.find((r) => r.means === means && r.code !== undefined);
    const status = rule?.status ?? fallback.status;
    const body: Record<string, unknown> = {};
    const e = this.manifest.errors;
    put(body, first(e.code ?? 'error.code'), rule?.code ?? fallback.code);
    put(body, first(e.message ?? 'error.message'), message);
    if (e.requestId) put(body, first(e.requestId), `req_${Math.random().toString(36).slice(2, 10)}`);
    this.send(req, res, status, body, means === 'rate-limited' ? { 'retry-after': '30' } : {});
    return status;
  }

  /** A success answer that meets the manifest's own rule for it, with `payload` at its place. */
  private success(call: Route['call'], payload: Record<string, unknown> = {}): { status: number; body: unknown } {
    const spec = this.manifest.calls[call]!;
    const status = spec.success.status[0] ?? 200;
    let body: unknown = payload;
    for (const path of spec.success.required)
      if (path && first(path)) put(body as Record<string, unknown>, first(path), 'ok');
    for (const [path, value] of Object.entries(spec.success.equals))
      put(body as Record<string, unknown>, first(path), value);
    if (spec.success.array !== undefined && first(spec.success.array) !== '')
      put(body as Record<string, unknown>, first(spec.success.array), []);
    else if (spec.success.array === '') body = [];
    return { status, body };
  }

  /** A key in the manifest's field names (`fields`), for a list or a create answer. */
  private wire(k: StoredKey, call: 'list' | 'create'): Record<string, unknown> {
    const spec = this.manifest.calls[call]!;
    const f = spec.fields;
    const words = spec.values;
    const out: Record<string, unknown> = {};
    put(out, first(f.id), k.id);
    if (f.name) put(out, first(f.name), k.name);
    if (f.masked) put(out, first(f.masked), `${k.prefix}••••${k.last4}`);
    if (f.last4) put(out, first(f.last4), k.last4);
    if (f.prefix) put(out, first(f.prefix), k.prefix);
    if (f.createdAt) put(out, first(f.createdAt), k.createdAt);
    if (f.lastUsedAt) put(out, first(f.lastUsedAt), k.lastUsedAt ?? null);
    if (f.status)
      put(out, first(f.status), (k.status === 'revoked' ? words.revoked?.[0] : words.active?.[0]) ?? k.status);
    if (f.environment) put(out, first(f.environment), words[k.environment]?.[0] ?? k.environment);
    if (f.scope && k.scope) put(out, first(f.scope), k.scope);
    return out;
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, fullPath: string): Promise<boolean> {
    if (this.apiPath && !fullPath.startsWith(`${this.apiPath}/`)) return false;
    const path = fullPath.slice(this.apiPath.length).split('?')[0] ?? '';
    const method = req.method ?? 'GET';
    let route: Route | undefined;
    let params: Record<string, string> = {};
    for (const r of this.routes) {
      const m = r.method === method ? r.pattern.exec(path) : null;
      if (m) {
        route = r;
        params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
        break;
      }
    }
    if (!route) return false;
    const auth = this.authenticate(req);
    if ('problem' in auth) {
      const means = auth.problem === 'missing' ? 'missing' : auth.problem;
      const status = this.error(req, res, means, { status: 401, code: means }, `API key ${auth.problem}`);
      this.calls.push({ method, path: fullPath, status });
      return true;
    }
    const caller = auth.key;
    const log = (status: number) => this.calls.push({ method, path: fullPath, keyId: caller.id, status });
    const param = this.manifest.pathParameters[0];
    if (param && params[param.name] !== caller.orgId) {
      log(this.error(req, res, 'forbidden', { status: 403, code: 'forbidden' }, 'Not your organization'));
      return true;
    }
    const answer = (status: number, body: unknown) => {
      if (status === 204) {
        res.writeHead(204);
        res.end();
      } else this.send(req, res, status, body);
      log(status);
    };
    switch (route.call) {
      case 'verify': {
        const { status, body } = this.success('verify', {});
        const keyId = this.manifest.calls.verify.keyId;
        answer(
          status,
          keyId ? put(body as Record<string, unknown>, first(keyId), this.namesCallerAs ?? caller.id) : body,
        );
        return true;
      }
      case 'list': {
        const spec = this.manifest.calls.list!;
        const keys = this.keysOf(caller.orgId, caller.environment).filter(
          (k) => k.status === 'active' || spec.fields.status !== undefined,
        );
        // Pages of PAGE_SIZE keys in the manifest's own pagination style, so a test reads more than one page.
        const query = new URL(req.url ?? '/', 'http://sandbox').searchParams;
        const p = spec.pagination;
        let from = 0;
        if (p?.style === 'cursor' || p?.style === 'page')
          from =
            p.style === 'cursor'
              ? Number(query.get(p.param) ?? 0)
              : (Number(query.get(p.param) ?? p.start) - p.start) * PAGE_SIZE;
        else if (p?.style === 'after-last-id') from = keys.findIndex((k) => k.id === query.get(p.param)) + 1;
        else if (p?.style === 'next-url') from = Number(query.get('__from') ?? 0);
        const page = p ? keys.slice(from, from + PAGE_SIZE) : keys;
        const more = p !== undefined && from + PAGE_SIZE < keys.length;
        const items = page.map((k) => this.wire(k, 'list'));
        const { status, body } = this.success('list', {});
        const answerBody = (
          first(spec.items) === '' ? items : put(body as Record<string, unknown>, first(spec.items), items)
        ) as Record<string, unknown>;
        if (p?.style === 'cursor') put(answerBody, first(p.next), more ? String(from + PAGE_SIZE) : null);
        if ((p?.style === 'after-last-id' || p?.style === 'page') && p.hasMore) put(answerBody, first(p.hasMore), more);
        if (p?.style === 'next-url')
          put(answerBody, first(p.next), more ? `${this.apiPath}${path}?__from=${from + PAGE_SIZE}` : null);
        answer(status, answerBody);
        return true;
      }
      case 'create': {
        const spec = this.manifest.calls.create!;
        const sent = (spec.bodyEncoding === 'form' ? await readForm(req) : ((await readJson(req)) ?? {})) as Record<
          string,
          unknown
        >;
        // The name is wherever the manifest's body template puts `{name}` (and the scope `{scope}`).
        const find = (template: unknown, body: unknown, what: string): string | undefined => {
          if (template === `{${what}}`) return typeof body === 'string' ? body : undefined;
          if (typeof template === 'object' && template !== null && typeof body === 'object' && body !== null)
            for (const [k, v] of Object.entries(template)) {
              const found = find(v, (body as Record<string, unknown>)[k], what);
              if (found !== undefined) return found;
            }
          return undefined;
        };
        const name = find(spec.body, sent, 'name') ?? 'unnamed';
        const scope = find(spec.body, sent, 'scope');
        const { key, secret } = this.mint(caller.orgId, name.slice(0, 200), caller.environment, scope ? { scope } : {});
        const { status, body } = this.success('create', {});
        const withKey = put(body as Record<string, unknown>, first(spec.key), {
          ...(first(spec.key) === '' ? (body as Record<string, unknown>) : {}),
          ...this.wire(key, 'create'),
        }) as Record<string, unknown>;
        answer(status, put(withKey, first(spec.secret), secret));
        return true;
      }
      case 'revoke': {
        const key = this.keys.byId.get(params.key_id ?? '');
        if (!key || key.orgId !== caller.orgId || key.environment !== caller.environment || key.status === 'revoked') {
          log(this.error(req, res, 'not-found', { status: 404, code: 'not_found' }, 'No such key'));
          return true;
        }
        this.revoke(key);
        const { status, body } = this.success('revoke', {});
        answer(status, body);
        return true;
      }
    }
  }
}
