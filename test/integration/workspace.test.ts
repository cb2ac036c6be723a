import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/errors.js';
import { createNodeWorkspace } from '../../electron/core/node-workspace.js';
import { MemoryClipboard } from '../../electron/core/ports.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

let sandbox: Sandbox;
let profileDir: string;
let secrets: KeytarSecretStore;
let clipboard: MemoryClipboard;
let ws: ReturnType<typeof createNodeWorkspace>;
let n = 0;

beforeEach(async () => {
  sandbox = await startSandbox();
  profileDir = mkdtempSync(join(tmpdir(), 'keydeck-ws-'));
  secrets = new KeytarSecretStore(`Keydeck WS ${process.pid} ${++n}`);
  clipboard = new MemoryClipboard();
  ws = createNodeWorkspace({ profileDir, keychainService: secrets.service, transport: 'preview', version: 'test', secrets, clipboard, clipboardClearMs: 50 });
});
afterEach(async () => {
  const doc = ws.meta.read();
  for (const c of doc.credentials) {
    const org = doc.organizations.find((o) => o.id === c.orgId);
    if (org) await secrets.delete(`${org.provider}:${org.id}:${c.environment}:${c.id}`);
  }
  await ws.dispose();
  await sandbox.close();
});

/** Calls through the same validating door every transport uses, and unwraps or fails the test. */
async function call<T = Record<string, unknown>>(channel: string, input: unknown): Promise<T> {
  const r = await ws.call(channel, input);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
async function callErr(channel: string, input: unknown) {
  const r = (await ws.call(channel, input)) as Result<unknown>;
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return r.error;
}
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? allFiles(join(dir, f)) : [readFileSync(join(dir, f), 'utf8')]));
}
type Connected = { organization: { id: string; environments: string[] }; credential: { id: string; providerKeyId?: string; last4: string } };

