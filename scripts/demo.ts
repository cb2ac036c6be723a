/**
 * `npm run demo`: Keydeck against the provider sandbox, with demo organizations already connected
 * (keys of several ages, some due, stale or never used), in its own keychain service and its own
 * profile folder, so it never touches your real Keydeck data. Opens the Electron app where its
 * binary is present, otherwise the preview host in your browser (it prints the URL).
 *
 * - A plain run lives in a temporary folder and keychain service "Keydeck Demo"; Ctrl+C removes
 *   both, and a run that was killed is cleaned up by the next start (scripts/demo/runs.ts).
 * - `--keep` keeps everything in `./.keydeck-demo/` (or `--dir`) and keychain service
 *   "Keydeck Demo (kept)": the next `--keep` start resumes it, unfinished rotations included
 *   (scripts/demo/kept.ts).
 * - Where no keychain can be reached (no D-Bus session, no Secret Service), the demo says in one
 *   line how to get one and runs in session-only mode: test keys in memory, live keys refused.
 *
 * Never a stack trace: every failure is one line and an exit code (1 could not start, 2 bad
 * command line, 3 the demo folder is in use by another Keydeck process). `--help` lists every flag.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNodeWorkspace } from '../electron/node-workspace.js';
import { adapterFor } from '../electron/core/providers/index.js';
import { acquireProfileLock, ProfileLockedError, type ProfileLock } from '../electron/core/store/profile-lock.js';
import { KeytarSecretStore } from '../electron/core/vault/keytar-store.js';
import { keychainFailure } from '../electron/core/vault/secret-store.js';
import { startPreviewHost, type PreviewHost } from '../electron/preview/host.js';
import {
  startManifestSandbox,
  startSandbox,
  type ManifestProviderServer,
  type Sandbox,
  type SandboxState,
} from '../test/sandbox/server.js';
import { parseCommandLine, portFlag, textFlag } from '../electron/preview/cli-args.js';
import { DemoClock, mintAdmins, seedHistory, type SeededOrg } from './demo/history.js';
import {
  dropUnusedPrinted,
  foreignEntries,
  KEPT_FILES,
  loadKept,
  removeKeptFiles,
  writeJsonAtomic,
  type KeptDemo,
} from './demo/kept.js';
import { deleteKeychainItems, MARKER, orgIdsOf, removeStaleRuns, RUN_PREFIX, writeMarker } from './demo/runs.js';
import { installedElectron } from './electron-binary.mjs';

const PROGRAM = 'keydeck-demo';
const SERVICE = 'Keydeck Demo';
const KEPT_SERVICE = 'Keydeck Demo (kept)';
const root = resolve(import.meta.dirname, '..');

const flags = parseCommandLine(PROGRAM, {
  usage: 'npm run demo --',
  summary:
    'Keydeck against a local provider sandbox with demo organizations, in its own keychain service and profile folder; nothing real is touched. Opens the Electron app, or the browser preview where Electron is not installed.',
  flags: {
    preview: { type: 'boolean', help: 'use the browser preview even where Electron is installed' },
    port: { type: 'string', value: 'N', help: 'preview host port (default 0: any free port)' },
    keep: {
      type: 'boolean',
      help: 'keep the profile, keychain items and sandbox state; the next --keep start resumes them',
    },
    dir: { type: 'string', value: 'DIR', help: 'the folder --keep uses (default: ./.keydeck-demo)' },
    reset: {
      type: 'boolean',
      help: 'remove the kept demo (its folder and keychain items) first; with --keep, start it over',
    },
    json: {
      type: 'boolean',
      help: 'print one JSON line on stdout once ready ({"url":…}); everything else goes to stderr',
    },
  },
  notes: [
    'Exit codes: 0 stopped by Ctrl+C, 1 could not start, 2 bad command line, 3 the demo folder is in use by another Keydeck process.',
    'With no OS keychain (no D-Bus session or Secret Service) the demo runs in session-only mode: test keys in memory only.',
  ],
});
const port = portFlag(PROGRAM, 'port', flags.port);
const keptDir = resolve(textFlag(PROGRAM, 'dir', flags.dir, 4096) ?? join(root, '.keydeck-demo'));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
/** Human lines: stdout, or stderr with --json (stdout then carries only the JSON line). */
const say = (line = '') => (flags.json ? process.stderr.write(`${line}\n`) : process.stdout.write(`${line}\n`));

