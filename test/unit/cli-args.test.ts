import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each command line (preview host, demo, sandbox) run for real: strict parseArgs, so an unknown
 * flag or a bad value is one line on stderr and exit code 2, `--help` lists every flag, and no
 * stack trace ever. None of these gets as far as starting anything.
 */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[]): Promise<Run> {
  return new Promise((done, failed) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', resolve(script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      failed(new Error(`${script} ${args.join(' ')} did not exit within 20 s: ${stdout}${stderr}`));
    }, 20_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const STACK = /^\s+at |node:internal|Error:|triggerUncaughtException/m;

const clis = [
  {
    name: 'preview host',
    script: 'electron/preview/cli.ts',
    program: 'keydeck-preview',
    flags: ['--port N', '--profile DIR', '--service NAME', '--demo', '--json', '--clipboard-clear-ms MS', '--help'],
    typo: ['--prot', '5000'],
    suggestion: '--port',
    bad: [
      [['--port', 'abc'], /--port must be a port number from 0 to 65535.*"abc"/],
      [['--port', '70000'], /--port must be a port number/],
      [['--port'], /--port needs a value/],
      [['--json=yes'], /--json takes no value/],
      [['--clipboard-clear-ms', '-5'], /--clipboard-clear-ms needs a value|--clipboard-clear-ms must be/],
    ],
  },
  {
    name: 'demo',
    script: 'scripts/demo.ts',
    program: 'keydeck-demo',
    flags: ['--preview', '--port N', '--keep', '--dir DIR', '--reset', '--json', '--help'],
    typo: ['--kep'],
    suggestion: '--keep',
    bad: [
      [['--port', 'abc'], /--port must be a port number.*"abc"/],
      [['--port', '65536'], /--port must be a port number/],
      [['--dir'], /--dir needs a value/],
      [['--keep=1'], /--keep takes no value/],
      [['now'], /unexpected argument now/],
    ],
  },
  {
    name: 'sandbox',
    script: 'test/sandbox/cli.ts',
    program: 'keydeck-sandbox',
    flags: ['--json', '--org NAME', '--help'],
    typo: ['--orgs', 'Acme'],
    suggestion: '--org',
    bad: [
      [['--org'], /--org needs a value/],
      [['--org', ''], /--org must be 1 to 200 characters/],
      [['--json', 'x'], /unexpected argument x/],
    ],
  },
] as const;

describe.each(clis)('$name command line', ({ script, program, flags, typo, suggestion, bad }) => {
  it('refuses an unknown flag in one line, exit 2, naming the flag and the nearest real one', async () => {
    const r = await run(script, [...typo]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${program}: unknown flag ${typo[0]} (did you mean ${suggestion}?)`);
    expect(r.stderr).toContain('--help');
    expect(r.stderr).not.toMatch(STACK);
  }, 30_000);

  it.each(bad.map(([args, message]) => ({ args: [...args], message })))(
    'refuses $args in one line, exit 2',
    async ({ args, message }) => {
      const r = await run(script, args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.startsWith(`${program}: `)).toBe(true);
      expect(r.stderr).not.toMatch(STACK);
    },
    30_000,
  );

  it('--help lists every flag and exits 0 without starting anything', async () => {
    const r = await run(script, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: npm run \w+ -- \[flags\]/);
    for (const flag of flags) expect(r.stdout).toMatch(new RegExp(`^  ${flag.replace(/[-]/g, '\\-')}\\s+\\S`, 'm'));
    // Nothing but the listed flags (and no more than one line each).
    const listed = r.stdout
      .split('\n')
      .filter((l) => /^ {2}--/.test(l))
      .map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(listed).toEqual([...flags]);
  }, 30_000);
});
