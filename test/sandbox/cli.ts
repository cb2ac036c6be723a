/**
 * `npm run sandbox`: starts the provider sandbox and prints its URL and a seeded admin key per
 * environment. These are sandbox keys, valid only against this process, and printed on purpose so
 * a developer can paste them into Keydeck.
 *
 *   --port N     Laghav listens on N (default 0: any free port)
 *   --json       print one JSON line instead of text (used by the e2e tests and the demo)
 *   --orgs a,b   seed these organization names (default: "Acme")
 */
import { startSandbox } from './server.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(arg('--port') ?? 0);
const names = (arg('--orgs') ?? 'Acme').split(',').map((s) => s.trim()).filter(Boolean);

const sandbox = await startSandbox({ ports: { laghav: port } });
const seeded = names.map((name, i) =>
  sandbox.laghav.seedOrg(name, [
    { name: 'Production web app', environment: 'live', scope: `app_${i + 1}web` },
    { name: 'Nightly batch', environment: 'live' },
    { name: 'CI pipeline', environment: 'test', scope: `app_${i + 1}ci` },
  ]),
);
if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ urls: sandbox.urls, orgs: seeded.map((s) => ({ name: s.org.name, laghav: s.admin })) })}\n`);
} else {
  for (const [provider, url] of Object.entries(sandbox.urls)) console.log(`Provider sandbox: ${provider} on ${url}`);
  console.log(`Use that as the API URL when you connect (Keydeck: "Advanced: API URL"); \`npm run demo\` does it for you.`);
  for (const s of seeded) {
    console.log(`\n${s.org.name} (Laghav)`);
    console.log(`  live admin key: ${s.admin.live}`);
    console.log(`  test admin key: ${s.admin.test}`);
  }
  console.log('\nPress Ctrl+C to stop.');
}
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