describe('workspace (real keychain, real HTTP to the sandbox)', () => {
  it('connects: verifies, stores the secret in the keychain under the documented account, learns the key id', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const r = await call<Connected>('orgs.connect', { key: `${admin.live}\n`, name: 'Acme', apiBaseUrl: sandbox.urls.laghav });
    expect(r.organization.environments).toEqual(['live']);
    const account = `laghav:${r.organization.id}:live:${r.credential.id}`;
    expect(await secrets.get(account)).toBe(admin.live);
    expect(r.credential.last4).toBe(admin.live.slice(-4));
    expect(r.credential.providerKeyId).toBe(sandbox.laghav.keys.lookup(admin.live)?.id);
    for (const text of allFiles(profileDir)) expect(text).not.toContain(admin.live);
  });

  it('stores nothing when the provider rejects the key', async () => {
    sandbox.laghav.seedOrg('Acme');
    const e = await callErr('orgs.connect', { key: 'lgh_live_UnknownUnknownUnknown1', apiBaseUrl: sandbox.urls.laghav });
    expect(e).toMatchObject({ code: 'KEY_INVALID', provider: { code: 'INVALID_KEY', status: 401 } });
    expect(ws.meta.read()).toMatchObject({ organizations: [], credentials: [] });
  });

  it('stores nothing when the provider is unreachable', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const url = sandbox.urls.laghav;
    await sandbox.close();
    const e = await callErr('orgs.connect', { key: admin.live, apiBaseUrl: url });
    expect(e.code).toBe('NETWORK_ERROR');
    expect(ws.meta.read().organizations).toEqual([]);
    sandbox = await startSandbox();
  });

  it.each([
    ['a malformed key', { key: 'lgh_live_abc def ghi jkl' }, 'KEY_MALFORMED'],
    ['a key of no known provider', { key: 'zz_live_abcdefghijklmnop' }, 'KEY_UNKNOWN_PROVIDER'],
    ['a test key in the live slot', { key: 'lgh_test_abcdefghijklmnop', environment: 'live' }, 'KEY_ENVIRONMENT_MISMATCH'],
    ['plain http to a remote host', { key: 'lgh_live_abcdefghijklmnop', apiBaseUrl: 'http://api.laghav.ai' }, 'INSECURE_URL'],
    ['100 KB of text', { key: 'a'.repeat(100 * 1024) }, 'KEY_MALFORMED'],
  ])('refuses %s before any network call', async (_name, input, code) => {
    const e = await callErr('orgs.connect', { apiBaseUrl: sandbox.urls.laghav, ...input });
    expect(e.code).toBe(code);
    expect(sandbox.laghav.calls).toHaveLength(0);
  });

  it('refuses to connect the same key twice', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    await call('orgs.connect', { key: admin.live, apiBaseUrl: sandbox.urls.laghav });
    const e = await callErr('orgs.connect', { key: admin.live, apiBaseUrl: sandbox.urls.laghav });
    expect(e.code).toBe('CONFLICT');
  });

  it('lists, creates (kept or not), revokes, and protects the admin key', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
    const { organization } = await call<Connected>('orgs.connect', { key: admin.live, apiBaseUrl: sandbox.urls.laghav });
    const orgId = organization.id;
    type Listed = { keys: { id: string; name: string; isAdmin: boolean; heldCredentialId?: string; status: string; masked: string }[]; source: string };
    const listed = await call<Listed>('keys.list', { orgId, environment: 'live' });
    expect(listed.source).toBe('provider');
    expect(listed.keys.map((k) => k.name).sort()).toEqual(['Keydeck admin (live)', 'Web']);
    const adminRecord = listed.keys.find((k) => k.isAdmin);
    expect(adminRecord?.masked).toBe(`lgh_live_••••${admin.live.slice(-4)}`);

    type Created = { key: { id: string }; secret: string; heldCredentialId?: string };
    const kept = await call<Created>('keys.create', { orgId, environment: 'live', name: 'Kept', keep: true });
    const heldAccount = `laghav:${orgId}:live:${kept.heldCredentialId}`;
    expect(await secrets.get(heldAccount)).toBe(kept.secret);
    const notKept = await call<Created>('keys.create', { orgId, environment: 'live', name: 'Not kept', keep: false });
    expect(notKept.heldCredentialId).toBeUndefined();
    expect(ws.meta.read().credentials).toHaveLength(2);

    await call('keys.revoke', { orgId, environment: 'live', keyId: kept.key.id });
    expect(sandbox.laghav.keys.byId.get(kept.key.id)?.status).toBe('revoked');
    expect(await secrets.get(heldAccount)).toBeNull();
    expect(ws.meta.read().credentials).toHaveLength(1);

    const e = await callErr('keys.revoke', { orgId, environment: 'live', keyId: adminRecord?.id });
    expect(e.code).toBe('ADMIN_KEY_PROTECTED');
    expect(sandbox.laghav.keys.lookup(admin.live)?.status).toBe('active');

    const activity = ws.meta.read().activity.map((a) => a.action);
    expect(activity).toEqual(['org.connect', 'key.create', 'key.create', 'key.revoke']);
    for (const text of allFiles(profileDir)) {
      for (const s of [admin.live, kept.secret, notKept.secret]) expect(text).not.toContain(s);
    }
  });

  it('says which environment is missing, and connects it', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const { organization } = await call<Connected>('orgs.connect', { key: admin.live, apiBaseUrl: sandbox.urls.laghav });
    const e = await callErr('keys.list', { orgId: organization.id, environment: 'test' });
    expect(e).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No test key is connected') });
    const wrong = await callErr('orgs.connectEnvironment', { orgId: organization.id, environment: 'test', key: admin.live });
    expect(wrong.code).toBe('KEY_ENVIRONMENT_MISMATCH');
    const r = await call<Connected>('orgs.connectEnvironment', { orgId: organization.id, environment: 'test', key: admin.test });
    expect(r.organization.environments).toEqual(['live', 'test']);
  });

  it('removing an organization deletes its secrets from the keychain and revokes nothing', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const { organization, credential } = await call<Connected>('orgs.connect', { key: admin.live, apiBaseUrl: sandbox.urls.laghav });
    const r = await call<{ removedSecrets: number }>('orgs.remove', { orgId: organization.id });
    expect(r.removedSecrets).toBe(1);
    expect(await secrets.get(`laghav:${organization.id}:live:${credential.id}`)).toBeNull();
    expect(ws.meta.read().organizations).toEqual([]);
    expect(sandbox.laghav.keys.lookup(admin.live)?.status).toBe('active');
  });

  it('reports a key deleted from the keychain behind Keydeck’s back as SECRET_MISSING', async () => {
    const { admin } = sandbox.laghav.seedOrg('Acme');
    const { organization, credential } = await call<Connected>('orgs.connect', { key: admin.live, apiBaseUrl: sandbox.urls.laghav });
    await secrets.delete(`laghav:${organization.id}:live:${credential.id}`);
    const e = await callErr('keys.list', { orgId: organization.id, environment: 'live' });
    expect(e.code).toBe('SECRET_MISSING');
  });

  it('clears the clipboard after the timeout only if it still holds the secret', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await call('clipboard.copySecret', { secret: 'lgh_live_CopiedCopiedCopied' });
      expect(clipboard.text).toBe('lgh_live_CopiedCopiedCopied');
      await vi.advanceTimersByTimeAsync(49);
      expect(clipboard.text).toBe('lgh_live_CopiedCopiedCopied');
      await vi.advanceTimersByTimeAsync(1);
      expect(clipboard.text).toBe('');

      await call('clipboard.copySecret', { secret: 'lgh_live_CopiedCopiedCopied' });
      await clipboard.writeText('something the user copied since');
      await vi.advanceTimersByTimeAsync(50);
      expect(clipboard.text).toBe('something the user copied since');
    } finally {
      vi.useRealTimers();
    }
  });
});
