/**
 * Drives the gnome-keyring daemon of the test's own D-Bus session (scripts/with-keyring.sh) from
 * outside Keydeck, with the stock D-Bus tools: lock its login collection, kill it, start it again,
 * and watch the bus for unlock prompts. Every wait polls a condition with a bound; no fixed sleeps.
 *
 * Only ever safe inside with-keyring.sh: it would lock and replace a person's own keyring
 * otherwise, so `keyringControlSkipReason()` says why a test must not run.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The password scripts/with-keyring.sh unlocks the test keyring with. */
export const KEYRING_PASSWORD = 'keydeck-test';
export const LOGIN = '/org/freedesktop/secrets/collection/login';

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, tool)));
}

/** Undefined when this process runs inside with-keyring.sh's throwaway keyring on Linux, else why not. */
export function keyringControlSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux (no gnome-keyring)';
  for (const tool of ['gnome-keyring-daemon', 'dbus-send', 'dbus-monitor'])
    if (!onPath(tool)) return `${tool} is not installed`;
  const data = process.env.XDG_DATA_HOME ?? '';
  if (!process.env.DBUS_SESSION_BUS_ADDRESS || !data.startsWith(tmpdir())) {
    return 'not inside scripts/with-keyring.sh (a throwaway D-Bus session and keyring); these tests lock and restart the keyring daemon';
  }
  return undefined;
}

async function dbus(dest: string, path: string, method: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('dbus-send', ['--session', '--print-reply', `--dest=${dest}`, path, method, ...args], {
    timeout: 10_000,
  });
  return stdout;
}

/** Polls `condition` every 50 ms until it holds, for at most `ms`. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function serviceRunning(): Promise<boolean> {
  const out = await dbus(
    'org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.freedesktop.secrets',
  );
  return /boolean true/.test(out);
}

/** The pid of the process that owns org.freedesktop.secrets on this session bus, if any. */
export async function daemonPid(): Promise<number | undefined> {
  if (!(await serviceRunning())) return undefined;
  const out = await dbus(
    'org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.GetConnectionUnixProcessID',
    'string:org.freedesktop.secrets',
  );
  const pid = /uint32 (\d+)/.exec(out)?.[1];
  return pid ? Number(pid) : undefined;
}

export async function loginLocked(): Promise<boolean> {
  const out = await dbus(
    'org.freedesktop.secrets',
    LOGIN,
    'org.freedesktop.DBus.Properties.Get',
    'string:org.freedesktop.Secret.Collection',
    'string:Locked',
  );
  return /boolean true/.test(out);
}

/** Locks the login collection, as the screen locker or `secret-tool lock` would. */
export async function lockLogin(): Promise<void> {
  await dbus(
    'org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    `array:objpath:${LOGIN}`,
  );
  await waitFor('the login collection to be locked', loginLocked);
}

/** Ends this session's keyring daemon (by the pid the bus names, never by process name). */
export async function killDaemon(): Promise<number> {
  const pid = await daemonPid();
  if (!pid) throw new Error('no keyring daemon on this session bus');
  process.kill(pid, 'SIGTERM');
  await waitFor('the keyring daemon to exit', async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return !(await serviceRunning());
    }
  });
  return pid;
}

/**
 * Starts a keyring daemon unlocked with the test password, replacing any running one. This is
 * also the only prompt-free way to unlock a locked collection: the Secret Service's Unlock
 * method always asks through a prompt. The keyring's files live in $XDG_DATA_HOME, so items survive.
 */
export async function startDaemonUnlocked(): Promise<number> {
  const before = await daemonPid();
  const child = spawn('gnome-keyring-daemon', ['--replace', '--unlock', '--components=secrets'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  child.stdin.end(KEYRING_PASSWORD);
  const code = await exited;
  if (code !== 0) throw new Error(`gnome-keyring-daemon exited with ${code}`);
  let pid: number | undefined;
  await waitFor('a new, unlocked keyring daemon on the bus', async () => {
    pid = await daemonPid();
    return pid !== undefined && pid !== before && !(await loginLocked());
  });
  return pid as number;
}

/**
 * Watches the session bus for what an unlock prompt takes: a Secret Service `Unlock` call or a
 * call on a `Prompt` object. `stop()` returns the member lines seen (none: nothing asked to unlock).
 */
export async function watchForPrompts(): Promise<{ stop(): Promise<string[]> }> {
  const monitor = spawn(
    'dbus-monitor',
    ['--session', "type='method_call',member='Unlock'", "type='method_call',interface='org.freedesktop.Secret.Prompt'"],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let out = '';
  monitor.stdout.setEncoding('utf8');
  monitor.stdout.on('data', (chunk: string) => (out += chunk));
  const ended = new Promise<void>((resolve) => monitor.once('exit', () => resolve()));
  // dbus-monitor prints NameLost once it has become a monitor: from then on it sees every call.
  await waitFor('dbus-monitor to attach', () => out.includes('member=NameLost'));
  return {
    async stop() {
      monitor.kill('SIGTERM');
      await ended;
      return out
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('method call') && /member=Unlock|interface=org\.freedesktop\.Secret\.Prompt/.test(line),
        );
    },
  };
}
