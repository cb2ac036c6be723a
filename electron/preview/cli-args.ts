/**
 * Command lines of Keydeck's own tools (the demo, the preview host, the sandbox), parsed with
 * `node:util` `parseArgs` in strict mode: an unknown flag or a bad value is one clear line on
 * stderr and exit code 2, `--help` lists every flag, and nothing ever prints a stack trace.
 */
import { parseArgs } from 'node:util';

export interface Flag {
  type: 'string' | 'boolean';
  /** What the value is, for the help text (`N`, `DIR`, `NAME`). */
  value?: string;
  help: string;
}

export type Flags = Record<string, Flag>;
export type Values<F extends Flags> = { [K in keyof F]?: F[K]['type'] extends 'string' ? string : boolean };

/** Exit code for a command line that cannot be used (as most Unix tools do). */
export const USAGE_EXIT = 2;

export interface CommandLine<F extends Flags> {
  /** What the person types, e.g. `npm run demo --`. */
  usage: string;
  /** One or two lines on what the tool does. */
  summary: string;
  flags: F;
  /** Lines after the flag list (exit codes, notes). */
  notes?: string[];
}

/** The help text: usage, summary, then every flag with its value and what it does. */
export function helpText<F extends Flags>(cli: CommandLine<F>): string {
  const rows = Object.entries({ ...cli.flags, help: { type: 'boolean', help: 'show this help and exit' } as Flag }).map(
    ([name, f]) => [`--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`, f.help] as const,
  );
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [
    `Usage: ${cli.usage} [flags]`,
    '',
    cli.summary,
    '',
    'Flags:',
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`),
    ...(cli.notes?.length ? ['', ...cli.notes] : []),
  ].join('\n');
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** One line saying what is wrong with the command line, from parseArgs' error. */
function explain<F extends Flags>(error: unknown, cli: CommandLine<F>): string {
  const e = error as { code?: string; message?: string };
  const quoted = /'(-{1,2}[^' ]*)/.exec(e.message ?? '')?.[1] ?? '';
  const names = [...Object.keys(cli.flags), 'help'];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const bare = quoted.replace(/^-+/, '').split('=')[0] ?? '';
      const near = names.filter((n) => distance(n, bare) <= 2).sort((a, b) => distance(a, bare) - distance(b, bare))[0];
      return `unknown flag ${quoted || '(?)'}${near ? ` (did you mean --${near}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted.replace(/^-+/, '');
      const flag = cli.flags[name];
      return flag?.type === 'boolean'
        ? `--${name} takes no value`
        : `--${name} needs a value${flag?.value ? ` (${flag.value})` : ''}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message ?? '')?.[1] ?? ''}: every option is a --flag`;
    default:
      return (e.message ?? String(error)).split('\n')[0] ?? 'bad command line';
  }
}

/** A command line that cannot be used: one line on stderr, exit code 2. */
export function usageError(program: string, message: string): never {
  process.stderr.write(`${program}: ${message}. Run with --help to see every flag.\n`);
  process.exit(USAGE_EXIT);
}

/**
 * Parses `argv` strictly. `--help` prints the help and exits 0; any problem exits 2 with one line.
 * A string flag given twice keeps the last value, as most tools do.
 */
export function parseCommandLine<F extends Flags>(
  program: string,
  cli: CommandLine<F>,
  argv: string[] = process.argv.slice(2),
): Values<F> {
  const options = Object.fromEntries([
    ...Object.entries(cli.flags).map(([name, f]) => [name, { type: f.type }]),
    ['help', { type: 'boolean' }],
  ]) as Record<string, { type: 'string' | 'boolean' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    return usageError(program, explain(error, cli));
  }
  if (values.help) {
    process.stdout.write(`${helpText(cli)}\n`);
    process.exit(0);
  }
  return values as Values<F>;
}

/** A TCP port (0 = any free port), or exit 2 naming the flag. */
export function portFlag(program: string, name: string, value: string | undefined, fallback = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535)
    usageError(program, `--${name} must be a port number from 0 to 65535 (0: any free port), not "${value}"`);
  return Number(value);
}

/** A whole number within [min, max], or exit 2 naming the flag. */
export function intFlag(
  program: string,
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    usageError(program, `--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return Number(value);
}

/** A non-empty text value, or exit 2 naming the flag. */
export function textFlag(program: string, name: string, value: string | undefined, max = 200): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || value.length > max) usageError(program, `--${name} must be 1 to ${max} characters`);
  return value;
}
