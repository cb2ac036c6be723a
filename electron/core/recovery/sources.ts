/** Recovery's other sources: the secrets Keydeck filed in the keychain, and the last good copy of the file. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { Environment, LocalId, ProviderId } from '../../../shared/domain.js';
import { KeydeckFailure } from '../../../shared/errors.js';
import type { CoreContext } from '../context.js';
import { salvage, type Salvage } from './salvage.js';

/** `<provider>:<orgId>:<environment>:<credentialId>`, as Keydeck files every secret. */
const Account = z
  .string()
  .transform((s) => s.split(':'))
  .pipe(z.tuple([ProviderId, LocalId, Environment, LocalId]));

/** Reads the keychain for recovery; a keychain that cannot answer gives nothing to rebuild from, and says why. */
export async function keychainEntries(c: CoreContext) {
  try {
    const all = c.vault.sessionOnly ? [] : await c.vault.list();
    const entries = all.flatMap(({ account, secret }) => {
      const parsed = Account.safeParse(account);
      if (!parsed.success) return [];
      const [provider, orgId, environment, credentialId] = parsed.data;
      return [{ provider, orgId, environment, credentialId, secret }];
    });
    return { entries };
  } catch (error) {
    const problem =
      error instanceof KeydeckFailure
        ? error.error
        : { code: 'KEYCHAIN_ERROR' as const, message: 'The keychain could not be read.' };
    return { entries: [], problem };
  }
}

/** The copy of the file Keydeck took when it last started with it whole (see MetaStore.lastGoodPath). */
export function lastGood(c: CoreContext): { s: Salvage; takenAt: string } | undefined {
  const path = c.deps.meta.lastGoodPath;
  if (!existsSync(path)) return undefined;
  const s = salvage(readDamaged(path));
  return { s, takenAt: statSync(path).mtime.toISOString() };
}

export function readDamaged(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
