import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../electron/core/http/client.js';
import { adapterFor } from '../../electron/core/providers/index.js';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import { failure } from './helpers/fail.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { PROVIDERS } from '../support/providers.js';

/**
 * Where a provider's docs are silent about a success body, the adapter accepts close variants, and
 * still never counts `{}`, an HTML page or `success:false` as success.
 */
let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function answering(status: number, body: string, type = 'application/json') {
  server = await startFaultServer((_req, res) => {
    res.writeHead(status, type ? { 'content-type': type } : {});
    res.end(body);
  });
  return server.url;
}
const http = new HttpClient({ sleep: async () => undefined });
const ORG = '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f';
const ctx = (baseUrl: string) => ({ http, baseUrl, secret: 'secret-secret-secret', providerOrgId: ORG });

const accepted: [ProviderId, string][] = [
  ['legba', '[]'],
  ['legba', '{"data":[{"id":"i1"}]}'],
  ['legba', '{"instances":[]}'],
  ['legba', '{"data":{"instances":[]}}'],
  ['leadey', '{"data":{"id":"org_1"}}'],
  ['leadey', '{"data":[]}'],
  ['logtalk', '{"success":true,"data":[]}'],
  ['logtalk', '{"data":[]}'],
  ['laghav', '[]'],
  ['laghav', '{"keys":[]}'],
  ['skapi', '{"success":true,"data":[]}'],
];
const refused: [ProviderId, string][] = [
  ['legba', '{}'],
  ['leadey', '{}'],
  ['leadey', '{"data":null}'],
  ['logtalk', '{}'],
  ['logtalk', '{"success":false,"data":[]}'],
  ['laghav', '{}'],
  ['skapi', '{"data":[]}'],
];

describe('verify: documented-shape variants', () => {
  it.each(accepted)('%s accepts %s', async (provider, body) => {
    await adapterFor(provider).verify(ctx(await answering(200, body)));
  });
  it.each(refused)('%s refuses %s', async (provider, body) => {
    const f = await failure(adapterFor(provider).verify(ctx(await answering(200, body))));
    expect(f.error.code).toBe('PROVIDER_BAD_RESPONSE');
  });
  it.each(PROVIDERS)('%s refuses an HTML 200', async (provider) => {
    const f = await failure(
      adapterFor(provider).verify(ctx(await answering(200, '<html>sign in</html>', 'text/html'))),
    );
    expect(f.error).toMatchObject({
      code: 'PROVIDER_BAD_RESPONSE',
      provider: { status: 200, contentType: 'text/html' },
    });
  });
});

describe('Laghav create: where the secret may be', () => {
  it.each([
    '{"id":"key_1","name":"n","key":"lgh_live_abcdefghijkl"}',
    '{"id":"key_1","name":"n","api_key":"lgh_live_abcdefghijkl"}',
    '{"data":{"id":"key_1","name":"n","key":"lgh_live_abcdefghijkl"}}',
  ])('%s', async (body) => {
    const created = await adapterFor('laghav').create?.(ctx(await answering(201, body)), { name: 'n' });
    expect(created?.secret).toBe('lgh_live_abcdefghijkl');
    expect(created?.key).toMatchObject({ id: 'key_1', environment: 'live', last4: 'ijkl' });
  });
  it('a create answer without a secret still names the key it made (so it can be revoked), and its empty secret is refused', async () => {
    const created = await adapterFor('laghav').create?.(ctx(await answering(201, '{"id":"key_1","name":"n"}')), {
      name: 'n',
    });
    expect(created?.key.id).toBe('key_1');
    expect(created?.secret).toBe('');
    const { checkFromProvider } = await import('../../electron/core/credentials.js');
    expect(() => checkFromProvider(created?.secret ?? '', { provider: 'laghav', environment: 'live' })).toThrow(
      /refuses/,
    );
  });
  it('refuses a create answer that names no key', async () => {
    const f = await failure(
      adapterFor('laghav').create?.(ctx(await answering(201, '{"name":"n","key":"lgh_live_abcdefghijkl"}')), {
        name: 'n',
      }),
    );
    expect(f.error.code).toBe('PROVIDER_BAD_RESPONSE');
  });
});

describe('sk-style revoke answers', () => {
  it('accepts the documented body and a bare 204', async () => {
    await adapterFor('skapi').revoke?.(
      ctx(await answering(200, '{"success":true,"message":"API key revoked successfully"}')),
      'key_1',
    );
    await server?.close();
    await adapterFor('skapi').revoke?.(ctx(await answering(204, '', '')), 'key_1');
  });
  it('refuses success:false', async () => {
    const f = await failure(adapterFor('skapi').revoke?.(ctx(await answering(200, '{"success":false}')), 'key_1'));
    expect(f.error.code).toBe('PROVIDER_BAD_RESPONSE');
  });
});
