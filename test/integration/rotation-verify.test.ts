import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../sandbox/faults.js';
import { sandboxHands } from './helpers/rotation-driver.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true, deadlineMs: 500 });
});
afterEach(() => t.dispose());

async function pastedRotation() {
  const seeded = t.sandbox.leadey.seedOrg('Acme');
  const { organization, credential } = await t.call('orgs.connect', { key: seeded.admin.live });
  const r = await t.call('rotation.start', { orgId: organization.id, credentialId: credential.id, confirmLive: true });
  const made = await sandboxHands(t.sandbox.servers.leadey.origin, seeded.org.id).mint(r.newKey.name, 'live');
  return { r, made, seeded, orgId: organization.id };
}

describe('strict verification of the new key: only a 2xx with the documented shape counts', () => {
  const matrix: [string, Fault, string][] = [
    ['an HTML 200', { kind: 'html', status: 200 }, 'PROVIDER_BAD_RESPONSE'],
    ['a 200 with {}', { kind: 'json', status: 200, body: '{}' }, 'PROVIDER_BAD_RESPONSE'],
    [
      'a 401',
      { kind: 'json', status: 401, body: '{"error":{"message":"Invalid or revoked API key.","details":null}}' },
      'KEY_INVALID',
    ],
    ['a 403', { kind: 'json', status: 403, body: '{"error":{"message":"Forbidden"}}' }, 'PROVIDER_FORBIDDEN'],
    ['a 429', { kind: 'rate-limit', retryAfter: '3600' }, 'PROVIDER_RATE_LIMITED'],
    ['a 500', { kind: 'status', status: 500 }, 'PROVIDER_ERROR'],
    ['a timeout', { kind: 'latency', ms: 2_000 }, 'NETWORK_TIMEOUT'],
  ];
  it.each(matrix)(
    '%s keeps the rotation at verify, failed, with the old key untouched; resume then goes on',
    async (_name, fault, code) => {
      const { r, made, seeded } = await pastedRotation();
      t.sandbox.fault('leadey', fault);
      const failed = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
      expect(failed).toMatchObject({ step: 'verify', status: 'failed', error: { code } });
      expect(failed.newKey.verifiedAt).toBeUndefined();
      expect(t.sandbox.leadey.keys.lookup(seeded.admin.live)?.status).toBe('active');
      t.sandbox.servers.leadey.faults.clear();
      const resumed = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'resume' } });
      expect(resumed).toMatchObject({ step: 'deploy', status: 'needs-user' });
    },
  );
});

describe('transitions', () => {
  it('refuses actions that belong to another step', async () => {
    const { r } = await pastedRotation();
    const e = await t.callErr('rotation.act', { rotationId: r.id, action: { kind: 'deployed' } });
    expect(e).toMatchObject({ code: 'CONFLICT' });
    const f = await t.callErr('rotation.act', { rotationId: r.id, action: { kind: 'confirmUse', override: true } });
    expect(f.code).toBe('CONFLICT');
  });

  it('a refused pasted key fails at verify, and cancelling then forgets it', async () => {
    const { r, made, orgId } = await pastedRotation();
    t.sandbox.leadey.revoke(t.sandbox.leadey.keys.lookup(made.secret)!);
    const failed = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
    expect(failed).toMatchObject({ step: 'verify', status: 'failed', error: { code: 'KEY_INVALID' } });
    // The pasted key is already dead, so cancelling confirms that at once and cleans up.
    const cancelled = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(cancelled.status).toBe('cancelled');
    expect(
      t.ws.meta
        .read()
        .credentials.filter((c) => c.orgId === orgId)
        .map((c) => c.role),
    ).toEqual(['admin']);
  });

  it('an unknown answer while confirming the old key is dead is "retry", never "confirmed"', async () => {
    const { r, made, seeded } = await pastedRotation();
    let v = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'deployed' } });
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'confirmUse', override: false } });
    expect(v).toMatchObject({ step: 'revoke', status: 'needs-user' });
    t.sandbox.leadey.revoke(t.sandbox.leadey.keys.lookup(seeded.admin.live)!);
    t.sandbox.fault('leadey', { kind: 'status', status: 503 });
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'revokedInDashboard' } });
    expect(v).toMatchObject({ step: 'confirmRevoked', status: 'failed', error: { code: 'PROVIDER_ERROR' } });
    expect(v.oldRejectedAt).toBeUndefined();
    t.sandbox.servers.leadey.faults.clear();
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'resume' } });
    expect(v).toMatchObject({ status: 'done', oldRejectedCode: 'KEY_INVALID' });
  });

  it('remembers the deploy targets for the key’s next rotation', async () => {
    const { r, made, orgId } = await pastedRotation();
    let v = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
    v = await t.call('rotation.act', {
      rotationId: v.id,
      action: { kind: 'deploy', targets: [{ kind: 'clipboard' }, { kind: 'manual' }] },
    });
    expect(t.clipboard.text).toBe(made.secret);
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'deployed' } });
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'confirmUse', override: false } });
    t.sandbox.leadey.revoke(
      t.sandbox.leadey.keys.lookup(
        (await t.secrets.get(t.account(orgId, 'live', r.old.credentialId, 'leadey'))) ?? '',
      )!,
    );
    v = await t.call('rotation.act', { rotationId: v.id, action: { kind: 'revokedInDashboard' } });
    expect(v.status).toBe('done');
    const next = await t.call('rotation.start', { orgId, credentialId: v.newKey.credentialId, confirmLive: true });
    expect(next.rememberedTargets).toEqual([{ kind: 'clipboard' }, { kind: 'manual' }]);
  });
});

describe('picking the .env file', () => {
  it('the preview host has no file dialog and says so', async () => {
    expect(await t.call('deploy.pickEnvFile', {})).toEqual({ supported: false });
  });
});