/** A failure the person can act on: printed as one line, never with a stack trace. */
class DemoError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const oneLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';

// ---- What this run holds, so any exit (Ctrl+C, a failure) can let go of it in order. ----
let kept = flags.keep ?? false;
let runDir: string | undefined;
let lock: ProfileLock | undefined;
let sandbox: Sandbox | undefined;
/** A sixth provider Keydeck does not ship, served from its manifest, for the person to add (plain demos only). */
let tollgate: ManifestProviderServer | undefined;
let workspace: ReturnType<typeof createNodeWorkspace> | undefined;
let workspaceDisposed = false;
let host: PreviewHost | undefined;
let child: ChildProcess | undefined;
let keychain: KeytarSecretStore | undefined;
let exiting = false;

/** Saves the sandbox's state in the kept folder (after every change, and at exit). */
function persistSandbox(): void {
  if (kept && sandbox) writeJsonAtomic(join(keptDir, KEPT_FILES.sandbox), sandbox.exportState());
}

async function shutdown(code: number, reason?: string): Promise<never> {
  if (exiting) return new Promise<never>(() => undefined);
  exiting = true;
  if (reason) process.stderr.write(`Keydeck demo: ${reason}\n`);
  // Whatever happens below, the process ends.
  setTimeout(() => process.exit(code), 25_000).unref();
  const profileDir = runDir ? join(runDir, KEPT_FILES.profile) : undefined;
  let removedKeys = 0;
  try {
    await host?.close().catch(() => undefined);
    if (child && child.exitCode === null) child.kill();
    if (workspace && !workspaceDisposed) await workspace.dispose().catch(() => undefined);
    if (sandbox) {
      if (kept) persistSandbox();
      await sandbox.close().catch(() => undefined);
    }
    await tollgate?.close().catch(() => undefined);
    lock?.release();
    if (runDir && kept) rmSync(join(runDir, MARKER), { force: true });
    if (runDir && !kept && profileDir) {
      const orgIds = orgIdsOf(profileDir);
      if (keychain && orgIds.size > 0) removedKeys = await deleteKeychainItems(keychain, orgIds).catch(() => 0);
      rmSync(runDir, { recursive: true, force: true });
    }
  } catch (error) {
    process.stderr.write(`Keydeck demo: while stopping: ${oneLine(error)}\n`);
  }
  if (code === 0 && runDir) {
    say(
      kept
        ? `Demo stopped. Kept in ${runDir} (keychain service "${KEPT_SERVICE}"): \`npm run demo -- --keep\` resumes it, \`npm run demo -- --reset\` removes it.`
        : `Demo stopped: ${removedKeys} demo key(s) removed from the keychain, demo folder deleted.`,
    );
  }
  process.exit(code);
}

const fatal = (error: unknown) =>
  void shutdown(
    error instanceof DemoError ? error.exitCode : 1,
    error instanceof DemoError ? error.message : `could not run: ${oneLine(error)}`,
  );
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

/** The keychain's state now: usable, or its typed problem (KEYCHAIN_UNAVAILABLE, _LOCKED, _TIMEOUT, _ERROR). */
async function probeKeychain(service: string): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  try {
    await new KeytarSecretStore(service).probe();
    return { ok: true };
  } catch (error) {
    const { code, message } = keychainFailure(error).error;
    return { ok: false, code, message };
  }
}

