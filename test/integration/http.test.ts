import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, parseRetryAfter } from '../../electron/core/http/client.js';
import { laghav } from '../../electron/core/providers/laghav.js';
import { failure } from './helpers/fail.js';
import { recordFigure } from '../support/figures.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';

const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(handler: Parameters<typeof startFaultServer>[0]) {
  const s = await startFaultServer(handler);
  servers.push(s);
  return s;
}
const noSleep = { sleep: async () => undefined };

describe('HttpClient', () => {
  it('gives up at its total deadline when the server never answers', async () => {
    const s = await server(() => undefined);
    const client = new HttpClient({ deadlineMs: 300 });
    const started = Date.now();
    const f = await failure(client.send({ method: 'GET', url: `${s.url}/x` }));
    expect(f.error.code).toBe('NETWORK_TIMEOUT');
    // Bounded by its deadline (with room for a loaded machine), not undici's 300 s default.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up when the body trickles in past the deadline', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(t));
    });
    const f = await failure(new HttpClient({ deadlineMs: 300 }).send({ method: 'GET', url: s.url }));
    expect(f.error.code).toBe('NETWORK_TIMEOUT');
  });

  it('refuses a redirect, so the Authorization header never reaches the other host', async () => {
    const other = await server((_req, res) => res.end('{}'));
    const s = await server((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    const f = await failure(
      new HttpClient().send({ method: 'GET', url: s.url, headers: { authorization: 'Bearer lgh_live_abcdefghijkl' } }),
    );
    expect(f.error.code).toBe('REDIRECT_REFUSED');
    expect(f.error.provider?.status).toBe(302);
    expect(other.requests).toHaveLength(0);
    recordFigure('redirects', 'get-302', { refused: 1, leaked: other.requests.length });
  });

  it('stops reading a body over 1 MB', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`"${'x'.repeat(2_000_000)}"`);
    });
    const f = await failure(new HttpClient().send({ method: 'GET', url: s.url }));
    expect(f.error.code).toBe('PROVIDER_BAD_RESPONSE');
  });

  it('retries a GET on 503 with backoff, then succeeds', async () => {
    const s = await server((_req, res, n) => {
      res.writeHead(n < 3 ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const delays: number[] = [];
    const client = new HttpClient({ sleep: async (ms) => void delays.push(ms) });
    const res = await client.send({ method: 'GET', url: s.url });
    expect(res.status).toBe(200);
    expect(s.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThan(delays[0] ?? 0);
  });

  it('never retries a POST, which may have created a key', async () => {
    const s = await server((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const res = await new HttpClient(noSleep).send({ method: 'POST', url: s.url, json: { name: 'x' } });
    expect(res.status).toBe(503);
    expect(s.requests).toHaveLength(1);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const s = await server((_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '2' });
      else if (n === 2) res.writeHead(429, { 'retry-after': new Date(Date.now() + 3000).toUTCString() });
      else res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const delays: number[] = [];
    const res = await new HttpClient({ maxAttempts: 3, sleep: async (ms) => void delays.push(ms) }).send({
      method: 'GET',
      url: s.url,
    });
    expect(res.status).toBe(200);
    expect(delays[0]).toBe(2000);
    expect(delays[1]).toBeGreaterThanOrEqual(2000);
    expect(delays[1]).toBeLessThanOrEqual(4000);
  });

  it('returns a 429 at once when Retry-After is longer than it will wait', async () => {
    const s = await server((_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
    });
    const res = await new HttpClient(noSleep).send({ method: 'GET', url: s.url });
    expect(res.status).toBe(429);
    expect(s.requests).toHaveLength(1);
  });

  it('retries a GET on a connection reset, and reports NETWORK_ERROR when it persists', async () => {
    const s = await server((req) => req.socket.destroy());
    const f = await failure(new HttpClient(noSleep).send({ method: 'GET', url: s.url }));
    expect(f.error.code).toBe('NETWORK_ERROR');
    expect(s.requests).toHaveLength(3);
  });

  it('reports a refused connection as NETWORK_ERROR', async () => {
    const s = await server(() => undefined);
    const url = s.url;
    await s.close();
    servers.length = 0;
    const f = await failure(new HttpClient(noSleep).send({ method: 'GET', url }));
    expect(f.error.code).toBe('NETWORK_ERROR');
    expect(f.error.message).toContain('ECONNREFUSED');
  });

  it('refuses plain http to anything but loopback, before connecting', async () => {
    const f = await failure(new HttpClient().send({ method: 'GET', url: 'http://api.laghav.ai/api/keys' }));
    expect(f.error.code).toBe('INSECURE_URL');
  });

  it('refuses a self-signed certificate with TLS_ERROR and never retries around it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    let hits = 0;
    const tls = createServer(
      { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      (_req, res) => {
        hits++;
        res.end('{}');
      },
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const { port } = tls.address() as AddressInfo;
    try {
      const f = await failure(new HttpClient(noSleep).send({ method: 'GET', url: `https://localhost:${port}/` }));
      expect(f.error.code).toBe('TLS_ERROR');
      expect(hits).toBe(0);
      recordFigure('tls', 'self-signed', { refused: 1 });
    } finally {
      tls.close();
    }
  });

  /**
   * A local CA the test trusts (only this test's client, through its own dispatcher), so that the
   * failure under test is the certificate's date or name, not an unknown issuer.
   */
  describe('with a trusted local CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-ca-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=Keydeck Test CA',
      '-days',
      '2',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    );
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=leaf', '-keyout', 'leaf.key', '-out', 'leaf.csr');
    const leaf = (name: string, host: string, days: string) => {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${host}\n`);
      ssl(
        'x509',
        '-req',
        '-in',
        'leaf.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        days,
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
      return readFileSync(join(dir, `${name}.pem`));
    };
    const certs = {
      good: leaf('good', 'localhost', '2'),
      expired: leaf('expired', 'localhost', '-1'),
      wrongHost: leaf('wrong', 'api.other.example', '2'),
    };
    const trusting = () =>
      new HttpClient({
        ...noSleep,
        dispatcher: new Agent({ connect: { ca: readFileSync(join(dir, 'ca.pem')), rejectUnauthorized: true } }),
      });
    async function serve(cert: Buffer) {
      const seen: (string | undefined)[] = [];
      const tls = createServer({ key: readFileSync(join(dir, 'leaf.key')), cert }, (req, res) => {
        seen.push(req.headers.authorization);
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
      return { url: `https://localhost:${(tls.address() as AddressInfo).port}/`, seen, close: () => tls.close() };
    }

    it('accepts a valid certificate for the host (the control: the CA is trusted)', async () => {
      const s = await serve(certs.good);
      try {
        expect((await trusting().send({ method: 'GET', url: s.url })).status).toBe(200);
      } finally {
        s.close();
      }
    });

    it.each([
      ['an expired certificate', 'expired', 'CERT_HAS_EXPIRED'],
      ['a certificate for another host', 'wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ] as const)('refuses %s with TLS_ERROR, sends no key and never retries', async (_name, which, code) => {
      const s = await serve(certs[which]);
      try {
        const f = await failure(
          trusting().send({ method: 'GET', url: s.url, headers: { authorization: 'Bearer lgh_live_abcdefghijkl' } }),
        );
        expect(f.error.code).toBe('TLS_ERROR');
        expect(f.error.message).toContain(code);
        expect(s.seen).toHaveLength(0);
        recordFigure('tls', which, { refused: 1 });
      } finally {
        s.close();
      }
    });
  });

  it('refuses a cross-origin redirect of a POST and a DELETE too: the other origin receives nothing', async () => {
    const other = await server((_req, res) => res.end('{}'));
    for (const status of [301, 302, 303, 307, 308]) {
      const s = await server((_req, res) => {
        res.writeHead(status, { location: `${other.url}/steal` });
        res.end();
      });
      for (const method of ['POST', 'DELETE'] as const) {
        const f = await failure(
          new HttpClient(noSleep).send({
            method,
            url: s.url,
            headers: { authorization: 'Bearer lgh_live_abcdefghijkl' },
            json: method === 'POST' ? { name: 'x' } : undefined,
          }),
        );
        expect(f.error.code).toBe('REDIRECT_REFUSED');
      }
    }
    expect(other.requests).toHaveLength(0);
    recordFigure('redirects', 'cross-origin', { refused: 10, leaked: other.requests.length });
  });

  it('parseRetryAfter reads seconds, dates, and ignores junk', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('Laghav adapter against hostile answers', () => {
  const ctx = (url: string) => ({ http: new HttpClient(noSleep), baseUrl: url, secret: 'lgh_live_abcdefghijklmnop' });

  it.each([
    ['an HTML 200', 200, 'text/html', '<html>login</html>', 'PROVIDER_BAD_RESPONSE'],
    ['an empty object', 200, 'application/json', '{}', 'PROVIDER_BAD_RESPONSE'],
    ['invalid JSON', 200, 'application/json', '{"data": [', 'PROVIDER_BAD_RESPONSE'],
    ['a 502 HTML page', 502, 'text/html', '<h1>Bad Gateway</h1>', 'PROVIDER_ERROR'],
    ['a 403', 403, 'application/json', '{"error":{"code":"FORBIDDEN","message":"no"}}', 'PROVIDER_FORBIDDEN'],
    ['a 401 without a body', 401, '', '', 'KEY_INVALID'],
  ])('verify refuses %s', async (_name, status, type, body, code) => {
    const s = await server((_req, res) => {
      res.writeHead(status, type ? { 'content-type': type } : {});
      res.end(body);
    });
    const f = await failure(laghav.verify(ctx(s.url)));
    expect(f.error.code).toBe(code);
    expect(f.error.provider?.status).toBe(status);
  });

  it('keeps the provider content type on a wrong-type answer', async () => {
    const s = await server((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<h1>Bad Gateway</h1>');
    });
    const f = await failure(laghav.list?.(ctx(s.url)));
    expect(f.error.provider?.contentType).toBe('text/html; charset=utf-8');
    expect(f.error.message).toContain('text/html');
  });

  it('bounds an oversized provider list and oversized names', async () => {
    const keys = Array.from({ length: 6000 }, (_, i) => ({
      id: `key_${i}`,
      name: i === 0 ? 'n'.repeat(9000) : `k${i}`,
      prefix: 'lgh_live_',
      last4: 'abcd',
      status: 'active',
    }));
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: keys }));
    });
    const listed = (await laghav.list?.(ctx(s.url))) ?? [];
    expect(listed.length).toBe(5000);
    expect(listed[0]?.name.length).toBe(200);
  });
});
