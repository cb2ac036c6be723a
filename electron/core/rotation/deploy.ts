import type { DeployTarget } from '../../../shared/rotation.js';
import { KeydeckFailure } from '../../../shared/errors.js';
import { writeEnvFile } from './env-file.js';

/** Describes a target for the journal and the UI: a path and variable, never the key. */
export function describeTarget(t: DeployTarget): string {
  if (t.kind === 'clipboard') return 'the clipboard';
  if (t.kind === 'envFile') return `${t.variable} in ${t.path}`;
  return 'by hand ("I deployed it myself")';
}

/**
 * Sends the new key to one target. A failure is reported in the result (the rotation goes on; the
 * person can pick another target), never thrown.
 */
export async function deployTo(
  target: DeployTarget,
  secret: string,
  copySecret: (secret: string) => Promise<unknown>,
  at: string,
  options: { backupPath?: string; existingBackup?: 'keep' | 'refuse' } = {},
) {
  const name = describeTarget(target);
  try {
    if (target.kind === 'clipboard') {
      await copySecret(secret);
      return {
        at,
        target: name,
        ok: true,
        message: 'Copied; the clipboard is cleared after the timeout if it still holds the key.',
      };
    }
    if (target.kind === 'envFile') {
      const { backup, replaced } = await writeEnvFile(target.path, target.variable, secret, options);
      const how = replaced ? `replaced ${replaced} assignment${replaced > 1 ? 's' : ''}` : 'added the variable';
      return {
        at,
        target: name,
        ok: true,
        message: `Wrote the file (${how}; its owner and mode kept, a new file is 0600)${backup ? `; the previous version is in ${backup}` : ''}.`,
      };
    }
    return { at, target: name, ok: true, message: 'You deploy it yourself.' };
  } catch (error) {
    const message =
      error instanceof KeydeckFailure
        ? error.error.message
        : `Could not write: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`;
    return { at, target: name, ok: false, message };
  }
}
