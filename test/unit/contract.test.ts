import { describe, expect, it, vi } from 'vitest';
import { buildApi } from '../../shared/api.js';
import { CHANNELS, contract } from '../../shared/contract.js';
import { dispatch, type Handlers } from '../../electron/core/dispatch.js';
import { silentLogger } from '../../electron/core/log.js';

/** Flattens `window.keydeck` into `domain.method` names. */
function surface(api: object): string[] {
  return Object.entries(api)
    .flatMap(([domain, methods]) => Object.keys(methods as object).map((m) => `${domain}.${m}`))
    .sort();
}

describe('the contract', () => {
  it('gives every channel an input schema, an output schema and its error codes', () => {
    for (const channel of CHANNELS) {
      const spec = contract[channel];
      expect(typeof spec.input.safeParse, channel).toBe('function');
      expect(typeof spec.output.safeParse, channel).toBe('function');
      expect(Array.isArray(spec.errors), channel).toBe(true);
    }
  });

  it('window.keydeck exposes exactly the contract, nothing more (API surface snapshot)', () => {
    const api = buildApi(async () => ({ ok: true, value: null }));
    expect(surface(api)).toEqual([...CHANNELS].sort());
    expect(surface(api)).toMatchInlineSnapshot(`
      [
        "activity.copied",
        "activity.list",
        "activity.reveal",
        "app.info",
        "clipboard.copySecret",
        "dashboard.open",
        "data.removeAll",
        "deploy.pickEnvFile",
        "keys.adopt",
        "keys.cached",
        "keys.check",
        "keys.confirmRevoked",
        "keys.create",
        "keys.list",
        "keys.revoke",
        "orgs.connect",
        "orgs.connectEnvironment",
        "orgs.list",
        "orgs.remove",
        "orgs.update",
        "providers.add",
        "providers.check",
        "providers.list",
        "providers.remove",
        "providers.test",
        "reminders.take",
        "rotation.act",
        "rotation.get",
        "rotation.list",
        "rotation.start",
        "settings.get",
        "settings.update",
        "store.recover",
        "store.status",
        "usage.overview",
        "usage.quotas",
        "vault.status",
        "vault.useSession",
      ]
    `);
  });

  it('each call sends its own fixed channel name', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: {} }));
    const api = buildApi(invoke);
    await api.keys.revoke({ orgId: 'org_abcdefgh', environment: 'live', keyId: 'k1' });
    expect(invoke).toHaveBeenCalledWith('keys.revoke', { orgId: 'org_abcdefgh', environment: 'live', keyId: 'k1' });
  });
});

