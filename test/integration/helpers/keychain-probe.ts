/**
 * Runs one keychain operation through Keydeck's KeytarSecretStore in its own process, so a test
 * can give it a broken environment (no D-Bus, a locked keyring, a hung bus) and read back the
 * typed error as one JSON line.  Usage: tsx keychain-probe.ts <service> <set|get> [timeoutMs]
 */
import { KeydeckFailure } from '../../../shared/errors.js';
import { KeytarSecretStore } from '../../../electron/core/vault/keytar-store.js';

const [service = 'Keydeck Probe', op = 'set', timeout = '10000'] = process.argv.slice(2);
const store = new KeytarSecretStore(service, Number(timeout));
try {
  if (op === 'set') await store.set('probe:account', 'lgh_test_ProbeSecretProbeSecret');
  const value = await store.get('probe:account');
  process.stdout.write(`${JSON.stringify({ ok: true, found: value !== null })}\n`);
} catch (e) {
  const error = e instanceof KeydeckFailure ? e.error : { code: 'UNTYPED', message: String(e) };
  process.stdout.write(`${JSON.stringify({ ok: false, code: error.code, message: error.message })}\n`);
}
// A keychain call that hung keeps a native worker thread alive, which blocks a normal exit.
process.kill(process.pid, 'SIGKILL');