const KEYCHAIN_HOWTO =
  process.platform === 'linux'
    ? "No keychain: install gnome-keyring (or KWallet) and run inside a desktop session, or run `dbus-run-session -- sh -c 'printf demo | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npm run demo'`."
    : 'No keychain: Keydeck needs the OS keychain (macOS Keychain, Windows Credential Manager); sign in to your desktop session and start the demo again.';

/** Removes the kept demo in `dir`: its keychain items (of its organizations), then its files. */
async function resetKept(dir: string, store: KeytarSecretStore | undefined): Promise<void> {
  if (!existsSync(dir)) return;
  const foreign = foreignEntries(dir);
  if (foreign.length)
    throw new DemoError(
      `${dir} is not a demo folder (it holds ${foreign.slice(0, 3).join(', ')}); nothing was removed. Choose another with --dir.`,
    );
  const profileDir = join(dir, KEPT_FILES.profile);
  let held: ProfileLock | undefined;
  if (existsSync(profileDir)) {
    try {
      held = acquireProfileLock(profileDir, { kind: 'demo' });
    } catch (error) {
      if (error instanceof ProfileLockedError) throw new DemoError(`the kept demo is running: ${error.message}`, 3);
      throw error;
    }
  }
  try {
    const orgIds = orgIdsOf(profileDir);
    if (orgIds.size > 0) {
      if (!store)
        throw new DemoError(
          `the kept demo in ${dir} has keys in the keychain service "${KEPT_SERVICE}", and no keychain can be reached now to remove them; nothing was removed.`,
        );
      await deleteKeychainItems(store, orgIds);
    }
  } finally {
    held?.release();
  }
  removeKeptFiles(dir);
}

/** Connects one seeded organization through the core, as a person would paste its keys. */
async function connect(org: SeededOrg, environments: ('live' | 'test')[]): Promise<string | undefined> {
  if (!workspace) return undefined;
  const info = adapterFor(org.provider).info;
  // Providers that publish no key prefix, or need their own org id, are told so, as the UI asks the user.
  const extra = {
    ...(info.keyFormats.every((f) => f.prefix === '') ? { provider: org.provider } : {}),
    ...(info.providerOrgField ? { providerOrgId: org.orgId } : {}),
  };
  const envs = environments.filter((e) => org.admin[e]);
  const [first, ...rest] = envs;
  if (!first) return undefined;
  const connected = await workspace.call('orgs.connect', {
    key: org.admin[first],
    name: org.name,
    environment: first,
    ...extra,
  });
  if (!connected.ok)
    throw new DemoError(`connecting the demo organization ${org.name} failed: ${connected.error.message}`);
  const orgId = (connected.value as { organization: { id: string } }).organization.id;
  for (const env of rest) {
    const more = await workspace.call('orgs.connectEnvironment', { orgId, environment: env, key: org.admin[env] });
    if (!more.ok)
      throw new DemoError(`connecting the demo organization ${org.name} (${env}) failed: ${more.error.message}`);
  }
  // A first list of each, so the Overview, chart and reminders have something to show at once.
  for (const env of envs) await workspace.call('keys.list', { orgId, environment: env });
  return orgId;
}

