/**
 * The same requests Keydeck's Refresh all makes to Laghav (GET /api/keys with the organization-
 * environment's admin key, the same Accept and User-Agent headers), made by `curl` processes: one
 * after another, and 16 at a time through `xargs -P 16`. Each request's key is in its own curl
 * config file (mode 0600, in a 0700 folder removed afterwards), so no key is on a command line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasCurl = () =>
  spawnSync('curl', ['--version']).status === 0 && spawnSync('xargs', ['--version']).status === 0;

export interface CurlJob {
  /** Writes one config per request; returns the list of their paths. */
  configs: string;
  dir: string;
  count: number;
}

export function prepareCurl(url: string, keys: string[]): CurlJob {
  const dir = mkdtempSync(join(tmpdir(), 'keydeck-bench-curl-'));
  const paths = keys.map((key, i) => {
    const path = join(dir, `${i}.cfg`);
    writeFileSync(
      path,
      [
        `url = "${url}"`,
        `header = "Authorization: Bearer ${key}"`,
        'header = "Accept: application/json"',
        'header = "User-Agent: Keydeck"',
        'output = "/dev/null"',
        'silent',
        'max-time = 60',
        'write-out = "%{http_code}\\n"',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return path;
  });
  const configs = join(dir, 'list');
  writeFileSync(configs, `${paths.join('\n')}\n`, { mode: 0o600 });
  return { configs, dir, count: keys.length };
}

/** Runs every request, `parallel` at a time; the time and how many answered 200. */
export async function runCurl(job: CurlJob, parallel: number): Promise<{ ms: number; ok: number }> {
  const started = performance.now();
  const proc = spawn('sh', ['-c', `xargs -P ${parallel} -n 1 curl -K < "$1"`, 'sh', job.configs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => proc.on('close', resolve));
  const ms = performance.now() - started;
  return { ms, ok: out.split('\n').filter((l) => l.trim() === '200').length };
}

export function removeCurl(job: CurlJob): void {
  rmSync(job.dir, { recursive: true, force: true });
}
