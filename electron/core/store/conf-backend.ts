import Conf from 'conf';
import { join } from 'node:path';
import { lazyBackend, type DocumentBackend } from './meta-store.js';

/**
 * The metadata file under Node (preview host, CLI, tests): `conf`, which electron-store wraps, so
 * the file format is the same as the app's. Written atomically, mode 0600.
 */
export function confBackend(
  profileDir: string,
  name = 'metadata',
  options: { clearInvalid?: boolean } = {},
): DocumentBackend {
  return lazyBackend(
    join(profileDir, `${name}.json`),
    () =>
      new Conf<Record<string, unknown>>({
        projectName: 'keydeck',
        cwd: profileDir,
        configName: name,
        configFileMode: 0o600,
        // The metadata is never cleared (a damaged file means recovery mode); the cache may be.
        clearInvalidConfig: options.clearInvalid ?? false,
      }),
  );
}
