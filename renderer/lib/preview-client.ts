import type { Invoke } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';

const TOKEN_KEY = 'keydeck.previewToken';

/**
 * The preview host's token arrives in the URL fragment (never sent to a server). Keep it for this
 * tab's session so a reload still works, and take it out of the address bar at once.
 */
export function takePreviewToken(): string | undefined {
  const match = /(?:^#|&)token=([0-9a-f]{64})(?:&|$)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/**
 * The contract over the preview host's WebSocket: one request id per call, answers matched by id,
 * reconnecting on demand. Pending calls fail with NETWORK_ERROR if the socket closes.
 */
export function previewInvoke(token: string): Invoke {
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN && opened) return opened;
    opened = new Promise((resolve, reject) => {
      const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/rpc`;
      const ws = new WebSocket(url, ['keydeck.v1', `keydeck-token.${token}`]);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('preview host unreachable'));
      ws.onclose = () => {
        socket = undefined;
        opened = undefined;
        for (const [id, settle] of pending) {
          pending.delete(id);
          settle({
            ok: false,
            error: { code: 'NETWORK_ERROR', message: 'Lost the connection to Keydeck. Reload the page.' },
          });
        }
      };
      ws.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as { id: number; result: Result<unknown> };
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      };
      socket = ws;
    });
    return opened;
  };

  // Open the socket now, while the page renders, so the first calls do not wait for the handshake.
  connect().catch(() => undefined);

  return async (channel, input) => {
    let ws: WebSocket;
    try {
      ws = await connect();
    } catch {
      return {
        ok: false,
        error: {
          code: 'NETWORK_ERROR',
          message: 'Cannot reach the Keydeck preview host. Is `npm run preview` still running?',
        },
      };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, input }));
    });
  };
}