async function main(): Promise<void> {
  const electronBinary = flags.preview ? undefined : installedElectron(root);
  const rendererDir = join(root, 'out/renderer');
  if (!electronBinary && !existsSync(join(rendererDir, 'index.html'))) {
    throw new DemoError(
      'the UI is not built: run `npm run demo` (it builds first), or `npx electron-vite build` and then this again.',
    );
  }

  // 1. The keychain: usable, or why not. Nothing below asks keytar anything before this answered.
  const probe = await probeKeychain(kept ? KEPT_SERVICE : SERVICE);
  if (!probe.ok) {
    if (probe.code === 'KEYCHAIN_UNAVAILABLE') say(KEYCHAIN_HOWTO);
    else say(`Keychain problem (${probe.code}): ${probe.message}`);
  }
  const plainStore = probe.ok ? new KeytarSecretStore(SERVICE) : undefined;
  const keptStore = probe.ok ? new KeytarSecretStore(KEPT_SERVICE) : undefined;

  // 2. The kept demo: removed on request, started over when it cannot be resumed.
  if (flags.reset) {
    await resetKept(keptDir, keptStore);
    if (!kept) say(`Removed the kept demo in ${keptDir}.`);
  }
  if (kept && !probe.ok) {
    say(
      `--keep needs the OS keychain (keys are kept there, under "${KEPT_SERVICE}"): this run is a plain demo, removed when it stops.`,
    );
    kept = false;
  }
  let saved = kept ? loadKept(keptDir) : 'none';
  if (saved === 'incomplete') {
    say(`The kept demo in ${keptDir} is incomplete (its sandbox state is missing or damaged): starting it over.`);
    await resetKept(keptDir, keptStore);
    saved = 'none';
  }
  const resumed = typeof saved === 'object' ? saved : undefined;

  // 3. This run's folder and its profile lock (a second demo on the kept folder is refused here).
  if (kept) {
    const foreign = foreignEntries(keptDir);
    if (foreign.length)
      throw new DemoError(
        `${keptDir} is not a demo folder (it holds ${foreign.slice(0, 3).join(', ')}). Choose another with --dir.`,
      );
    mkdirSync(keptDir, { recursive: true, mode: 0o700 });
  }
  const dir = kept ? keptDir : mkdtempSync(join(tmpdir(), RUN_PREFIX));
  // A plain run is marked at once, so a demo starting meanwhile never takes it for a dead one.
  if (!kept) writeMarker(dir, 'plain', SERVICE);
  try {
    lock = acquireProfileLock(join(dir, KEPT_FILES.profile), { kind: 'demo' });
  } catch (error) {
    if (!kept) rmSync(dir, { recursive: true, force: true });
    if (error instanceof ProfileLockedError) throw new DemoError(error.message, 3);
    throw error;
  }
  runDir = dir;
  keychain = kept ? keptStore : plainStore;
  if (kept) writeMarker(dir, 'kept', KEPT_SERVICE);

  // 4. Plain demos that were killed: their folders and keychain items go now.
  const stale = removeStaleRuns(tmpdir(), dir);
  let staleKeys = 0;
  if (plainStore) {
    const orgIds = new Set(stale.removed.flatMap((r) => [...r.orgIds]));
    // No other plain demo running: anything left under the plain service is a leftover.
    staleKeys = await deleteKeychainItems(plainStore, stale.othersRunning ? orgIds : 'all').catch(() => 0);
  }
  if (stale.removed.length || staleKeys)
    say(
      `Cleaned up after ${stale.removed.length} earlier demo run(s) that did not stop: folders removed, ${staleKeys} keychain item(s) deleted.`,
    );

  // 5. The sandbox: restored (same ports, so stored organizations still point at it) or seeded afresh.
  const clock = new DemoClock();
  let state: SandboxState | undefined;
  if (resumed) {
    state = resumed.sandbox;
    dropUnusedPrinted(state, resumed.demo);
  }
  const start = (ports?: KeptDemo['ports']) =>
    startSandbox({ clock: clock.now, ports, state, onChange: kept ? persistSandbox : undefined });
  sandbox = await start(resumed?.demo.ports).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    say(
      'The sandbox ports of the kept demo are in use by another program: using new ones (organizations you connected with a typed API URL point at the old ones).',
    );
    return start();
  });
  const sessionWanted = !probe.ok && probe.code === 'KEYCHAIN_UNAVAILABLE' && !electronBinary;

  // 6. Keydeck's core on the profile (the lock is ours; the workspace borrows it).
  workspace = createNodeWorkspace({
    profileDir: join(dir, KEPT_FILES.profile),
    keychainService: kept ? KEPT_SERVICE : SERVICE,
    transport: 'preview',
    lockKind: 'demo',
    version,
    demo: true,
    baseUrlOverrides: sandbox.urls,
    dashboardUrlOverrides: sandbox.dashboards,
    profileLock: lock,
  });

  let mode: 'keychain' | 'session' | 'none' = probe.ok ? 'keychain' : 'none';
  if (sessionWanted) {
    const session = await workspace.call('vault.useSession', {});
    if (session.ok) mode = 'session';
  }

  let connectedNames: string[] = [];
  let yours: SeededOrg[];
  if (resumed) {
    // The printed keys of last time were never kept: fresh ones for each organization left to you.
    yours = resumed.demo.yours.map((y) => ({
      provider: y.provider,
      orgId: y.orgId,
      name: y.name,
      ...mintAdmins(sandbox!, y.provider, y.orgId),
    }));
    const orgs = await workspace.call('orgs.list', {});
    connectedNames = orgs.ok
      ? (orgs.value as { organizations: { name: string }[] }).organizations.map((o) => o.name)
      : [];
  } else {
    const seeded = seedHistory(sandbox, clock);
    yours = seeded.yours;
    if (mode !== 'none') {
      // Session-only mode holds test keys only: the test environments are connected.
      const environments: ('live' | 'test')[] = mode === 'session' ? ['test'] : ['live', 'test'];
      for (const org of seeded.connected) if (await connect(org, environments)) connectedNames.push(org.name);
    }
  }
  const ports = Object.fromEntries(
    Object.entries(sandbox.servers).map(([p, s]) => [p, Number(new URL(s.origin).port)]),
  ) as KeptDemo['ports'];
  if (kept) {
    writeJsonAtomic(join(dir, KEPT_FILES.demo), {
      version: 1,
      ports,
      yours: yours.map((y) => ({
        provider: y.provider,
        orgId: y.orgId,
        name: y.name,
        printedIds: Object.values(y.adminIds).filter((id): id is string => !!id),
      })),
    } satisfies KeptDemo);
    persistSandbox();
  }
  const rotations = await workspace.call('rotation.list', {});
  const unfinished = rotations.ok
    ? (rotations.value as { rotations: { status: string }[] }).rotations.filter(
        (r) => r.status !== 'done' && r.status !== 'cancelled',
      ).length
    : 0;

  // 7. What the person needs to know.
  say(resumed ? 'Keydeck demo (kept, resumed)' : kept ? 'Keydeck demo (kept)' : 'Keydeck demo');
  say(
    `  keychain service: "${kept ? KEPT_SERVICE : SERVICE}"${mode === 'keychain' ? `   (see it: secret-tool search --all service "${kept ? KEPT_SERVICE : SERVICE}")` : mode === 'session' ? '   (not used: no keychain)' : ''}`,
  );
  say(
    `  demo folder:      ${dir}${kept ? '   (kept: `npm run demo -- --keep` resumes it)' : '   (removed when the demo stops)'}`,
  );
  say(
    `  provider sandbox: ${Object.entries(sandbox.urls)
      .map(([p, u]) => `${p} ${u}`)
      .join(', ')}`,
  );
  if (mode === 'session')
    say(
      "  Session-only mode: no keychain, so the test environments below are held in this demo's memory; live keys are refused.",
    );
  if (mode === 'none' && !probe.ok && probe.code === 'KEYCHAIN_UNAVAILABLE')
    say('  Nothing is connected: Keydeck offers session-only mode for test keys; paste a test key below.');
  if (connectedNames.length) say(`  Already connected: ${connectedNames.join(', ')}.`);
  if (unfinished)
    say(`  ${unfinished} unfinished rotation(s) from last time: Keydeck shows them with Resume and Cancel.`);
  say('  Connect one yourself (sandbox keys, valid only in this demo):');
  for (const org of yours) {
    const info = adapterFor(org.provider).info;
    const extra = info.providerOrgField
      ? `   (choose ${info.displayName}; ${info.providerOrgField.label} ${org.orgId})`
      : '';
    if (org.admin.live && mode !== 'session') say(`    ${org.name.padEnd(18)} live ${org.admin.live}${extra}`);
    if (org.admin.test)
      say(`    ${(org.admin.live && mode !== 'session' ? '' : org.name).padEnd(18)} test ${org.admin.test}${extra}`);
  }

  // A provider Keydeck does not ship: its manifest (the tests' sixth provider), served by the sandbox and
  // written beside the profile, pointing at it, for the person to add in Settings → Providers. Not in a
  // kept demo: its sandbox is not kept, so an organization connected to it would point at nothing next time.
  if (!kept) {
    const manifest = JSON.parse(readFileSync(join(root, 'test/fixtures/tollgate.manifest.json'), 'utf8')) as {
      dashboard: Record<string, unknown>;
    };
    tollgate = await startManifestSandbox(manifest, { clock: clock.now });
    const toll = tollgate.sandbox.seedOrg('Toll Co', [{ name: 'Billing worker', environment: 'live' }]);
    const manifestPath = join(dir, 'tollgate.manifest.json');
    const served = {
      ...manifest,
      baseUrl: { default: tollgate.apiBaseUrl },
      dashboard: { ...manifest.dashboard, url: tollgate.dashboardUrl, hosts: [] },
    };
    writeFileSync(manifestPath, `${JSON.stringify(served, null, 2)}\n`, { mode: 0o600 });
    say('  Add a provider Keydeck does not ship (Settings → Providers → Add a provider…), from its manifest:');
    say(`    ${manifestPath}`);
    if (mode !== 'session') say(`    then connect ${'Toll Co'.padEnd(11)} live ${toll.admin.live}`);
    else say(`    then connect ${'Toll Co'.padEnd(11)} test ${toll.admin.test}`);
  }

  // 8. Open Keydeck.
  const summary = {
    runDir: dir,
    profileDir: join(dir, KEPT_FILES.profile),
    service: kept ? KEPT_SERVICE : SERVICE,
    kept,
    resumed: !!resumed,
    keychain: mode,
    keychainProblem: probe.ok ? null : probe.code,
    unfinishedRotations: unfinished,
    sandbox: { api: sandbox.urls, dashboards: sandbox.dashboards },
  };
  if (electronBinary) {
    // Frees the profile: the app takes the lock itself (one Keydeck process per profile).
    await workspace.dispose();
    workspaceDisposed = true;
    lock.release();
    child = spawn(electronBinary, [root], {
      stdio: 'inherit',
      env: {
        ...process.env,
        KEYDECK_PROFILE_DIR: join(dir, KEPT_FILES.profile),
        KEYDECK_KEYCHAIN_SERVICE: kept ? KEPT_SERVICE : SERVICE,
        KEYDECK_SANDBOX_URLS: JSON.stringify({ api: sandbox.urls, dashboard: sandbox.dashboards }),
      },
    });
    child.on('error', (error) => fatal(new DemoError(`the Electron app could not start: ${error.message}`)));
    child.on('exit', () => void shutdown(0));
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, url: null })}\n`);
  } else {
    host = await startPreviewHost({ core: workspace, rendererDir, port }).catch((error: unknown) => {
      throw new DemoError(
        (error as { code?: string }).code === 'EADDRINUSE'
          ? `port ${port} is in use; choose another with --port N, or --port 0 for any free port`
          : `the preview could not start: ${oneLine(error)}`,
      );
    });
    say('');
    say(
      electronBinary === undefined && !flags.preview
        ? '  The Electron runtime is not installed here, so the demo runs in your browser. Open:'
        : '  The demo runs in your browser. Open:',
    );
    say(`  ${host.url}`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, url: host.url, origin: host.origin })}\n`);
  }
  say(
    kept
      ? '\nPress Ctrl+C to stop; everything is kept for the next `npm run demo -- --keep`.'
      : mode === 'session'
        ? '\nPress Ctrl+C to stop; the session-only keys are then forgotten and the demo folder removed.'
        : '\nPress Ctrl+C to stop; the demo keys are then removed from the keychain.',
  );
}

await main().catch(fatal);
