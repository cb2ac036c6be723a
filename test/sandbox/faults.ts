import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a test can tell a provider's API to do instead of (or before) answering normally. */
export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number }
  | { kind: 'html'; status: number }
  | { kind: 'rate-limit'; retryAfter: string }
  | { kind: 'reset' }
  | { kind: 'malformed-json' }
  | { kind: 'trickle'; intervalMs: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'huge-body'; bytes: number }
  /** Any status with any JSON body (e.g. a 200 with `{}`). */
  | { kind: 'json'; status: number; body: string }
  /** The provider does the work (creates the key), then the connection drops before the answer. */
  | { kind: 'drop-response' };

/** A queue of faults for one provider server: each applies to the next `times` API requests. */
export class FaultInjector {
  private readonly queue: { fault: Fault; times: number }[] = [];
  injected = 0;

  add(fault: Fault, times = Number.POSITIVE_INFINITY): void {
    this.queue.push({ fault, times });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /**
   * Applies the next fault, if any. Returns true when the response is handled (the real handler
   * must not run); latency returns false after waiting, so the real answer follows late.
   */
  async apply(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const entry = this.queue[0];
    if (!entry) return false;
    entry.times -= 1;
    if (entry.times <= 0) this.queue.shift();
    this.injected += 1;
    const f = entry.fault;
    switch (f.kind) {
      case 'latency':
        await new Promise((r) => setTimeout(r, f.ms));
        return false;
      case 'status':
        res
          .writeHead(f.status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal server error' } }));
        return true;
      case 'html':
        res
          .writeHead(f.status, { 'content-type': 'text/html; charset=utf-8' })
          .end(`<html><body><h1>${f.status} Bad Gateway</h1><p>nginx</p></body></html>`);
        return true;
      case 'rate-limit':
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': f.retryAfter })
          .end(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many requests' } }));
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [{"id": "key_1", "name": ');
        return true;
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), f.intervalMs);
        res.on('close', () => clearInterval(timer));
        return true;
      }
      case 'redirect':
        res.writeHead(307, { location: f.location }).end();
        return true;
      case 'drop-response': {
        const drop = () => {
          req.socket.destroy();
          return res;
        };
        res.writeHead = drop as typeof res.writeHead;
        res.end = drop as typeof res.end;
        return false;
      }
      case 'json':
        res.writeHead(f.status, { 'content-type': 'application/json' }).end(f.body);
        return true;
      case 'huge-body':
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":"${'x'.repeat(f.bytes)}"}`);
        return true;
    }
  }
}
