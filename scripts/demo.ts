/**
 * `npm run demo`: Keydeck against the provider sandbox, with demo organizations already connected,
 * in its own keychain service ("Keydeck Demo") and its own profile folder, so it never touches
 * your real Keydeck data. Opens the Electron app where its binary is present, otherwise the
 * preview host in your browser (it prints the URL). Ctrl+C stops it and removes the demo's keys
 * from the keychain and its profile folder.
 *
 *   --preview   use the browser preview even where Electron is present
 *   --port N    preview host port (default: any free port)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import keytar from 'keytar';
import type { ProviderId } from '../shared/domain.js';
import { createNodeWorkspace } from '../electron/core/node-workspace.js';
import { adapterFor } from '../electron/core/providers/index.js';
import { startPreviewHost } from '../electron/preview/host.js';
import { startSandbox } from '../test/sandbox/server.js';
import { installedElectron } from './electron-binary.mjs';

const SERVICE = 'Keydeck Demo';
const args = process.argv.slice(2);
const portArg = args.indexOf('--port') >= 0 ? Number(args[args.indexOf('--port') + 1]) : 0;
const root = resolve(import.meta.dirname, '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Empties the demo's keychain service (leftovers of a run that was killed included). */
async function wipeDemoKeychain(): Promise<number> {
  const entries = await keytar.findCredentials(SERVICE);
  for (const e of entries) await keytar.deletePassword(SERVICE, e.account);
  return entries.length;
}

await wipeDemoKeychain();
const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-demo-'));
const sandbox = await startSandbox();
// One connected organization per provider (live and test where the provider has both), and one
// more per provider left for you to connect.
const seeded = {
  laghav: sandbox.laghav.seedOrg('Acme Corp', [
    { name: 'Production web app', environment: 'live', scope: 'app_web' },
    { name: 'Nightly billing export', environment: 'live', scope: 'app_billing' },
    { name: 'Legacy cron (unused?)', environment: 'live' },
    { name: 'CI pipeline', environment: 'test', scope: 'app_ci' },
    { name: 'Local development', environment: 'test' },
  ]),
  legba: sandbox.legba.seedOrg('Acme Robotics', [{ name: 'Fleet controller', environment: 'live' }]),
  leadey: sandbox.leadey.seedOrg('Globex Sales', [{ name: 'CRM sync', environment: 'live' }]),
  logtalk: sandbox.logtalk.seedOrg('Globex Support', [{ name: 'Helpdesk bot', environment: 'live' }, { name: 'Staging', environment: 'test' }]),
  skapi: sandbox.skapi.seedOrg('Initech Payments', [
    { name: 'Production Key', environment: 'live' },
    { name: 'Webhook signer', environment: 'live' },
    { name: 'Sandbox checkout', environment: 'test' },
  ]),
};
const yours = {
  laghav: sandbox.laghav.seedOrg('Initech'),
  legba: sandbox.legba.seedOrg('Initech Robotics'),
  leadey: sandbox.leadey.seedOrg('Initech Sales'),
  logtalk: sandbox.logtalk.seedOrg('Initech Support'),
  skapi: sandbox.skapi.seedOrg('Umbrella Payments'),
};

// Takes the profile lock (a fresh folder, so never held); released before Electron opens the profile.
const workspace = createNodeWorkspace({ profileDir, keychainService: SERVICE, transport: 'preview', lockKind: 'demo', version, demo: true, baseUrlOverrides: sandbox.urls, dashboardUrlOverrides: sandbox.dashboards });
for (const [provider, { org, admin }] of Object.entries(seeded) as [ProviderId, (typeof seeded)[keyof typeof seeded]][]) {
  // Providers that publish no key prefix, or need their own org id, are told so, as the UI asks the user.
  const info = adapterFor(provider).info;
  const extra = { ...(info.keyPrefixes.length === 0 ? { provider } : {}), ...(info.providerOrgField ? { providerOrgId: org.id } : {}) };
  const connected = await workspace.call('orgs.connect', { key: admin.live, name: org.name, ...extra });
  if (!connected.ok) throw new Error(`demo seeding failed for ${provider}: ${connected.error.message}`);
  const { organization } = connected.value as { organization: { id: string } };
  if (admin.test) {
    const test = await workspace.call('orgs.connectEnvironment', { orgId: organization.id, environment: 'test', key: admin.test });
    if (!test.ok) throw new Error(`demo seeding failed for ${provider} (test): ${test.error.message}`);
  }
}

let cleanup = async () => undefined as unknown;
const electronBinary = args.includes('--preview') ? undefined : installedElectron(root);
console.log('Keydeck demo');
console.log(`  keychain service: "${SERVICE}"   (see it: secret-tool search --all service "${SERVICE}")`);
console.log(`  profile folder:   ${profileDir}`);
console.log(`  provider sandbox: ${Object.entries(sandbox.urls).map(([p, u]) => `${p} ${u}`).join(', ')}`);
console.log(`  Already connected: ${Object.values(seeded).map((s) => s.org.name).join(', ')}.`);
console.log('  Connect one yourself (sandbox keys, valid only in this demo):');
for (const [provider, { org, admin }] of Object.entries(yours) as [ProviderId, (typeof yours)[keyof typeof yours]][]) {
  const info = adapterFor(provider).info;
  const extra = info.providerOrgField ? `   (choose ${info.displayName}; ${info.providerOrgField.label} ${org.id})` : '';
  console.log(`    ${org.name.padEnd(18)} live ${admin.live}${extra}`);
  if (admin.test) console.log(`    ${''.padEnd(18)} test ${admin.test}`);
}

if (electronBinary) {
  // Frees the profile lock: the app takes it (one Keydeck process per profile).
  await workspace.dispose();
  const child = spawn(electronBinary, [root], {
    stdio: 'inherit',
    env: { ...process.env, KEYDECK_PROFILE_DIR: profileDir, KEYDECK_KEYCHAIN_SERVICE: SERVICE, KEYDECK_SANDBOX_URLS: JSON.stringify({ api: sandbox.urls, dashboard: sandbox.dashboards }) },
  });
  cleanup = async () => child.kill();
  child.on('exit', () => void stop());
} else {
  const host = await startPreviewHost({ core: workspace, rendererDir: join(root, 'out/renderer'), port: portArg });
  console.log('');
  console.log(`  The Electron runtime is not installed here, so the demo runs in your browser. Open:`);
  console.log(`  ${host.url}`);
  cleanup = async () => {
    await host.close();
    await workspace.dispose();
  };
}
console.log('\nPress Ctrl+C to stop; the demo keys are then removed from the keychain.');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await cleanup();
  await sandbox.close();
  const removed = await wipeDemoKeychain();
  rmSync(profileDir, { recursive: true, force: true });
  console.log(`Demo stopped: ${removed} demo key(s) removed from the keychain, profile folder deleted.`);
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
