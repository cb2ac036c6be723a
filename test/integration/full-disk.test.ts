import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeydeckError } from '../../shared/errors.js';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { MemoryClipboard } from '../../electron/core/ports.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

/**
 * A full disk under the profile folder: a real 512 KiB tmpfs, filled up after connecting. Needs
 * `mount` (root, as in CI); elsewhere the test says it was skipped and why.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'keydeck-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
  mounted = true;
} catch {
  console.log('SKIPPED: full-disk tests need to mount a small tmpfs (root); this machine refused.');
}

function fill(dir: string): void {
  // Fill every last block: big writes first, then small ones, until the disk refuses.
  for (const size of [65_536, 4096, 512, 1]) {
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(dir, `filler-${size}-${i}`), Buffer.alloc(size, 1));
      } catch {
        break;
      }
    }
  }
}

describe.runIf(mounted)('a full disk never costs a created key', () => {
  let sandbox: Sandbox;
  const secrets = new KeytarSecretStore(`Keydeck Full ${process.pid}`);
  let ws: ReturnType<typeof createNodeWorkspace>;
  let orgId = '';
  let sandboxOrg = '';

  beforeAll(async () => {
    sandbox = await startSandbox();
    const seeded = sandbox.laghav.seedOrg('Full');
    sandboxOrg = seeded.org.id;
    ws = createNodeWorkspace({
      profileDir: join(mountPoint, 'profile'),
      keychainService: secrets.service,
      transport: 'preview',
      version: 'test',
      secrets,
      clipboard: new MemoryClipboard(),
      baseUrlOverrides: sandbox.urls,
      http: { sleep: async () => undefined },
    });
    const connected = await ws.call('orgs.connect', { key: seeded.admin.live });
    if (!connected.ok) throw new Error(connected.error.message);
    orgId = (connected.value as { organization: { id: string } }).organization.id;
    fill(mountPoint);
  });

  afterAll(async () => {
    for (const entry of await secrets.list()) await secrets.delete(entry.account);
    await ws?.dispose().catch(() => undefined);
    await sandbox?.close();
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('keys.create answers the secret once, with what could not be written', async () => {
    const before = sandbox.laghav.truth(sandboxOrg).length;
    const r = await ws.call('keys.create', { orgId, environment: 'live', name: 'On a full disk', keep: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const value = r.value as {
      secret: string;
      heldCredentialId?: string;
      keepError?: KeydeckError;
      problems?: KeydeckError[];
    };
    // The key exists, its one secret reached the person, and it works.
    expect(sandbox.laghav.truth(sandboxOrg).length).toBe(before + 1);
    expect(sandbox.laghav.accepts(value.secret)).toBe(true);
    // Keeping it failed (the metadata could not be written) and says so; nothing half-kept remains.
    expect(value.heldCredentialId).toBeUndefined();
    expect(value.keepError?.code).toBe('STORE_ERROR');
    expect(value.problems?.map((p) => p.code)).toContain('STORE_ERROR');
    expect((await secrets.list()).map((e) => e.secret)).not.toContain(value.secret);
  });

  it('a rotation cannot start, and creates nothing at the provider, when its journal cannot be written', async () => {
    const admin = ws.meta.read().credentials[0];
    const before = sandbox.laghav.truth(sandboxOrg).length;
    const r = await ws.call('rotation.start', { orgId, credentialId: admin?.id, confirmLive: true });
    expect(r.ok ? 'ok' : r.error.code).toBe('STORE_ERROR');
    expect(sandbox.laghav.truth(sandboxOrg).length).toBe(before);
  });
});
