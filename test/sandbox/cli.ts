/**
 * `npm run sandbox`: starts the provider sandbox (one loopback server per provider, each with its
 * API and its dashboard) and prints the URLs and a seeded admin key per environment. These are
 * sandbox keys, valid only against this process, printed on purpose so you can paste them.
 *
 *   --json       print one JSON line instead of text (for scripts)
 *   --org NAME   the organization name to seed at every provider (default: "Acme")
 */
import type { ProviderId } from '../../shared/domain.js';
import { startSandbox } from './server.js';

const args = process.argv.slice(2);
const orgName = args.includes('--org') ? (args[args.indexOf('--org') + 1] ?? 'Acme') : 'Acme';
const sandbox = await startSandbox();
const providers: ProviderId[] = ['legba', 'laghav', 'leadey', 'logtalk', 'skapi'];
const seeded = Object.fromEntries(providers.map((p) => [p, sandbox[p].seedOrg(orgName, [{ name: 'Production app', environment: 'live' }, { name: 'CI', environment: 'test' }])]));

if (args.includes('--json')) {
  const out = Object.fromEntries(providers.map((p) => [p, { apiBaseUrl: sandbox.urls[p], dashboardUrl: sandbox.dashboards[p], orgId: seeded[p]?.org.id, admin: seeded[p]?.admin }]));
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  for (const p of providers) {
    const s = seeded[p];
    console.log(`${p}: API ${sandbox.urls[p]}   dashboard ${sandbox.dashboards[p]}`);
    if (p === 'legba') console.log(`  organization UUID: ${s?.org.id}`);
    console.log(`  live admin key: ${s?.admin.live}`);
    if (s?.admin.test) console.log(`  test admin key: ${s.admin.test}`);
  }
  console.log('\nUse the API URL under "Advanced: API URL" when you connect (`npm run demo` does it for you). Ctrl+C stops.');
}
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
