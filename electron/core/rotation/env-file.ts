import { randomBytes } from 'node:crypto';
import { chmod, copyFile, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fail } from '../../../shared/errors.js';

/**
 * Only files named like env files: `.env`, `.env.production`, `production.env`, `app.env.local`.
 * A renderer that asked Keydeck to write a key anywhere else is refused.
 */
export function isEnvFileName(path: string): boolean {
  const name = basename(path);
  return /^\.env(\.[A-Za-z0-9_-]+)*$/.test(name) || /^[A-Za-z0-9_-]+\.env(\.[A-Za-z0-9_-]+)*$/.test(name);
}

/** Quotes a value the way the line already did, or not at all when it needs none. */
function render(value: string, quote: string): string {
  if (quote === "'") return `'${value}'`;
  if (quote === '"') return `"${value}"`;
  return value;
}

/**
 * Sets `variable` in the text of a .env file, keeping every other line, comment and blank line as
 * it was. An existing assignment (optionally `export`ed, optionally quoted, with a trailing comment)
 * keeps its form; otherwise the assignment is appended. Every assignment of the variable is
 * updated, so a later duplicate cannot shadow the new value.
 */
export function setEnvVariable(text: string, variable: string, value: string): { text: string; replaced: number } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.length ? text.split(/\r?\n/) : [];
  const pattern = new RegExp(`^(\\s*(?:export\\s+)?${variable}\\s*=\\s*)(["']?)(.*?)\\2(\\s+#.*)?$`);
  let replaced = 0;
  const out = lines.map((line) => {
    const m = pattern.exec(line);
    if (!m) return line;
    replaced++;
    return `${m[1]}${render(value, m[2] ?? '')}${m[4] ?? ''}`;
  });
  if (replaced === 0) {
    if (out.length > 0 && out[out.length - 1] === '') out.splice(out.length - 1, 0, `${variable}=${value}`);
    else out.push(`${variable}=${value}`, '');
  }
  return { text: out.join(eol), replaced };
}

/**
 * Writes the new key into a .env file atomically: the previous file is kept as `<file>.keydeck.bak`
 * (mode 0600), the new content goes to a temporary file in the same folder (mode 0600, flushed to
 * disk), which then replaces the original in one rename. A crash leaves either the old file or the
 * new one, never half of one.
 */
export async function writeEnvFile(path: string, variable: string, value: string): Promise<{ backup?: string; replaced: number }> {
  if (!isAbsolute(path) || path.includes('\0')) fail('VALIDATION_FAILED', 'Choose the .env file by its full path.');
  if (!isEnvFileName(path)) fail('VALIDATION_FAILED', `Keydeck writes keys only into .env files; ${basename(path)} is not one.`);
  let previous = '';
  let backup: string | undefined;
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) fail('VALIDATION_FAILED', `${basename(path)} is not a file.`);
  if (existing) {
    previous = await readFile(path, 'utf8');
    backup = `${path}.keydeck.bak`;
    await copyFile(path, backup);
    await chmod(backup, 0o600);
  }
  const { text, replaced } = setEnvVariable(previous, variable, value);
  const temp = join(dirname(path), `.${basename(path)}.keydeck-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
    await chmod(path, 0o600);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return { backup, replaced };
}

/**
 * Removes the `<file>.keydeck.bak` a deploy left, once the rotation is done: the old key in it is dead
 * by then, and no copy of a key should outlive its use. Idempotent (a crash may run it twice).
 */
export async function removeEnvBackup(path: string): Promise<void> {
  if (!isAbsolute(path) || !isEnvFileName(path)) return;
  await unlink(`${path}.keydeck.bak`).catch(() => undefined);
}
