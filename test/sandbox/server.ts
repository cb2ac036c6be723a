import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import type { ProviderSandbox, ProviderState } from './base.js';
import { Dashboard } from './dashboard.js';
import { FaultInjector, type Fault } from './faults.js';
import { json, readJson } from './http-util.js';
import { LaghavSandbox } from './laghav.js';
import { LeadeySandbox } from './leadey.js';
import { LegbaSandbox } from './legba.js';
import { LogTalkSandbox } from './logtalk.js';
import { parseModeRequest, type ModeRequest } from './modes.js';
import { SkApiSandbox } from './skapi.js';
import { ManifestSandbox } from './manifest.js';

export interface SandboxOptions {
  clock?: () => Date;
  /** Fixed ports per provider (default 0: any free port). */
  ports?: Partial<Record<ProviderId, number>>;
  /** Organizations and hashed keys saved by `exportState()` (the demo's `--keep`), restored before serving. */
  state?: SandboxState;
  /** Called synchronously after every change to organizations or keys, before any answer about it is sent. */
  onChange?: () => void;
}

/** What `exportState()` returns: per provider, organizations and hashed keys (never a secret). */
export interface SandboxState {
  version: 1;
  providers: Partial<Record<ProviderId, ProviderState>>;
}

/** One provider's server: its API at its documented paths, its dashboard, its fault queue. */
export interface ProviderServer {
  /** The server's origin. */
  origin: string;
  /** The base URL Keydeck uses for this provider's API (origin + the provider's version path). */
  apiBaseUrl: string;
  dashboardUrl: string;
  faults: FaultInjector;
}

