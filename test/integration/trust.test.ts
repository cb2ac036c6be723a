import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeydeckError } from '../../shared/errors.js';
import { HOSTILE_KEY_VARIANTS } from '../sandbox/modes.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

/**
 * The promises an independent review broke, replayed against the real core, keychain and sandbox:
 * the same action twice at once, cancel after a deploy, hostile create answers, keys echoed in
 * errors, identities that cannot be proven. Every call goes through the contract's door, and the
 * workspace fails the test on any error code a call does not declare.
 */

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(() => t.dispose());

type Created = { key: { id: string }; secret: string; heldCredentialId?: string };

async function laghav() {
  const seeded = t.sandbox.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
  const r = await t.call('orgs.connect', { key: seeded.admin.live });
  return { seeded, orgId: r.organization.id, adminId: r.credential.id };
}

const truthActive = (orgId: string) => t.sandbox.laghav.truth(orgId).filter((k) => k.status === 'active');

describe('the same action twice at once', () => {
  it('a double Create key makes one key, and both answers carry its one secret', async () => {
    const { seeded, orgId } = await laghav();
    const before = truthActive(seeded.org.id).length;
    const input = { orgId, environment: 'live', name: 'CI', keep: true };
    const [a, b] = await Promise.all([t.ws.call('keys.create', input), t.ws.call('keys.create', input)]);
    expect(a.ok && b.ok).toBe(true);
    expect(truthActive(seeded.org.id).length).toBe(before + 1);
    if (a.ok && b.ok) expect((a.value as Created).secret).toBe((b.value as Created).secret);
    // A different change to the same organization-environment meanwhile is refused, not queued.
    const [c, d] = await Promise.all([
      t.ws.call('keys.create', input),
      t.ws.call('keys.create', { ...input, name: 'Other' }),
    ]);
    expect(c.ok).toBe(true);
    expect(d.ok ? 'ok' : d.error.code).toBe('BUSY');
    expect(truthActive(seeded.org.id).length).toBe(before + 2);
  });

  it('a double Verify and connect makes one organization', async () => {
    const seeded = t.sandbox.laghav.seedOrg('Twice');
    const [a, b] = await Promise.all([
      t.ws.call('orgs.connect', { key: seeded.admin.live }),
      t.ws.call('orgs.connect', { key: seeded.admin.live }),
    ]);
    expect(a.ok && b.ok).toBe(true);
    expect(t.ws.meta.read().organizations).toHaveLength(1);
    // Afterwards the same key again is a conflict.
    expect((await t.callErr('orgs.connect', { key: seeded.admin.live })).code).toBe('CONFLICT');
  });

  it('a double Start rotation starts one rotation and creates one key', async () => {
    const { seeded, orgId, adminId } = await laghav();
    const before = t.sandbox.laghav.truth(seeded.org.id).length;
    const input = { orgId, credentialId: adminId, confirmLive: true };
    const [a, b] = await Promise.all([t.ws.call('rotation.start', input), t.ws.call('rotation.start', input)]);
    expect(a.ok && b.ok).toBe(true);
    expect(t.ws.meta.read().rotations.filter((r) => r.status !== 'done' && r.status !== 'cancelled')).toHaveLength(1);
    expect(t.sandbox.laghav.truth(seeded.org.id).length).toBe(before + 1);
  });

  it('a double revoke sends one DELETE', async () => {
    const { seeded, orgId } = await laghav();
    const web = t.sandbox.laghav.truth(seeded.org.id).find((k) => k.name === 'Web');
    const input = { orgId, environment: 'live', keyId: web?.id };
    const [a, b] = await Promise.all([t.ws.call('keys.revoke', input), t.ws.call('keys.revoke', input)]);
    expect(a.ok && b.ok).toBe(true);
    expect(t.sandbox.laghav.calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });

  it('a double deploy keeps the original file in the backup, and cancel puts the old key back', async () => {
    const { seeded, orgId, adminId } = await laghav();
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-trust-'));
    const file = join(dir, '.env');
    writeFileSync(file, `# app\nLAGHAV_API_KEY=${seeded.admin.live}\nOTHER=1\n`, { mode: 0o640 });
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    expect(r.step).toBe('deploy');
    const deploy = {
      rotationId: r.id,
      action: {
        kind: 'deploy' as const,
        targets: [{ kind: 'envFile' as const, path: file, variable: 'LAGHAV_API_KEY' }],
      },
    };
    const [a, b] = await Promise.all([t.ws.call('rotation.act', deploy), t.ws.call('rotation.act', deploy)]);
    expect(a.ok && b.ok).toBe(true);
    await t.call('rotation.act', deploy); // and once more, later: the backup still holds the original
    const backups = readdirSync(dir).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] ?? ''), 'utf8')).toContain(seeded.admin.live);
    const newSecret = parse(readFileSync(file)).LAGHAV_API_KEY ?? '';
    expect(t.sandbox.laghav.accepts(newSecret)).toBe(true);

    r = await t.call('rotation.get', { rotationId: r.id });
    expect(r.cancelPlan.join(' ')).toContain(`Put the old key back into LAGHAV_API_KEY in ${file}`);
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('cancelled');
    expect(r.restoreResults?.every((x) => x.ok)).toBe(true);
    // The file holds the old key again, as dotenv and bash read it, and the provider accepts it.
    expect(parse(readFileSync(file)).LAGHAV_API_KEY).toBe(seeded.admin.live);
    expect(execFileSync('bash', ['-c', 'set -a; . "$1"; printf %s "$LAGHAV_API_KEY"', 'sh', file]).toString()).toBe(
      seeded.admin.live,
    );
    expect(t.sandbox.laghav.accepts(seeded.admin.live)).toBe(true);
    expect(t.sandbox.laghav.accepts(newSecret)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(`# app\nLAGHAV_API_KEY=${seeded.admin.live}\nOTHER=1\n`);
    // No backup holding a key outlives the rotation.
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toHaveLength(0);
  });

  it('a .env the person had already put the new key in gets the old key back on cancel, not the new key from its backup', async () => {
    const { seeded, orgId, adminId } = await laghav();
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-trust-'));
    const file = join(dir, '.env');
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    const newSecret =
      (await t.secrets.list())
        .map((e) => e.secret)
        .find((s) => t.sandbox.laghav.identify(s)?.id === r.newKey.providerKeyId) ?? '';
    expect(t.sandbox.laghav.accepts(newSecret)).toBe(true);
    writeFileSync(file, `LAGHAV_API_KEY=${newSecret}\n`);
    r = await t.call('rotation.act', {
      rotationId: r.id,
      action: { kind: 'deploy', targets: [{ kind: 'envFile', path: file, variable: 'LAGHAV_API_KEY' }] },
    });
    expect(r.deployRecords[0]).toMatchObject({ kind: 'envFile', previous: 'new-key' });
    expect(r.cancelPlan.join(' ')).toContain(
      `Put the old key into LAGHAV_API_KEY in ${file}, where you had put the new key yourself`,
    );
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('cancelled');
    expect(parse(readFileSync(file)).LAGHAV_API_KEY).toBe(seeded.admin.live);
    expect(t.sandbox.laghav.accepts(seeded.admin.live)).toBe(true);
    expect(t.sandbox.laghav.accepts(newSecret)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toHaveLength(0);
  });

  it('once the new key can be seen (a deploy by hand, not yet confirmed), the cancel plan asks the person to put the old key back wherever they put the new one', async () => {
    const { orgId, adminId } = await laghav();
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'deploy', targets: [{ kind: 'manual' }] } });
    expect(r.step).toBe('deploy');
    expect(r.cancelPlan.join(' ')).toContain(
      'If you put the new key anywhere yourself, put the old key back there before you cancel',
    );
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('cancelled');
  });

  it('once the person says they deployed the new key themselves, the cancel plan asks them to put the old key back there first', async () => {
    const { orgId, adminId } = await laghav();
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    r = await t.call('rotation.get', { rotationId: r.id });
    expect(r.cancelPlan.join(' ')).not.toContain('You confirmed the new key is deployed');
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'deployed' } });
    expect(r.step).toBe('confirmUse');
    expect(r.cancelPlan.join(' ')).toContain('wherever you put it yourself, put the old key back before you cancel');
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('cancelled');
  });
});

