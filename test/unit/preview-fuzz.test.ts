import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  isAllowedUpgrade,
  RPC_PROTOCOL,
  startPreviewHost,
  TOKEN_PROTOCOL_PREFIX,
} from '../../electron/preview/host.js';
import { recordFigure } from '../support/figures.js';

const RUNS = Number(process.env.KEYDECK_FUZZ_RUNS ?? 10_000);

describe('preview host: fuzzing the upgrade guard', () => {
  const origin = 'http://127.0.0.1:4321';
  const token = 'f'.repeat(64);
  const good = {
    origin,
    host: '127.0.0.1:4321',
    'sec-websocket-protocol': `${RPC_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${token}`,
  };
  // Near misses of each header (one character changed, case, padding, duplicates) and plain garbage.
  const mutate = (value: string) =>
    fc.oneof(
      fc.string(),
      fc.constant(''),
      fc.constant(value.toUpperCase()),
      fc.constant(`${value} `),
      fc.constant(`${value},${value}`),
      fc.nat({ max: Math.max(0, value.length - 1) }).chain((i) =>
        fc
          .string({ minLength: 1, maxLength: 1 })
          .filter((c) => c !== value[i])
          .map((c) => value.slice(0, i) + c + value.slice(i + 1)),
      ),
    );

  it(`accepts only the exact origin, host and token (${RUNS.toLocaleString()} hostile handshakes)`, () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc
          .record(
            {
              origin: fc.option(mutate(good.origin), { nil: undefined }),
              host: fc.option(mutate(good.host), { nil: undefined }),
              proto: fc.option(mutate(good['sec-websocket-protocol']), { nil: undefined }),
            },
            { requiredKeys: [] },
          )
          .filter((m) => Object.keys(m).length > 0),
        (m) => {
          const headers: Record<string, string | undefined> = { ...good };
          if ('origin' in m) headers.origin = m.origin;
          if ('host' in m) headers.host = m.host;
          if ('proto' in m) headers['sec-websocket-protocol'] = m.proto;
          const exact =
            headers.origin === good.origin &&
            headers.host === good.host &&
            (headers['sec-websocket-protocol'] ?? '')
              .split(',')
              .map((p) => p.trim())
              .includes(`${TOKEN_PROTOCOL_PREFIX}${token}`) &&
            (headers['sec-websocket-protocol'] ?? '')
              .split(',')
              .map((p) => p.trim())
              .includes(RPC_PROTOCOL);
          const allowed = isAllowedUpgrade({ headers }, origin, token);
          expect(allowed).toBe(exact);
          if (!allowed) refused++;
        },
      ),
      { numRuns: RUNS },
    );
    recordFigure('fuzz-preview', 'upgrade-guard', { payloads: RUNS, refused });
  }, 120_000);

  it('refuses real WebSocket connections with a wrong token or Origin, and never reaches the core', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-preview-fuzz-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    let calls = 0;
    const host = await startPreviewHost({
      core: {
        call: async () => {
          calls++;
          return { ok: true, value: null };
        },
      },
      rendererDir: dir,
    });
    const attempt = (protocols: string[], originHeader: string) =>
      new Promise<'open' | 'refused'>((resolve) => {
        const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/rpc`, protocols, { origin: originHeader });
        ws.on('open', () => {
          ws.send(JSON.stringify({ id: 1, channel: 'orgs.list', input: {} }));
          setTimeout(() => {
            ws.close();
            resolve('open');
          }, 50);
        });
        ws.on('error', () => resolve('refused'));
      });
    try {
      const samples = fc.sample(
        fc
          .record({
            token: fc.oneof(
              fc.string({ maxLength: 80 }).filter((t) => t !== host.token && /^[A-Za-z0-9!#$%&'*+.^_`|~-]*$/.test(t)),
              fc.constant(host.token),
            ),
            origin: fc.oneof(
              fc.constant(host.origin),
              fc.constantFrom(
                'http://evil.example',
                'null',
                'http://localhost',
                host.origin.replace('127.0.0.1', 'localhost'),
                `${host.origin}.evil.example`,
              ),
            ),
          })
          .filter((s) => s.token !== host.token || s.origin !== host.origin),
        { numRuns: 200, seed: 42 },
      );
      let refused = 0;
      for (const s of samples)
        if ((await attempt([RPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${s.token}`], s.origin)) === 'refused') refused++;
      expect(refused).toBe(samples.length);
      expect(calls).toBe(0);
      // The right token and Origin still work afterwards.
      expect(await attempt([RPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${host.token}`], host.origin)).toBe('open');
      recordFigure('fuzz-preview', 'live-connections', { payloads: samples.length, refused });
    } finally {
      await host.close();
    }
  }, 120_000);
});
