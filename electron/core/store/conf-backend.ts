import Conf from 'conf';
import type { DocumentBackend } from './meta-store.js';

/**
 * The metadata file under Node (preview host, CLI, tests): `conf`, which electron-store wraps, so
 * the file format is the same as the app's. Written atomically, mode 0600.
 */
export function confBackend(profileDir: string, name = 'metadata'): DocumentBackend {
  const conf = new Conf<Record<string, unknown>>({
    projectName: 'keydeck',
    cwd: profileDir,
    configName: name,
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return conf;
}
