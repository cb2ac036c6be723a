import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from './http-util.js';
import { LaghavSandbox } from './laghav.js';

export interface SandboxOptions {
  port?: number;
  clock?: () => Date;
}

export interface Sandbox {
  url: string;
  laghav: LaghavSandbox;
  close(): Promise<void>;
}

/**
 * The provider sandbox: a real HTTP server on 127.0.0.1 that behaves as the providers' docs say.
 * Port 0 (the default) picks a free port, so every test gets its own.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const laghav = new LaghavSandbox(options.clock);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    laghav
      .handle(req, res, path)
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
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    laghav,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
