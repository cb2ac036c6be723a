/**
 * `npm run preview`: Keydeck's renderer in your browser, over the preview host, with the real
 * core, the real OS keychain and real HTTP. Development and tests only.
 *
 *   --port N                 listen on N (default 0: any free port)
 *   --profile DIR            metadata and logs folder (default: ./.keydeck-preview)
 *   --service NAME           keychain service name (default: "Keydeck Preview")
 *   --demo                   mark the workspace as a demo
 *   --json                   print {"url":…} as one JSON line (for tests)
 *
 * The profile is locked while the host runs (one Keydeck process per profile): if another Keydeck
 * process holds it, this prints who and exits with status 3 (with --json, also {"error":…}).
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { createNodeWorkspace } from '../core/node-workspace.js';
import { ProfileLockedError } from '../core/store/profile-lock.js';
import { startPreviewHost } from './host.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const profileDir = resolve(arg('--profile') ?? resolve(root, '.keydeck-preview'));
/** Opens the profile, or exits 3 with the lock's message when another Keydeck process holds it. */
function open() {
  try {
    return createNodeWorkspace({
      profileDir,
      keychainService: arg('--service') ?? 'Keydeck Preview',
      transport: 'preview',
      lockKind: 'preview',
      version,
      demo: args.includes('--demo'),
      clipboardClearMs: arg('--clipboard-clear-ms') ? Number(arg('--clipboard-clear-ms')) : undefined,
    });
  } catch (error) {
    if (!(error instanceof ProfileLockedError)) throw error;
    if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, profileDir: error.profileDir, holder: error.holder ? { pid: error.holder.pid, kind: error.holder.kind } : null } })}\n`);
    console.error(`Keydeck preview: ${error.message}`);
    process.exit(3);
  }
}
const workspace = open();
const host = await startPreviewHost({ core: workspace, rendererDir: resolve(root, 'out/renderer'), port: Number(arg('--port') ?? 0) });
if (args.includes('--json')) {
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