export interface Sandbox {
  /** Each provider has its own server, as each has its own host, so documented paths stay exact. */
  urls: Record<ProviderId, string>;
  dashboards: Record<ProviderId, string>;
  servers: Record<ProviderId, ProviderServer>;
  legba: LegbaSandbox;
  laghav: LaghavSandbox;
  leadey: LeadeySandbox;
  logtalk: LogTalkSandbox;
  skapi: SkApiSandbox;
  /** Tells one provider's API to misbehave for its next `times` requests (default: until cleared). */
  fault(provider: ProviderId, fault: Fault, times?: number): void;
  /** Switches one provider's misbehaviour (modes.ts): the typed twin of `POST /__sandbox/mode`. */
  mode(provider: ProviderId, mode: ModeRequest): void;
  /** Organizations and hashed keys of every provider, to restore with `startSandbox({ state })`. */
  exportState(): SandboxState;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Test control, for a test that drives a child process and must act as the person at the
 * provider's dashboard: `POST /__sandbox/mint {orgId,name,environment}` → `{id, secret}`;
 * `POST /__sandbox/revoke {secret}`. Misbehaviour and the provider's truth (modes.ts):
 * `POST /__sandbox/mode <ModeRequest>` → `{ok, modes}`; `POST /__sandbox/keys {orgId?}` (or
 * `GET /__sandbox/keys?orgId=`) → `{keys: TruthKey[], hostile: HostileKeyRecord[]}`;
 * `POST /__sandbox/accepts {secret}` → `{accepted, id, status}`. Loopback callers only; never
 * part of any provider's API.
 */
async function control(
  sandbox: ProviderSandbox,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (!path.startsWith('/__sandbox/')) return false;
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return (json(res, 403, { error: 'loopback only' }), true);
  if (path === '/__sandbox/keys' && req.method === 'GET') {
    const orgId = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('orgId') ?? undefined;
    json(res, 200, { keys: sandbox.truth(orgId), hostile: sandbox.hostileKeys });
    return true;
  }
  if (req.method !== 'POST') return false;
  const raw = await readJson(req);
  if (path === '/__sandbox/mode') {
    const mode = parseModeRequest(raw);
    if (!mode) return (json(res, 400, { error: 'bad mode request' }), true);
    try {
      sandbox.setMode(mode);
    } catch (e) {
      return (json(res, 400, { error: (e as Error).message }), true);
    }
    json(res, 200, { ok: true, modes: { ...sandbox.modes, backgroundUse: [...sandbox.modes.backgroundUse] } });
    return true;
  }
  const body = (raw ?? {}) as { orgId?: string; name?: string; environment?: 'live' | 'test'; secret?: string };
  if (path === '/__sandbox/keys') {
    json(res, 200, {
      keys: sandbox.truth(typeof body.orgId === 'string' ? body.orgId : undefined),
      hostile: sandbox.hostileKeys,
    });
    return true;
  }
  if (path === '/__sandbox/accepts' && typeof body.secret === 'string') {
    const key = sandbox.identify(body.secret);
    json(res, 200, { accepted: sandbox.accepts(body.secret), id: key?.id ?? null, status: key?.status ?? null });
    return true;
  }
  if (path === '/__sandbox/mint' && body.orgId && sandbox.orgs.has(body.orgId)) {
    const { key, secret } = sandbox.mint(
      body.orgId,
      body.name ?? 'minted',
      body.environment === 'test' ? 'test' : 'live',
    );
    json(res, 200, { id: key.id, secret });
    return true;
  }
  const key = body.secret ? sandbox.keys.lookup(body.secret) : undefined;
  if (path === '/__sandbox/revoke' && key) {
    sandbox.revoke(key);
    json(res, 200, { id: key.id, status: key.status });
    return true;
  }
  json(res, 400, { error: 'bad control request' });
  return true;
}

async function serve(sandbox: ProviderSandbox, port: number) {
  const dashboard = new Dashboard(sandbox);
  const faults = new FaultInjector();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    void (async () => {
      if (await control(sandbox, req, res, path)) return;
      if (await dashboard.handle(req, res, path)) return;
      if (await faults.apply(req, res)) return;
      if (sandbox.applyEchoFailure(req, res, path)) return;
      if (!(await sandbox.handleApi(req, res, path)))
        json(res, 404, { error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}` } });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'sandbox error' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entry: ProviderServer = {
    origin,
    apiBaseUrl: `${origin}${sandbox.spec.apiPath}`,
    dashboardUrl: `${origin}/dashboard`,
    faults,
  };
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { entry, close };
}

/**
 * The provider sandbox: one real HTTP server per provider on 127.0.0.1, each behaving as its docs
 * say, with a dashboard where the docs put operations there. Port 0 (the default) picks free
 * ports, so every test gets its own.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const providers = {
    legba: new LegbaSandbox(options.clock),
    laghav: new LaghavSandbox(options.clock),
    leadey: new LeadeySandbox(options.clock),
    logtalk: new LogTalkSandbox(options.clock),
    skapi: new SkApiSandbox(options.clock),
  } satisfies Record<ProviderId, ProviderSandbox>;
  const ids = Object.keys(providers) as ProviderId[];
  for (const id of ids) {
    const saved = options.state?.providers[id];
    if (saved) providers[id].importState(saved);
    providers[id].onChange = options.onChange;
  }
  const attempts = await Promise.allSettled(ids.map((id) => serve(providers[id], options.ports?.[id] ?? 0)));
  const failed = attempts.find((a) => a.status === 'rejected');
  if (failed) {
    // A fixed port in use: close the servers that did start, then say why.
    await Promise.all(attempts.map((a) => (a.status === 'fulfilled' ? a.value.close() : undefined)));
    throw (failed as PromiseRejectedResult).reason;
  }
  const started = attempts.map((a) => (a as PromiseFulfilledResult<Awaited<ReturnType<typeof serve>>>).value);
  const servers = Object.fromEntries(ids.map((id, i) => [id, started[i]?.entry])) as Record<ProviderId, ProviderServer>;
  return {
    ...providers,
    servers,
    urls: Object.fromEntries(ids.map((id) => [id, servers[id].apiBaseUrl])) as Record<ProviderId, string>,
    dashboards: Object.fromEntries(ids.map((id) => [id, servers[id].dashboardUrl])) as Record<ProviderId, string>,
    fault: (provider, fault, times) => servers[provider].faults.add(fault, times),
    mode: (provider, mode) => providers[provider].setMode(mode),
    exportState: () => ({
      version: 1,
      providers: Object.fromEntries(ids.map((id) => [id, providers[id].exportState()])),
    }),
    close: async () => {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}

/** One provider served from nothing but its manifest (manifest.ts), on its own loopback server. */
export interface ManifestProviderServer extends ProviderServer {
  sandbox: ManifestSandbox;
  close(): Promise<void>;
}

/** Starts a provider from a manifest, as a person would add it to Keydeck: the sixth provider of the tests. */
export async function startManifestSandbox(
  manifest: unknown,
  options: { port?: number; clock?: () => Date } = {},
): Promise<ManifestProviderServer> {
  const sandbox = new ManifestSandbox(manifest, options.clock);
  const { entry, close } = await serve(sandbox, options.port ?? 0);
  return { ...entry, sandbox, close };
}
