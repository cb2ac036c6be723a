#!/usr/bin/env node
// `npm start`: runs the built app in Electron. Electron 45 downloads its runtime on first use; where
// that cannot happen (no internet), say so in one line and point to the browser preview instead.
import { spawn, spawnSync } from 'node:child_process';
import { installedElectron } from './electron-binary.mjs';

let binary = installedElectron();
if (!binary) {
  console.log('Keydeck: fetching the Electron runtime (first start only)…');
  const fetched = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    encoding: 'utf8',
  });
  binary = fetched.status === 0 ? installedElectron() : undefined;
  if (!binary) {
    console.error(
      'Keydeck: the Electron runtime could not be downloaded (no internet access?). Use `npm run demo` or `npm run preview` to run Keydeck in your browser instead.',
    );
    process.exit(1);
  }
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit', env: process.env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
