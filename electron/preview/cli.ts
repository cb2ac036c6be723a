/**
 * `npm run preview`: Keydeck's renderer in your browser, over the preview host, with the real
 * core, the real OS keychain and real HTTP. Development and tests only. `--help` lists every flag;
 * an unknown flag or a bad value exits 2 with one line.
 *
 * The profile is locked while the host runs (one Keydeck process per profile): if another Keydeck
 * process holds it, this prints who and exits with status 3 (with --json, also {"error":…}).
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { intFlag, parseCommandLine, portFlag, textFlag } from './cli-args.js';
import { createNodeWorkspace } from '../node-workspace.js';
import { ProfileLockedError } from '../core/store/profile-lock.js';
import { startPreviewHost } from './host.js';

const PROGRAM = 'keydeck-preview';
const flags = parseCommandLine(PROGRAM, {
  usage: 'npm run preview --',
  summary:
    "Serves Keydeck's UI on 127.0.0.1 for your browser (token-guarded WebSocket), with the real core, keychain and HTTP. Development and tests only.",
  flags: {
    port: { type: 'string', value: 'N', help: 'listen on port N (default 0: any free port)' },
    profile: { type: 'string', value: 'DIR', help: 'metadata and logs folder (default: ./.keydeck-preview)' },
    service: { type: 'string', value: 'NAME', help: 'keychain service name (default: "Keydeck Preview")' },
    demo: { type: 'boolean', help: 'mark the workspace as a demo' },
    json: { type: 'boolean', help: 'print {"url":…,"origin":…,"profileDir":…} as one JSON line (for tests)' },
    'clipboard-clear-ms': {
      type: 'string',
      value: 'MS',
      help: 'clear a copied key after MS milliseconds (default 30000; tests)',
    },
  },
  notes: [
    'Exit codes: 0 stopped by Ctrl+C, 1 could not start, 2 bad command line, 3 profile in use by another Keydeck process.',
  ],
});
const port = portFlag(PROGRAM, 'port', flags.port);
const service = textFlag(PROGRAM, 'service', flags.service) ?? 'Keydeck Preview';
const clipboardClearMs = intFlag(PROGRAM, 'clipboard-clear-ms', flags['clipboard-clear-ms'], 0, 3_600_000);
const root = resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const profileDir = resolve(textFlag(PROGRAM, 'profile', flags.profile, 4096) ?? resolve(root, '.keydeck-preview'));

/** Any other failure to start: one line, exit 1, never a stack trace. */
function cannotStart(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (flags.json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: (error as { code?: string }).code ?? 'START_FAILED', message } })}\n`,
    );
  console.error(`Keydeck preview: could not start: ${message.split('\n')[0]}`);
  process.exit(1);
}

/** Opens the profile, or exits 3 with the lock's message when another Keydeck process holds it. */
function open() {
  try {
    return createNodeWorkspace({
      profileDir,
      keychainService: service,
      transport: 'preview',
      lockKind: 'preview',
      version,
      demo: flags.demo ?? false,
      clipboardClearMs,
    });
  } catch (error) {
    if (!(error instanceof ProfileLockedError)) cannotStart(error);
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, profileDir: error.profileDir, holder: error.holder ? { pid: error.holder.pid, kind: error.holder.kind } : null } })}\n`,
      );
    console.error(`Keydeck preview: ${error.message}`);
    process.exit(3);
  }
}
const workspace = open();
const host = await startPreviewHost({ core: workspace, rendererDir: resolve(root, 'out/renderer'), port }).catch(
  async (error: unknown) => {
    await workspace.dispose().catch(() => undefined);
    const busy = (error as { code?: string }).code === 'EADDRINUSE';
    return cannotStart(
      busy ? new Error(`port ${port} is in use; choose another with --port N, or --port 0 for any free port`) : error,
    );
  },
);
if (flags.json) {
  process.stdout.write(`${JSON.stringify({ url: host.url, origin: host.origin, profileDir })}\n`);
} else {
  console.log(`Keydeck preview: open ${host.url}`);
  console.log(`Profile folder: ${profileDir}`);
}
const stop = () =>
  void host
    .close()
    .then(() => workspace.dispose())
    .then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
