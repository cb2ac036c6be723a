import type { DeployRecord, DeployTarget, Rotation } from '../../../shared/rotation.js';
import { fail, KeydeckFailure } from '../../../shared/errors.js';
import { maskFromParts } from '../../../shared/keys.js';
import type { Clipboard } from '../ports.js';
import { basename } from 'node:path';
import { isBackupName, readEnvVariable, removeBackup, restoreEnvVariable } from './env-file.js';

/**
 * Rolling back a rotation's deploys. Before a rotation first writes to a target it records what the
 * target held (`DeployRecord`: the old key, nothing, or another value kept in a backup file); cancel
 * then puts that back wherever the target still holds the new key, before the new key is revoked,
 * so the person's app never holds a dead key. Never a secret in a record or a message.
 */

/** The backup of a `.env` file for one rotation: beside the file, named after the rotation, so it never collides. */
export function backupPath(path: string, rotationId: string): string {
  return `${path}.keydeck-${rotationId}.bak`;
}

/** What a .env target holds now, described against the rotation's two keys; how it will be recorded. */
export async function describeEnvTarget(
  target: Extract<DeployTarget, { kind: 'envFile' }>,
  rotationId: string,
  keys: { oldSecret: string | null; newSecret: string },
  at: string,
): Promise<DeployRecord> {
  if (isBackupName(target.path))
    fail(
      'VALIDATION_FAILED',
      `${basename(target.path)} is the name Keydeck gives its backups; choose the .env file itself.`,
    );
  const now = await readEnvVariable(target.path, target.variable);
  const previous =
    now.kind === 'missing-file'
      ? 'missing-file'
      : now.kind === 'absent'
        ? 'absent'
        : keys.oldSecret !== null && now.value === keys.oldSecret
          ? 'old-key'
          : now.value === keys.newSecret
            ? 'new-key'
            : 'other';
  return {
    kind: 'envFile',
    path: target.path,
    variable: target.variable,
    previous,
    backup: previous === 'missing-file' ? undefined : backupPath(target.path, rotationId),
    at,
  };
}

/** The record of a target, if this rotation already wrote to it. */
export function recordOf(r: Rotation, target: DeployTarget): DeployRecord | undefined {
  return r.deployRecords.find((d) =>
    target.kind === 'envFile'
      ? d.kind === 'envFile' && d.path === target.path && d.variable === target.variable
      : d.kind === target.kind,
  );
}

export interface RestoreResult {
  target: string;
  ok: boolean;
  message: string;
}

/**
 * Puts back what each target held before the rotation, where it still holds the new key. Runs again
 * safely after a crash: a file already holding its earlier value counts as restored.
 */
export async function restoreTargets(
  r: Rotation,
  keys: { newSecret: string | null; oldSecret: string | null },
  clipboard: Clipboard,
): Promise<RestoreResult[]> {
  const results: RestoreResult[] = [];
  const failedBackups = new Set<string>();
  for (const record of r.deployRecords) {
    if (record.kind === 'clipboard') {
      const holds = keys.newSecret !== null && (await clipboard.readText().catch(() => '')) === keys.newSecret;
      if (holds) await clipboard.clear().catch(() => undefined);
      results.push({
        target: 'the clipboard',
        ok: true,
        message: holds
          ? 'Cleared the clipboard, which still held the new key.'
          : 'The clipboard no longer held the new key; left as it is.',
      });
      continue;
    }
    const result = await restoreEnvFile(record, keys);
    if (!result.ok && record.backup) failedBackups.add(record.backup);
    results.push(result);
  }
  // A backup goes only once every variable restored from it is back (several may share one file).
  for (const record of r.deployRecords) {
    if (record.kind === 'envFile' && record.backup && !failedBackups.has(record.backup))
      await removeBackup(record.backup);
  }
  return results;
}

/** Whether every target was put back (or no longer held the new key). */
export function allRestored(results: readonly RestoreResult[]): boolean {
  return results.every((x) => x.ok);
}

