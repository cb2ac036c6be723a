// Finds the Electron binary without triggering its download (Electron 45 fetches it on first use).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The path of an already-downloaded Electron binary, or undefined. */
export function installedElectron(root = process.cwd()) {
  const dir = resolve(root, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}