describe('cancel puts back exactly what was there (found by a red-team review)', () => {
  async function deployThenCancel(content: string, variables: string[]) {
    const { orgId, adminId } = await laghav();
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-restore-'));
    const file = join(dir, '.env');
    writeFileSync(file, content);
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    r = await t.call('rotation.act', {
      rotationId: r.id,
      action: { kind: 'deploy', targets: variables.map((variable) => ({ kind: 'envFile', path: file, variable })) },
    });
    expect(r.deployResults.every((d) => d.ok)).toBe(true);
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    return { r, file, dir };
  }

  it.each([
    ['a placeholder', 'LAGHAV_API_KEY="your key here"\nPORT=1\n'],
    ['a multi-line value', 'A=1\nLAGHAV_API_KEY="line1\nline2"\nB=2\n'],
    ['a reference to another variable', 'LAGHAV_API_KEY="${LAGHAV_KEY_PROD}"\n'],
    ['an empty value', 'LAGHAV_API_KEY=\n# end\n'],
    ['CRLF and a comment', 'X=1\r\nexport LAGHAV_API_KEY=abc # prod\r\n'],
  ])('%s comes back byte for byte, and the new key is revoked only then', async (_what, content) => {
    const { r, file, dir } = await deployThenCancel(content, ['LAGHAV_API_KEY']);
    expect(r.status).toBe('cancelled');
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('two variables of one file both come back (they share one backup)', async () => {
    const content = 'LAGHAV_API_KEY=placeholder-value\nNEXT_PUBLIC_KEY=something-else-123\n';
    const { r, file, dir } = await deployThenCancel(content, ['LAGHAV_API_KEY', 'NEXT_PUBLIC_KEY']);
    expect(r.status).toBe('cancelled');
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('when a target cannot be put back, the new key is not revoked and the backup is kept; Retry finishes once it is fixed', async () => {
    const { seeded, orgId, adminId } = await laghav();
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-restore-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'LAGHAV_API_KEY=placeholder\n');
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    r = await t.call('rotation.act', {
      rotationId: r.id,
      action: { kind: 'deploy', targets: [{ kind: 'envFile', path: file, variable: 'LAGHAV_API_KEY' }] },
    });
    const newSecret = parse(readFileSync(file)).LAGHAV_API_KEY ?? '';
    chmodSync(file, 0o444);
    // Root may write anyway; Keydeck refuses a read-only file whoever it runs as.
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('failed');
    expect(r.restoreResults?.some((x) => !x.ok)).toBe(true);
    expect(t.sandbox.laghav.accepts(newSecret)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
    chmodSync(file, 0o644);
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'resume' } });
    expect(r.status).toBe('cancelled');
    expect(readFileSync(file, 'utf8')).toBe('LAGHAV_API_KEY=placeholder\n');
    expect(t.sandbox.laghav.accepts(newSecret)).toBe(false);
    expect(t.sandbox.laghav.accepts(seeded.admin.live)).toBe(true);
  });

  it('a key in an unfinished rotation cannot be retired from the key list', async () => {
    const seeded = t.sandbox.leadey.seedOrg('Dash');
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    const made = t.sandbox.leadey.mint(seeded.org.id, 'Held', 'live');
    const held = await t.call('keys.adopt', {
      orgId: c.organization.id,
      environment: 'live',
      key: made.secret,
      name: 'Held',
    });
    await t.call('rotation.start', { orgId: c.organization.id, credentialId: held.credentialId, confirmLive: true });
    const refused = await t.callErr('keys.confirmRevoked', {
      orgId: c.organization.id,
      credentialId: held.credentialId,
    });
    expect(refused.code).toBe('CONFLICT');
  });

  it('a create answer that hands back a key Keydeck already holds is refused', async () => {
    const { orgId } = await laghav();
    const kept = await t.call('keys.create', { orgId, environment: 'live', name: 'CI', keep: true });
    t.sandbox.fault(
      'laghav',
      { kind: 'json', status: 201, body: JSON.stringify({ id: 'key_replayed1', name: 'x', key: kept.secret }) },
      1,
    );
    const error = await t.callErr('keys.create', { orgId, environment: 'live', name: 'Again', keep: true });
    expect(error.code).toBe('PROVIDER_BAD_RESPONSE');
    expect(t.ws.meta.read().credentials.filter((x) => x.last4 === kept.secret.slice(-4))).toHaveLength(1);
  });
});

describe('round two of the red-team review', () => {
  it('a file planted at the backup path is refused, never taken for the backup', async () => {
    const { seeded, orgId, adminId } = await laghav();
    const dir = mkdtempSync(join(tmpdir(), 'keydeck-plant-'));
    const file = join(dir, '.env');
    writeFileSync(file, `LAGHAV_API_KEY=${seeded.admin.live}\n`);
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    writeFileSync(`${file}.keydeck-${r.id}.bak`, 'LAGHAV_API_KEY=PLANTED_VALUE\n');
    const target = { kind: 'envFile', path: file, variable: 'LAGHAV_API_KEY' } as const;
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'deploy', targets: [target] } });
    expect(r.deployResults.at(-1)?.ok).toBe(false);
    expect(r.deployRecords).toEqual([]);
    expect(parse(readFileSync(file)).LAGHAV_API_KEY).toBe(seeded.admin.live);
    // A renderer that names a backup as a target is refused too.
    r = await t.call('rotation.act', {
      rotationId: r.id,
      action: { kind: 'deploy', targets: [{ ...target, path: `${file}.keydeck-${r.id}.bak` }] },
    });
    expect(r.deployResults.at(-1)?.message).toContain('the name Keydeck gives its backups');
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('cancelled');
    expect(readFileSync(file, 'utf8')).toBe(`LAGHAV_API_KEY=${seeded.admin.live}\n`);
  });

  it('one pasted key never becomes two credentials, whatever races (paste in a rotation vs connect)', async () => {
    const seeded = t.sandbox.skapi.seedOrg('Race');
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    const r = await t.call('rotation.start', {
      orgId: c.organization.id,
      credentialId: c.credential.id,
      confirmLive: true,
    });
    expect(r.step).toBe('create');
    const k = t.sandbox.skapi.mint(seeded.org.id, r.newKey.name, 'live');
    const [paste, connect] = await Promise.all([
      t.ws.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: k.secret } }),
      t.ws.call('orgs.connect', { key: k.secret, name: 'Dup' }),
    ]);
    expect([paste.ok, connect.ok].filter(Boolean).length).toBeLessThanOrEqual(1);
    const holding = (await t.secrets.list()).filter((e) => e.secret === k.secret);
    expect(holding.length).toBeLessThanOrEqual(1);
  });

  it('cancel revokes a new key whose secret is gone from the keychain, by its id', async () => {
    const { orgId, adminId } = await laghav();
    const r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    const id = r.newKey.providerKeyId ?? '';
    await t.secrets.delete(t.account(orgId, 'live', r.newKey.credentialId));
    const done = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(done.status).toBe('cancelled');
    expect(t.sandbox.laghav.truthById(id)?.status).toBe('revoked');
  });
});

