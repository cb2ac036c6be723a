/**
 * Runs Keydeck's core on the real keychain library in its own process, so a test can start it
 * with no D-Bus session (no keychain at all) and drive session-only mode against a real sandbox.
 * Prints one JSON line: every answer, and the secrets the sandbox issued (the canaries).
 *
 *   tsx session-child.ts <profileDir> <scenario: session | crash | after>
 */
import { createNodeWorkspace } from '../../../electron/node-workspace.js';
import { MemoryClipboard } from '../../../electron/core/ports.js';
import { startSandbox } from '../../sandbox/server.js';

const [profileDir = '', scenario = 'session'] = process.argv.slice(2);
const sandbox = await startSandbox();
const ws = createNodeWorkspace({
  profileDir,
  keychainService: `Keydeck Session ${process.pid}`,
  transport: 'preview',
  version: 'test',
  clipboard: new MemoryClipboard(),
  keychainTimeoutMs: 5000,
  baseUrlOverrides: sandbox.urls,
});
const out: Record<string, unknown> = {};
const step = async (name: string, channel: string, input: unknown) => {
  out[name] = await ws.call(channel, input);
  return out[name] as { ok: boolean; value?: Record<string, never> };
};

if (scenario === 'after') {
  await step('orgsAtStart', 'orgs.list', {});
  await step('activity', 'activity.list', {});
} else {
  const { admin } = sandbox.laghav.seedOrg('Acme', [{ name: 'CI pipeline', environment: 'test' }]);
  await step('statusBefore', 'vault.status', {});
  await step('connectBeforeSession', 'orgs.connect', { key: admin.test, name: 'Acme' });
  await step('useSession', 'vault.useSession', {});
  const callsBefore = sandbox.laghav.calls.length;
  await step('connectLive', 'orgs.connect', { key: admin.live, name: 'Acme live' });
  out.liveCallsToProvider = sandbox.laghav.calls.length - callsBefore;
  const connected = await step('connectTest', 'orgs.connect', { key: admin.test, name: 'Acme' });
  const org = (connected.value as { organization?: { id: string } } | undefined)?.organization;
  await step('list', 'keys.list', { orgId: org?.id, environment: 'test' });
  await step('create', 'keys.create', { orgId: org?.id, environment: 'test', name: 'Kept in memory', keep: true });
  await step('addLive', 'orgs.connectEnvironment', { orgId: org?.id, environment: 'live', key: admin.live });
  await step('statusDuring', 'vault.status', {});
  await step('orgsDuring', 'orgs.list', {});
  out.metaDuring = ws.meta.read();
  if (scenario === 'crash') {
    out.issued = sandbox.laghav.issued;
    process.stdout.write(`${JSON.stringify(out)}\n`);
    // No dispose: the process dies as in a crash or a power cut.
    process.kill(process.pid, 'SIGKILL');
  }
  await ws.dispose();
  out.metaAfterQuit = ws.meta.read();
}
out.issued = sandbox.laghav.issued;
process.stdout.write(`${JSON.stringify(out)}\n`);
await sandbox.close();
// keytar may keep a worker thread waiting on the bus it never reached.
process.kill(process.pid, 'SIGKILL');
