import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from '../support/figures.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import { HttpClient } from '../../electron/core/http/client.js';
import { adapterFor } from '../../electron/core/providers/index.js';
import type { Fault } from '../sandbox/faults.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { failure } from './helpers/fail.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { PROVIDERS } from '../support/providers.js';

const DEADLINE = 400;
let sandbox: Sandbox;
let elsewhere: FaultServer;
const admins = {} as Record<ProviderId, { secret: string; orgId: string }>;

beforeAll(async () => {
  sandbox = await startSandbox();
  elsewhere = await startFaultServer((_req, res) => res.end('{}'));
  for (const p of PROVIDERS) {
    const { org, admin } = sandbox[p].seedOrg('Faulty');
    admins[p] = { secret: admin.live, orgId: org.id };
  }
});
afterAll(async () => {
  await sandbox.close();
  await elsewhere.close();
});

const faults: [string, () => Fault, ErrorCode, number?][] = [
  ['latency past the deadline', () => ({ kind: 'latency', ms: DEADLINE * 3 }), 'NETWORK_TIMEOUT'],
  ['a 500', () => ({ kind: 'status', status: 500 }), 'PROVIDER_ERROR', 500],
  ['a 502 HTML page', () => ({ kind: 'html', status: 502 }), 'PROVIDER_ERROR', 502],
  ['429 with Retry-After', () => ({ kind: 'rate-limit', retryAfter: '3600' }), 'PROVIDER_RATE_LIMITED', 429],
  ['a connection reset', () => ({ kind: 'reset' }), 'NETWORK_ERROR'],
  ['malformed JSON', () => ({ kind: 'malformed-json' }), 'PROVIDER_BAD_RESPONSE', 200],
  ['a trickled body', () => ({ kind: 'trickle', intervalMs: 50 }), 'NETWORK_TIMEOUT'],
  [
    'a redirect to another port',
    () => ({ kind: 'redirect', location: `${elsewhere.url}/steal` }),
    'REDIRECT_REFUSED',
    307,
  ],
  ['a 2 MB body', () => ({ kind: 'huge-body', bytes: 2_000_000 }), 'PROVIDER_BAD_RESPONSE', 200],
];
const cases = PROVIDERS.flatMap((p) =>
  faults.map(([name, make, code, status]) => [p, name, make, code, status] as const),
);

describe('fault suite: every fault × every provider ends in the right typed error within the deadline', () => {
  it.each(cases)('%s: %s', async (provider, _name, make, code, status) => {
    const server = sandbox.servers[provider];
    server.faults.clear();
    server.faults.add(make());
    const http = new HttpClient({ deadlineMs: DEADLINE, sleep: async () => undefined });
    const started = Date.now();
    try {
      const f = await failure(
        adapterFor(provider).verify({
          http,
          baseUrl: sandbox.urls[provider],
          secret: admins[provider].secret,
          providerOrgId: admins[provider].orgId,
        }),
      );
      expect(f.error.code).toBe(code);
      if (status !== undefined) expect(f.error.provider?.status).toBe(status);
      if (code === 'PROVIDER_RATE_LIMITED') expect(f.error.retryAfterSeconds).toBe(3600);
    } finally {
      server.faults.clear();
    }
    // No call outlives its deadline (plus a generous allowance for a loaded machine).
    expect(Date.now() - started).toBeLessThan(DEADLINE + 1500);
    expect(elsewhere.requests).toHaveLength(0);
    recordFigure('faults', `${provider}-${_name}`, { injected: 1, typedErrors: 1 });
  });

  it('after the faults, every provider answers normally again', async () => {
    const http = new HttpClient();
    for (const p of PROVIDERS)
      await adapterFor(p).verify({
        http,
        baseUrl: sandbox.urls[p],
        secret: admins[p].secret,
        providerOrgId: admins[p].orgId,
      });
  });
});