describe('a hostile or broken create answer is never trusted', () => {
  it.each(HOSTILE_KEY_VARIANTS)(
    'keys.create, %s: refused, the key it made is revoked, nothing stored',
    async (variant) => {
      const { orgId } = await laghav();
      t.sandbox.laghav.hostileCreate(variant);
      const error = await t.callErr('keys.create', { orgId, environment: 'live', name: 'CI', keep: true });
      expect(error.code).toBe('PROVIDER_BAD_RESPONSE');
      const made = t.sandbox.laghav.hostileKeys[0];
      expect(made).toBeDefined();
      expect(t.sandbox.laghav.truthById(made?.id ?? '')?.status).toBe('revoked');
      expect(t.ws.meta.read().credentials).toHaveLength(1);
      expect((await t.secrets.list()).length).toBe(1);
      expect(JSON.stringify(error)).not.toContain('touch');
    },
  );

  it('a rotation whose create answer is hostile stops, revokes that key, and can be cancelled; the organization can then be removed', async () => {
    const { orgId, adminId } = await laghav();
    t.sandbox.laghav.hostileCreate(['newline']);
    let r = await t.call('rotation.start', { orgId, credentialId: adminId, confirmLive: true });
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('PROVIDER_BAD_RESPONSE');
    expect(t.sandbox.laghav.truthById(t.sandbox.laghav.hostileKeys[0]?.id ?? '')?.status).toBe('revoked');
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'cancel' } });
    expect(r.status).toBe('cancelled');
    expect((await t.call('orgs.remove', { orgId })).removedSecrets).toBe(1);
  });
});

