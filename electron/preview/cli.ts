/**
 * `npm run preview`: Keydeck's renderer in your browser, over the preview host, with the real
 * core, the real OS keychain and real HTTP. Development and tests only.
 *
 *   --port N                 listen on N (default 0: any free port)
 *   --profile DIR            metadata and logs folder (default: ./.keydeck-preview)
 *   --service NAME           keychain service name (default: "Keydeck Preview")
 *   --demo                   mark the workspace as a demo
 *   --json                   print {"url":…} as one JSON line (for tests)
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { createNodeWorkspace } from '../core/node-workspace.js';
import { startPreviewHost } from './host.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const profileDir = resolve(arg('--profile') ?? resolve(root, '.keydeck-preview'));
const workspace = createNodeWorkspace({
  profileDir,
  keychainService: arg('--service') ?? 'Keydeck Preview',
  transport: 'preview',
  version,
  demo: args.includes('--demo'),
  clipboardClearMs: arg('--clipboard-clear-ms') ? Number(arg('--clipboard-clear-ms')) : undefined,
});
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
