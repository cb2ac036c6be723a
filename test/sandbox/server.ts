import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '../../shared/domain.js';
import { json } from './http-util.js';
import { LaghavSandbox } from './laghav.js';

export interface SandboxOptions {
  clock?: () => Date;
  /** Fixed ports per provider (default 0: any free port). */
  ports?: Partial<Record<ProviderId, number>>;
}

export interface Sandbox {
  /** Each provider has its own server, as each has its own host, so documented paths stay exact. */
  urls: Record<ProviderId, string>;
  laghav: LaghavSandbox;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

async function serve(handler: Handler, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    handler(req, res, path)
      .then((handled) => {
        if (!handled) json(res, 404, { error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}` } });
      })
      .catch(() => {
        if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'sandbox error' } });
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The provider sandbox: real HTTP servers on 127.0.0.1 that behave as the providers' docs say.
 * Port 0 (the default) picks free ports, so every test gets its own.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const laghav = new LaghavSandbox(options.clock);
  const laghavServer = await serve((req, res, path) => laghav.handle(req, res, path), options.ports?.laghav ?? 0);
  return {
    urls: { laghav: laghavServer.url },
    laghav,
    close: async () => {
      await laghavServer.close();
    },
  };
}