describe("a provider that echoes the caller's key", () => {
  it('keys.list: the admin key reaches neither the error nor the log', async () => {
    const { seeded, orgId } = await laghav();
    t.sandbox.mode('laghav', {
      kind: 'fail-with-echo',
      status: 500,
      times: 10,
      where: ['message', 'request_id', 'details'],
    });
    const error: KeydeckError = await t.callErr('keys.list', { orgId, environment: 'live' });
    expect(JSON.stringify(error)).not.toContain(seeded.admin.live);
    expect(JSON.stringify(error)).not.toContain(seeded.admin.live.slice(-16));
    for (const text of t.files()) expect(text).not.toContain(seeded.admin.live);
  });

  it('a Legba rotation whose verify fails with an echo keeps the new (prefixless) key out of the journal', async () => {
    const seeded = t.sandbox.legba.seedOrg('Echo');
    const c = await t.call('orgs.connect', { key: seeded.admin.live, provider: 'legba', providerOrgId: seeded.org.id });
    let r = await t.call('rotation.start', {
      orgId: c.organization.id,
      credentialId: c.credential.id,
      confirmLive: true,
    });
    expect(r.step).toBe('create');
    const made = await fetch(`${t.sandbox.servers.legba.origin}/__sandbox/mint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: seeded.org.id, name: r.newKey.name, environment: 'live' }),
    }).then((x) => x.json() as Promise<{ secret: string }>);
    t.sandbox.mode('legba', {
      kind: 'fail-with-echo',
      status: 500,
      times: 10,
      where: ['message', 'request_id', 'details'],
    });
    r = await t.call('rotation.act', { rotationId: r.id, action: { kind: 'pasteNew', key: made.secret } });
    expect(r.status).toBe('failed');
    expect(JSON.stringify(r)).not.toContain(made.secret);
    for (const text of t.files()) {
      expect(text).not.toContain(made.secret);
      expect(text).not.toContain(seeded.admin.live);
    }
  });
});

describe('never guess which key is which (sk-style: no last 4 in the list)', () => {
  it('with another key in use all along, nothing is revoked while the admin key is unknown, and a pasted key is never filed under another key', async () => {
    const seeded = t.sandbox.skapi.seedOrg('Busy', [{ name: 'Production', environment: 'live' }]);
    const production = t.sandbox.skapi.truth(seeded.org.id).find((k) => k.name === 'Production');
    t.sandbox.skapi.useInBackground([production?.id ?? '']);
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    expect(c.credential.providerKeyId).toBeUndefined();
    const refused = await t.callErr('keys.revoke', {
      orgId: c.organization.id,
      environment: 'live',
      keyId: production?.id,
    });
    expect(refused.code).toBe('KEY_IDENTITY_UNKNOWN');
    expect(t.sandbox.skapi.truthById(production?.id ?? '')?.status).toBe('active');

    const pasted = t.sandbox.skapi.mint(seeded.org.id, 'Pasted', 'live');
    const adopted = await t.call('keys.adopt', {
      orgId: c.organization.id,
      environment: 'live',
      key: pasted.secret,
      name: 'Pasted',
    });
    const cred = t.ws.meta.read().credentials.find((x) => x.id === adopted.credentialId);
    // Either proven (its own id) or unknown; never the production key's id.
    expect([undefined, pasted.key.id]).toContain(cred?.providerKeyId);
    const list = await t.call('keys.list', { orgId: c.organization.id, environment: 'live' });
    // Every key Keydeck holds is in the list, matched or marked.
    for (const held of t.ws.meta.read().credentials)
      expect(list.keys.some((k) => k.heldCredentialId === held.id)).toBe(true);
    expect(t.sandbox.skapi.truthById(production?.id ?? '')?.status).toBe('active');
  });

  it('with no other use, a pasted key is identified by its last-use pattern, and revoking it revokes that key only', async () => {
    const seeded = t.sandbox.skapi.seedOrg('Quiet', [{ name: 'Other', environment: 'live' }]);
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    const pasted = t.sandbox.skapi.mint(seeded.org.id, 'Pasted', 'live');
    const adopted = await t.call('keys.adopt', {
      orgId: c.organization.id,
      environment: 'live',
      key: pasted.secret,
      name: 'Pasted',
    });
    expect(t.ws.meta.read().credentials.find((x) => x.id === adopted.credentialId)?.providerKeyId).toBe(pasted.key.id);
  });

  it('late last-use data leaves the id unknown rather than wrong', async () => {
    const seeded = t.sandbox.skapi.seedOrg('Late', [{ name: 'Other', environment: 'live' }]);
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    t.sandbox.mode('skapi', { kind: 'late-last-use', afterRequests: 2 });
    const pasted = t.sandbox.skapi.mint(seeded.org.id, 'Pasted', 'live');
    const adopted = await t.call('keys.adopt', {
      orgId: c.organization.id,
      environment: 'live',
      key: pasted.secret,
      name: 'Pasted',
    });
    expect([undefined, pasted.key.id]).toContain(
      t.ws.meta.read().credentials.find((x) => x.id === adopted.credentialId)?.providerKeyId,
    );
  });
});

describe('the contract', () => {
  it('every error a call answers is one it declares (the workspace fails the test otherwise)', async () => {
    const { orgId } = await laghav();
    t.sandbox.fault('laghav', { kind: 'status', status: 500 }, 30);
    await t.callErr('keys.create', { orgId, environment: 'live', name: 'x', keep: false });
    await t.callErr('keys.list', { orgId, environment: 'live' });
    expect(t.undeclared).toEqual([]);
  });
});