async function restoreEnvFile(
  record: Extract<DeployRecord, { kind: 'envFile' }>,
  keys: { newSecret: string | null; oldSecret: string | null },
): Promise<RestoreResult> {
  const target = `${record.variable} in ${record.path}`;
  // A `new-key` backup holds the new key (the person had put it there): never a version to go back to.
  const keptIn = !record.backup
    ? ''
    : record.previous === 'new-key'
      ? ` Its backup, ${record.backup}, holds the new key, which Cancel revokes: delete that file rather than restore from it.`
      : ` Its earlier version is kept in ${record.backup}; delete that file once you have checked.`;
  try {
    const now = await readEnvVariable(record.path, record.variable);
    if (now.kind !== 'value' || keys.newSecret === null || now.value !== keys.newSecret) {
      // Nothing of the rotation's is there any more (changed by hand, removed): nothing to undo.
      return {
        target,
        ok: true,
        message: `${record.variable} in ${record.path} no longer holds the new key; left as it is.`,
      };
    }
    // The variable's lines exactly as they were (from the backup), or, for a variable Keydeck added, none.
    let restore: Parameters<typeof restoreEnvVariable>[2]['restore'] | undefined;
    if (record.previous === 'absent' || record.previous === 'missing-file') restore = { kind: 'absent' };
    // What it held before the person put the new key there is unknown; the old key is what stays current.
    else if (record.previous === 'new-key')
      restore = keys.oldSecret === null ? undefined : { kind: 'value', value: keys.oldSecret };
    else if (record.backup) restore = { kind: 'original', backup: record.backup };
    else if (record.previous === 'old-key' && keys.oldSecret !== null)
      restore = { kind: 'value', value: keys.oldSecret };
    if (!restore)
      return {
        target,
        ok: false,
        message: `Could not put back what ${record.variable} held before: Keydeck no longer has it.${keptIn}`,
      };
    let done = await restoreEnvVariable(record.path, record.variable, { expect: keys.newSecret, restore });
    if (!done.restored && restore.kind === 'original' && record.previous === 'old-key' && keys.oldSecret !== null) {
      // The backup is gone or does not match: the old key itself is in the keychain.
      restore = { kind: 'value', value: keys.oldSecret };
      done = await restoreEnvVariable(record.path, record.variable, { expect: keys.newSecret, restore });
    }
    if (!done.restored)
      return {
        target,
        ok: false,
        message: `Could not put back ${record.variable}: ${done.reason ?? 'the file could not be written'}.${keptIn}`,
      };
    const what =
      record.previous === 'old-key' || record.previous === 'new-key'
        ? `Put the old key back into ${record.variable}`
        : restore.kind === 'absent'
          ? `Removed ${record.variable}, which Keydeck had added,`
          : `Put ${record.variable}'s earlier value back`;
    return { target, ok: true, message: `${what} in ${record.path}.` };
  } catch (error) {
    const why =
      error instanceof KeydeckFailure
        ? error.error.message
        : `the file could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    return { target, ok: false, message: `Could not put back ${record.variable}: ${why}${keptIn}` };
  }
}

/** Removes the backups a rotation made, once its new key is current (the old key in them is dead). */
export async function removeBackups(r: Rotation): Promise<void> {
  for (const record of r.deployRecords)
    if (record.kind === 'envFile' && record.backup) await removeBackup(record.backup);
}

/** What Cancel would do now, in plain words, for the confirmation the person is asked. */
export function cancelPlan(r: Rotation, provider: { displayName: string; revokesByApi: boolean }): string[] {
  const plan: string[] = [];
  for (const record of r.deployRecords) {
    if (record.kind === 'clipboard') plan.push('Clear the clipboard if it still holds the new key.');
    else if (record.previous === 'old-key')
      plan.push(`Put the old key back into ${record.variable} in ${record.path}, where it still holds the new key.`);
    else if (record.previous === 'new-key')
      plan.push(`Put the old key into ${record.variable} in ${record.path}, where you had put the new key yourself.`);
    else if (record.previous === 'other')
      plan.push(
        `Put ${record.variable}'s earlier value back into ${record.path} (from its backup), where it still holds the new key.`,
      );
    else
      plan.push(
        `Remove ${record.variable}, which Keydeck added, from ${record.path}, where it still holds the new key.`,
      );
  }
  // Keydeck undoes only what it wrote; what the person put in place themselves is theirs to undo, and Cancel is
  // about to revoke it. Once the new key can be seen (it is verified and offered for deploying), they may have.
  if (r.deployedAt !== undefined || r.newKey.verifiedAt !== undefined) {
    const wrote = r.deployRecords.some((d) => d.kind === 'envFile');
    plan.push(
      r.deployedAt
        ? `You confirmed the new key is deployed: ${wrote ? 'anywhere else' : 'wherever'} you put it yourself, put the old key back before you cancel. Those places stop working once the new key is revoked.`
        : `If you put the new key anywhere yourself${wrote ? ' (besides what is listed above)' : ''}, put the old key back there before you cancel. Those places stop working once the new key is revoked.`,
    );
  }
  const created = r.newKey.storedAt || r.newKey.providerKeyId || r.intent?.action === 'create';
  if (created) {
    const mask = r.newKey.last4 ? maskFromParts(r.newKey.prefix ?? '', r.newKey.last4) : 'the new key';
    plan.push(
      provider.revokesByApi
        ? `Revoke ${mask} at ${provider.displayName}, then check ${provider.displayName} refuses it.`
        : `Ask you to revoke ${mask} in the ${provider.displayName} dashboard, then check ${provider.displayName} refuses it.`,
    );
  }
  plan.push(`Keep the old key ${maskFromParts(r.old.prefix, r.old.last4)} as the current key.`);
  return plan;
}