describe('dispatch (the validation every transport shares)', () => {
  const calls: unknown[] = [];
  const handlers = Object.fromEntries(
    CHANNELS.map((c) => [
      c,
      async (input: unknown) => {
        calls.push(input);
        return c === 'orgs.list' ? { organizations: [], secret: 'must not leak' } : {};
      },
    ]),
  ) as unknown as Handlers;

  it('refuses an unknown channel', async () => {
    expect(await dispatch(handlers, 'shell.openExternal', {}, silentLogger)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await dispatch(handlers, '__proto__', {}, silentLogger)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await dispatch(handlers, 'toString', {}, silentLogger)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it.each([
    ['wrong types', { orgId: 42, environment: 'live', keyId: 'k' }],
    ['an unknown environment', { orgId: 'org_abcdefgh', environment: 'prod', keyId: 'k' }],
    ['extra fields', { orgId: 'org_abcdefgh', environment: 'live', keyId: 'k', force: true }],
    [
      'a __proto__ key',
      JSON.parse('{"orgId":"org_abcdefgh","environment":"live","keyId":"k","__proto__":{"polluted":true}}'),
    ],
    ['a path in the key id', { orgId: 'org_abcdefgh', environment: 'live', keyId: '../../admin' }],
    ['a huge string', { orgId: 'org_abcdefgh', environment: 'live', keyId: 'k'.repeat(100_000) }],
    ['null', null],
    ['an array', []],
  ])('refuses %s without calling the core', async (_name, input) => {
    const before = calls.length;
    const result = await dispatch(handlers, 'keys.revoke', input, silentLogger);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(calls.length).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('strips anything the handler returns beyond the contract', async () => {
    const result = await dispatch(handlers, 'orgs.list', {}, silentLogger);
    expect(result).toEqual({ ok: true, value: { organizations: [] } });
  });

  it('turns an unexpected throw into INTERNAL without its message', async () => {
    const crashing = {
      ...handlers,
      'orgs.list': async () => {
        throw new Error('boom lgh_live_abcdefghijklmnop');
      },
    } as Handlers;
    const result = await dispatch(crashing, 'orgs.list', {}, silentLogger);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('lgh_live_abcdefghijklmnop');
  });
});

describe('the error lists are checked', () => {
  it('reports a code a call answers that its entry does not declare, and not a declared one', async () => {
    const { fail } = await import('../../shared/errors.js');
    const seen: string[] = [];
    const handlers = {
      'orgs.update': async () => fail('KEY_REVOKED', 'not a thing orgs.update can say'),
      'orgs.remove': async () => fail('BUSY', 'declared'),
    } as unknown as Handlers;
    const undeclared = await dispatch(
      handlers,
      'orgs.update',
      { orgId: 'org_abcdefgh' },
      silentLogger,
      (channel, code) => seen.push(`${channel}:${code}`),
    );
    expect(undeclared).toMatchObject({ ok: false, error: { code: 'KEY_REVOKED' } });
    await dispatch(handlers, 'orgs.remove', { orgId: 'org_abcdefgh' }, silentLogger, (channel, code) =>
      seen.push(`${channel}:${code}`),
    );
    expect(seen).toEqual(['orgs.update:KEY_REVOKED']);
  });

  it('masks anything key-shaped in an error, whatever produced it', async () => {
    const { fail } = await import('../../shared/errors.js');
    const handlers = {
      'orgs.remove': async () =>
        fail('KEYCHAIN_ERROR', 'echo lgh_live_abcdefghijklmnop1234', {
          provider: { message: 'Bearer sk_live_zzzzzzzzzzzz9876' },
        }),
    } as unknown as Handlers;
    const result = await dispatch(handlers, 'orgs.remove', { orgId: 'org_abcdefgh' }, silentLogger);
    expect(JSON.stringify(result)).not.toMatch(/abcdefghijklmnop|zzzzzzzzzzzz/);
    expect(JSON.stringify(result)).toContain('lgh_live_••••1234');
  });
});

describe('deploy.pickEnvFile with a system dialog', () => {
  it('returns the picked .env path, and refuses any other file', async () => {
    const { createWorkspace } = await import('../../electron/core/workspace.js');
    const { MetaStore } = await import('../../electron/core/store/meta-store.js');
    const { MemorySecretStore } = await import('../../electron/core/vault/memory-store.js');
    const { HttpClient } = await import('../../electron/core/http/client.js');
    const { MemoryClipboard, systemClock } = await import('../../electron/core/ports.js');
    let picked = '/home/me/app/.env.production';
    const backend = { store: {} as Record<string, unknown>, path: '/dev/null' };
    const ws = createWorkspace({
      secrets: new MemorySecretStore(),
      meta: new MetaStore(backend),
      http: new HttpClient(),
      clipboard: new MemoryClipboard(),
      clock: systemClock,
      logger: silentLogger,
      transport: 'electron',
      version: 'test',
      demo: false,
      pickEnvFile: async () => picked,
    });
    expect(await ws.call('deploy.pickEnvFile', {})).toEqual({
      ok: true,
      value: { supported: true, path: '/home/me/app/.env.production' },
    });
    picked = '/home/me/.ssh/authorized_keys';
    expect(await ws.call('deploy.pickEnvFile', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});
