import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Result } from '../../shared/errors.js';
import { CONTENT_SECURITY_POLICY } from '../security.js';

/**
 * The preview host: the built renderer served on 127.0.0.1, with the same contract carried over a
 * WebSocket into the same core. For development and tests only, where Electron cannot run; it is
 * never packaged (electron-builder.yml ships out/main, out/preload and out/renderer only).
 *
 * Guards: a random 256-bit token (sent as a WebSocket subprotocol, never in a URL the server
 * logs), an exact Origin check, an exact Host check (against DNS rebinding), loopback only.
 */
export interface PreviewHostOptions {
  core: { call(channel: unknown, input: unknown): Promise<Result<unknown>> };
  rendererDir: string;
  port?: number;
  /** Fixed token for tests; random by default. */
  token?: string;
  /**
   * Told of a connection that failed (a malformed frame, a reset mid-handshake); that connection is
   * closed and the host keeps serving. Default: one line on stderr.
   */
  onConnectionError?: (error: Error) => void;
}

export interface PreviewHost {
  /** Open this in a browser: the token travels in the fragment, which browsers never send to a server. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const TOKEN_PROTOCOL_PREFIX = 'keydeck-token.';
export const RPC_PROTOCOL = 'keydeck.v1';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when a WebSocket upgrade carries the right Origin, Host and token. Pure, for the fuzz tests. */
export function isAllowedUpgrade(req: Pick<IncomingMessage, 'headers'>, origin: string, token: string): boolean {
  const host = new URL(origin).host;
  if (req.headers.origin !== origin || req.headers.host !== host) return false;
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const offered = protocols.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return (
    protocols.includes(RPC_PROTOCOL) &&
    offered !== undefined &&
    safeEqual(offered.slice(TOKEN_PROTOCOL_PREFIX.length), token)
  );
}

export async function startPreviewHost(options: PreviewHostOptions): Promise<PreviewHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const root = normalize(options.rendererDir);
  let origin = '';
  // Only the error's message: a frame error names the fault (e.g. "MASK must be set"), never the payload.
  const connectionError =
    options.onConnectionError ??
    ((error: Error) => console.warn(`Keydeck preview: a connection failed and was closed: ${error.message}`));

  const server: Server = createServer((req, res) => {
    const headers = {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // No Cross-Origin-Opener-Policy here (the app's app:// handler sends one): on a loopback page
      // opened from a terminal it guards no opener, and it made Chromium swap browsing-context groups
      // (a new renderer process) on every load, 70-100 ms before the script could start (measured).
      // The session rests on the token, the Origin and Host checks and the CSP.
      'cache-control': 'no-store',
    };
    if (req.headers.host !== new URL(origin).host || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(403, headers).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403, headers).end();
      return;
    }
    readFile(file)
      .then((body) => {
        res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(req.method === 'HEAD' ? undefined : body);
      })
      .catch(() => res.writeHead(404, headers).end());
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has(RPC_PROTOCOL) ? RPC_PROTOCOL : false),
  });
  // Without these, one bad client (a malformed frame, a reset socket) would be an uncaught 'error' and end the host.
  wss.on('error', connectionError);
  server.on('upgrade', (req, socket, head) => {
    // Until the upgrade completes (or is refused); then the WebSocket's own handler below takes over.
    const onSocketError = (error: Error) => {
      connectionError(error);
      socket.destroy();
    };
    socket.on('error', onSocketError);
    let path = '';
    try {
      path = new URL(req.url ?? '/', origin).pathname;
    } catch {
      // refused below
    }
    if (path !== '/rpc' || !isAllowedUpgrade(req, origin, token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.removeListener('error', onSocketError);
      serve(ws, socket);
    });
  });

  function serve(ws: WebSocket, socket: Duplex): void {
    // Answers that settle in the same turn of the event loop leave in one write (a Refresh all
    // settles many at once): the socket is corked at the first and uncorked once the turn is over.
    let corked = false;
    const answer = (text: string) => {
      if (!corked && !socket.destroyed) {
        corked = true;
        socket.cork();
        setImmediate(() => {
          corked = false;
          socket.uncork();
        });
      }
      ws.send(text);
    };
    ws.on('error', (error) => {
      connectionError(error);
      ws.terminate();
    });
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let id: unknown = null;
        let result: Result<unknown>;
        try {
          if (isBinary) throw new Error('binary');
          const message = JSON.parse(data.toString()) as { id?: unknown; channel?: unknown; input?: unknown };
          if (typeof message !== 'object' || message === null) throw new Error('not an object');
          id = typeof message.id === 'number' ? message.id : null;
          result = await options.core.call(message.channel, message.input);
        } catch {
          result = { ok: false, error: { code: 'VALIDATION_FAILED', message: 'Malformed message.' } };
        }
        if (ws.readyState === ws.OPEN) answer(JSON.stringify({ id, result }));
      })();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
