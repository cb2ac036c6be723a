import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Output, ParsedInput } from '../../../shared/contract.js';
import { fail, KeydeckFailure, type ErrorCode } from '../../../shared/errors.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { emptyDoc } from '../store/schema.js';

export const STILL_WORK = 'Your keys still work at the providers; revoke them there if you no longer need them.';

/** Where a running Keydeck keeps what "Remove all Keydeck data" removes, besides the keychain and the metadata file. */
export interface DataPlaces {
  /** Folders whose files are Keydeck's logs (default: `<profile>/logs`). Their files are deleted, the folders kept. */
  logDirs?: string[];
}

/**
 * Profile files that hold Keydeck's data, besides `metadata.json` itself (which is emptied, not
 * deleted) and the key cache's folder (which KeyCache.clear deletes). `cache.json` is the cache of
 * Keydeck 0.1, deleted by this version's first cache write; removed here too in case it is still there.
 */
function isProfileDataFile(name: string): boolean {
  return (
    name === 'metadata.last-good.json' ||
    name === 'cache.json' ||
    name === 'window-state.json' ||
    /^metadata\.damaged-.*\.json$/.test(name) ||
    /^metadata\.json\.recovering$/.test(name)
  );
}

/** Every file under `dir` (logs may be rotated into numbered or dated files). */
function filesUnder(dir: string, depth = 0): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (st.isDirectory()) return depth < 3 ? filesUnder(path, depth + 1) : [];
      return [path];
    } catch {
      return [];
    }
  });
}

function removeFile(path: string, removed: string[], problems: string[]): void {
  try {
    rmSync(path, { force: true });
    removed.push(path);
  } catch (error) {
    problems.push(`${path} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Settings → Remove all Keydeck data. In this order, failing closed:
 * 1. refused while a rotation is unfinished (its new key would be left at the provider);
 * 2. every account under the keychain service is listed (a locked or missing keychain fails here,
 *    before anything is deleted), together with every account the metadata names;
 * 3. each is deleted; the first one the keychain will not delete stops everything, and the metadata
 *    is left whole, with a message saying what is left;
 * 4. only then: the key-list cache is forgotten and its folder (`key-cache/`) deleted, the metadata
 *    file emptied, and the last-good and damaged copies, an older version's `cache.json` and the logs deleted.
 * Nothing is revoked anywhere. The caller holds the EVERYTHING lock (see exclusive.ts).
 */
export function dataHandlers(c: CoreContext, places: DataPlaces = {}): HandlersOf<'data'> {
  return {
    async 'data.removeAll'(_input: ParsedInput<'data.removeAll'>): Promise<Output<'data.removeAll'>> {
      const doc = c.deps.meta.read();
      const orgName = (id: string) => doc.organizations.find((o) => o.id === id)?.name ?? 'an organization';
      const open = doc.rotations.filter((r) => r.status !== 'done' && r.status !== 'cancelled');
      if (open.length > 0) {
        const which = open.map((r) => `${orgName(r.orgId)} (${r.environment}) key …${r.old.last4}`).join(', ');
        fail(
          'CONFLICT',
          `${open.length === 1 ? 'A rotation is' : `${open.length} rotations are`} not finished: ${which}. Finish or cancel ${open.length === 1 ? 'it' : 'them'} first, so no new key is left at a provider unknown to anyone. Nothing was removed.`,
        );
      }

      // Every item filed under the service, and every one the metadata names (a store that cannot list).
      let listed: { account: string }[];
      try {
        listed = await c.vault.list();
      } catch (error) {
        const failure =
          error instanceof KeydeckFailure
            ? error
            : new KeydeckFailure(
                { code: 'KEYCHAIN_ERROR', message: 'The keychain could not be read.' },
                { cause: error },
              );
        throw new KeydeckFailure(
          {
            ...failure.error,
            message: `Keydeck cannot list the keys it filed in the keychain (${c.vault.service}), so nothing was removed. ${failure.error.message}`,
          },
          { cause: error },
        );
      }
      const described = new Map<string, string>();
      for (const cred of doc.credentials) {
        const org = doc.organizations.find((o) => o.id === cred.orgId);
        if (org) described.set(c.account(org, cred), `${org.name} (${cred.environment}) key …${cred.last4}`);
      }
      // In a stable order, so a retry after a failure meets the same item first.
      const accounts = [...new Set([...listed.map((x) => x.account), ...described.keys()])].sort();

      let removedSecrets = 0;
      for (const [i, account] of accounts.entries()) {
        let code: ErrorCode | undefined;
        let why = '';
        try {
          if (await c.vault.delete(account)) removedSecrets++;
          // "Nothing deleted" must mean "nothing there": ask again, so a keychain that cannot answer fails here.
          else if ((await c.vault.get(account)) !== null) {
            code = 'KEYCHAIN_ERROR';
            why = 'the keychain kept it';
          }
        } catch (error) {
          const failure =
            error instanceof KeydeckFailure
              ? error.error
              : { code: 'KEYCHAIN_ERROR' as ErrorCode, message: String(error) };
          code = failure.code;
          why = failure.message;
        }
        if (code) {
          const left = accounts.slice(i).map((a) => described.get(a) ?? a);
          const shown = left.slice(0, 5).join(', ') + (left.length > 5 ? ` and ${left.length - 5} more` : '');
          c.deps.logger.log('warn', 'data.removeAll.stopped', { removedSecrets, left: left.length, code });
          fail(
            code,
            `Keydeck deleted ${removedSecrets} of ${accounts.length} keychain item(s), then stopped: ${why}. Still in the keychain (${c.vault.service}): ${shown}. ` +
              `Nothing else was removed: every organization stays in Keydeck${removedSecrets > 0 ? ' (those whose keys are gone show them as missing)' : ''}. Unlock your keychain and try again.`,
          );
        }
      }

      // The keychain is clean: now the profile.
      const removedOrganizations = doc.organizations.length;
      // The key-list cache: forgotten in memory, its folder (and an older version's cache.json) deleted.
      const cache = await c.cache.clear();
      c.vault.endSession();
      await c.deps.meta.update((d) => {
        Object.assign(d, emptyDoc());
      });

      const removedFiles: string[] = [...cache.removed];
      const problems: string[] = [...cache.problems];
      const metaPath = c.deps.meta.path;
      const kept: string[] = [];
      if (isAbsolute(metaPath)) {
        const profile = dirname(metaPath);
        for (const name of readdirSync(profile))
          if (isProfileDataFile(name) && name !== basename(metaPath))
            removeFile(join(profile, name), removedFiles, problems);
        for (const dir of places.logDirs ?? [join(profile, 'logs')])
          for (const file of filesUnder(dir)) removeFile(file, removedFiles, problems);
        kept.push(`${metaPath}, emptied (no organization, key, journal, setting or activity left in it)`);
        kept.push(
          `the profile folder ${profile} and its lock (keydeck.lock), held by this Keydeck until it quits; delete the folder after quitting if you are uninstalling`,
        );
      }
      if (problems.length > 0) kept.push(`files Keydeck could not delete: ${problems.join('; ')}`);
      kept.push(STILL_WORK);
      return { removedSecrets, removedOrganizations, keychainService: c.vault.service, removedFiles, kept };
    },
  };
}
