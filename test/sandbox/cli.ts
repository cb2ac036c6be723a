/**
 * `npm run sandbox`: starts the provider sandbox (one loopback server per provider, each with its
 * API and its dashboard) and prints the URLs and a seeded admin key per environment. These are
 * sandbox keys, valid only against this process, printed on purpose so you can paste them.
 * `--help` lists every flag; an unknown flag or a bad value exits 2 with one line.
 */
import { parseCommandLine, textFlag } from '../../electron/preview/cli-args.js';
import { startSandbox } from './server.js';
import { PROVIDERS } from '../support/providers.js';

const PROGRAM = 'keydeck-sandbox';
const flags = parseCommandLine(PROGRAM, {
  usage: 'npm run sandbox --',
  summary:
    "Starts the provider sandbox: one HTTP server per provider on 127.0.0.1 (its API and its dashboard), and prints each one's URLs and a seeded admin key per environment.",
  flags: {
    json: { type: 'boolean', help: 'print one JSON line instead of text (for scripts)' },
    org: { type: 'string', value: 'NAME', help: 'the organization name to seed at every provider (default: "Acme")' },
  },
  notes: ['Exit codes: 0 stopped by Ctrl+C, 1 could not start, 2 bad command line.'],
});
const orgName = textFlag(PROGRAM, 'org', flags.org) ?? 'Acme';
const sandbox = await startSandbox().catch((error: unknown) => {
  console.error(`Keydeck sandbox: could not start: ${error instanceof Error ? error.message : String(error)}`);
  return process.exit(1);
});
const providers = PROVIDERS;
const seeded = Object.fromEntries(
  providers.map((p) => [
    p,
    sandbox[p].seedOrg(orgName, [
      { name: 'Production app', environment: 'live' },
      { name: 'CI', environment: 'test' },
    ]),
  ]),
);

if (flags.json) {
  const out = Object.fromEntries(
    providers.map((p) => [
      p,
      {
        apiBaseUrl: sandbox.urls[p],
        dashboardUrl: sandbox.dashboards[p],
        orgId: seeded[p]?.org.id,
        admin: seeded[p]?.admin,
      },
    ]),
  );
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  for (const p of providers) {
    const s = seeded[p];
    console.log(`${p}: API ${sandbox.urls[p]}   dashboard ${sandbox.dashboards[p]}`);
    if (p === 'legba') console.log(`  organization UUID: ${s?.org.id}`);
    console.log(`  live admin key: ${s?.admin.live}`);
    if (s?.admin.test) console.log(`  test admin key: ${s.admin.test}`);
  }
  console.log(
    '\nUse the API URL under "Advanced: API URL" when you connect (`npm run demo` does it for you). Ctrl+C stops.',
  );
}
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
