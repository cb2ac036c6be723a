import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from '../support/figures.js';
import type { RotationView } from '../../shared/rotation.js';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { playRotation, sandboxHands } from './helpers/rotation-driver.js';
import { PROVIDERS } from '../support/providers.js';
import { FORWARD_BOUNDARIES } from '../../electron/core/rotation/kit.js';

/** Every step boundary the engine announces on the way forward, in order (the engine's own list). */
const BOUNDARIES: readonly string[] = FORWARD_BOUNDARIES;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const child = resolve('test/integration/helpers/rotation-child.ts');

function runChild(spec: object): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((done, fail) => {
    // One process (tsx as a loader, not its CLI, which would put a second process in between).
    const p = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, KEYDECK_CRASH_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('exit', (code, signal) =>
      code !== 0 && !signal ? fail(new Error(`child failed: ${stderr.slice(-2000)}`)) : done({ code, signal, stdout }),
    );
  });
}

describe('crash injection: SIGKILL at every step boundary, then resume (real keychain, real HTTP)', () => {
  it.each(PROVIDERS)(
    '%s',
    async (provider) => {
      const profileDir = mkdtempSync(join(tmpdir(), `keydeck-crash-${provider}-`));
      const service = `Keydeck Crash ${process.pid} ${provider}`;
      const secrets = new KeytarSecretStore(service);
      const ws = createNodeWorkspace({
        profileDir,
        keychainService: service,
        transport: 'preview',
        version: 'test',
        secrets,
        baseUrlOverrides: sandbox.urls,
        dashboardUrlOverrides: sandbox.dashboards,
      });
      const call = async <T>(channel: string, input: unknown): Promise<T> => {
        const r = await ws.call(channel, input);
        if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
        return r.value as T;
      };
      const killedAt: string[] = [];
      try {
        for (const crashAt of BOUNDARIES) {
          const seeded = sandbox[provider].seedOrg(`Crash ${crashAt}`);
          const extra = provider === 'legba' ? { provider, providerOrgId: seeded.org.id } : {};
          const { organization, credential } = await call<{ organization: { id: string }; credential: { id: string } }>(
            'orgs.connect',
            { key: seeded.admin.live, name: `Crash ${crashAt}`, ...extra },
          );
          const secretOf = async (credentialId: string) => {
            const cred = ws.meta.read().credentials.find((c) => c.id === credentialId);
            return cred ? secrets.get(`${provider}:${organization.id}:${cred.environment}:${cred.id}`) : null;
          };
          const hands = sandboxHands(sandbox.servers[provider].origin, seeded.org.id);
          const result = await runChild({
            profileDir,
            service,
            urls: sandbox.urls,
            dashboards: sandbox.dashboards,
            origin: sandbox.servers[provider].origin,
            sandboxOrgId: seeded.org.id,
            orgId: organization.id,
            credentialId: credential.id,
            provider,
            crashAt,
          });
          if (result.signal === 'SIGKILL') killedAt.push(crashAt);

          // Resume what the killed process left, as Keydeck does on its next start.
          const open = (await call<{ rotations: RotationView[] }>('rotation.list', {})).rotations.filter(
            (r) => r.orgId === organization.id,
          );
          const rotation = open[0];
          expect(rotation, `${crashAt}: the rotation is in the journal`).toBeDefined();
          // The person clicks Resume, as the wizard offers on start.
          const resumed =
            rotation && rotation.status !== 'done'
              ? await call<RotationView>('rotation.act', { rotationId: rotation.id, action: { kind: 'resume' } })
              : rotation;
          const finished =
            resumed && resumed.status !== 'done' ? await playRotation(call, resumed, hands, secretOf) : resumed;
          expect(finished?.status, `${crashAt}`).toBe('done');

          // A working key is stored, and it is Keydeck's admin key now.
          const doc = ws.meta.read();
          const creds = doc.credentials.filter((c) => c.orgId === organization.id);
          expect(
            creds.map((c) => c.role),
            `${crashAt}: nothing pending remains`,
          ).toEqual(['admin']);
          const current = await secretOf(creds[0]?.id ?? '');
          const currentKey = sandbox[provider].keys.lookup(current ?? '');
          expect(currentKey?.status, `${crashAt}: the stored key works`).toBe('active');
          // No created key is unknown to Keydeck: every active key at the provider is the one it holds.
          const active = sandbox[provider]
            .keysOf(seeded.org.id)
            .filter((k) => k.status === 'active' && k.environment === 'live');
          expect(
            active.map((k) => k.id),
            `${crashAt}: no unknown live key`,
          ).toEqual([currentKey?.id]);
          // The old key is dead, and was revoked only after the new one was verified and confirmed.
          const old = sandbox[provider].keys.lookup(seeded.admin.live);
          expect(old?.status).toBe('revoked');
          expect(Date.parse(old?.revokedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(finished?.useConfirmedAt ?? 'x'));
          expect(Date.parse(finished?.useConfirmedAt ?? '')).toBeGreaterThanOrEqual(
            Date.parse(finished?.newKey.verifiedAt ?? 'x'),
          );
          // At most one extra key was ever created (a lost create answer), and it is revoked.
          expect(
            sandbox[provider].keysOf(seeded.org.id).filter((k) => k.environment === 'live').length,
          ).toBeLessThanOrEqual(3);
        }
      } finally {
        const doc = ws.meta.read();
        for (const c of doc.credentials) await secrets.delete(`${provider}:${c.orgId}:${c.environment}:${c.id}`);
        await ws.dispose();
      }
      // The kill happened where each path has a boundary (API create/revoke for Laghav; dashboard steps elsewhere).
      expect(killedAt).toEqual(
        expect.arrayContaining([
          'plan',
          'store',
          'verify',
          'deploy',
          'confirmUse',
          'admin-switch',
          'confirmRevoked',
          'finish:keychain',
          'done',
        ]),
      );
      if (provider === 'laghav') expect(killedAt).toEqual(BOUNDARIES);
      recordFigure('crashes', provider, { sigkills: killedAt.length, resumed: killedAt.length });
      console.log(`crash injection ${provider}: killed at ${killedAt.length} boundaries (${killedAt.join(', ')})`);
    },
    240_000,
  );
});
