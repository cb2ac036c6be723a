/** Recovery, for `store.status`: the file's health, and for a damaged file what a rebuild would have to work with. */
import type { StoreStatus } from '../../../shared/storage.js';
import type { CoreContext } from '../context.js';
import { salvage } from './salvage.js';
import { keychainEntries, lastGood, readDamaged } from './sources.js';

/** The metadata file's health for `store.status`; for a damaged file, what recovery would have to work with. */
export async function storeStatus(c: CoreContext): Promise<StoreStatus> {
  const path = c.deps.meta.path;
  const problem = c.deps.meta.problem();
  if (!problem) return { state: 'ok', path };
  if (problem.kind !== 'corrupt') return { state: problem.kind, path, message: problem.message };
  const s = salvage(readDamaged(path));
  const keychain = await keychainEntries(c);
  const older = lastGood(c);
  return {
    state: 'corrupt',
    ...(older
      ? {
          lastGood: {
            takenAt: older.takenAt,
            organizations: older.s.counts.organizations,
            credentials: older.s.counts.credentials,
            rotations: older.s.counts.rotations,
          },
        }
      : {}),
    path,
    problem: problem.message,
    salvage: s.counts,
    unreadable: s.unreadable,
    unreadableRotationIds: s.unreadableRotationIds,
    keychainEntries: keychain.entries.length,
    ...(keychain.problem
      ? { keychainProblem: { code: keychain.problem.code, message: keychain.problem.message } }
      : {}),
  };
}
