#!/usr/bin/env node
// Writes the figures table of SECURITY.md from what the last `npm test` run recorded: each test that
// produces a figure writes reports/figures/<group>/<name>.json (test/support/figures.ts); this sums
// them per group. Never fails the run: with no figures it leaves SECURITY.md as it is.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = 'reports/figures';
if (!existsSync(root)) process.exit(0);
const sum = (group) => {
  const dir = join(root, group);
  // `records`: how many tests recorded a figure in the group (one file each); the rest are sums.
  const total = { records: 0 };
  if (!existsSync(dir)) return total;
  for (const f of readdirSync(dir)) {
    total.records += 1;
    for (const [k, v] of Object.entries(JSON.parse(readFileSync(join(dir, f), 'utf8')))) total[k] = (total[k] ?? 0) + v;
  }
  return total;
};
const n = (x) => (x ?? 0).toLocaleString('en-US');
const ipc = sum('fuzz-ipc');
const preview = sum('fuzz-preview');
const canary = sum('canary');
const faults = sum('faults');
const crashes = sum('crashes');
const tls = sum('tls');
const redirects = sum('redirects');
const keychain = sum('keychain');
const session = sum('session');
const salvage = sum('salvage');
const recovery = sum('recovery');
const model = sum('model');
let reviewed = 0;
try {
  reviewed = JSON.parse(readFileSync('security/electronegativity-reviewed.json', 'utf8')).reviewed.length;
} catch {
  // unknown
}
let totals = '';
try {
  const v = JSON.parse(readFileSync('reports/vitest.json', 'utf8'));
  const p = JSON.parse(readFileSync('reports/playwright.json', 'utf8')).stats;
  totals = `${n(v.numPassedTests + p.expected)} tests passed, ${n(v.numFailedTests + p.unexpected)} failed, ${n(v.numPendingTests + p.skipped)} skipped (vitest ${n(v.numPassedTests)}, Playwright ${n(p.expected)})`;
} catch {
  totals = 'test totals unavailable';
}
const rows = [
  [
    'IPC contract fuzzing (fast-check, through the one dispatch every transport uses)',
    `${n(ipc.payloads)} payloads over ${n(ipc.records)} channels (${n(ipc.payloads / Math.max(1, ipc.records))} each); ${n(ipc.rejected)} invalid ones rejected with VALIDATION_FAILED; ${n(ipc.crashes)} crashes; ${n(ipc.pollution)} prototype pollutions`,
  ],
  [
    'Preview host: hostile handshakes (pure guard) and live WebSocket connections',
    `${n(preview.payloads)} attempts; ${n(preview.refused)} refused: every one with a wrong token, Origin or Host (the other ${n(preview.payloads - preview.refused)} were mutations that stayed exactly right, such as spaces around the protocol list, and were accepted, as they should be); over the live connections the core was never reached`,
  ],
  [
    'Secret hygiene: canary keys over the whole end-to-end suite',
    `${n(canary.tests)} tests, ${n(canary.canaries)} canary keys, ${n(canary.frames)} WebSocket answers and ${n(canary.domStrings)} DOM strings recorded, ${n(canary.files)} files searched; **${n(canary.hits)} hits**; ${n(canary.allowedReveals)} explicit reveals (a new key shown once, a key typed by the person, a .env the person chose)`,
  ],
  [
    'Network faults × providers',
    `${n(faults.injected)} faults injected, ${n(faults.typedErrors)} ended in the right typed error within the deadline`,
  ],
  [
    'TLS',
    `${n(tls.refused)} bad certificates refused (self-signed, expired, wrong host) with TLS_ERROR, no request reached them`,
  ],
  [
    'Redirects',
    `${n(redirects.refused)} redirects refused (GET, POST, DELETE; 301/302/303/307/308); ${n(redirects.leaked)} requests reached the other origin`,
  ],
  [
    'Keychain failures (the real keychain library in a broken environment)',
    `${n(keychain.typedErrors)} of ${n(keychain.scenarios - 1)} failure scenarios (no D-Bus session, no Secret Service, a locked keyring, a hung bus) ended in their typed error; ${n(keychain.operations)} concurrent keychain operations, ${n(keychain.lostUpdates)} lost updates`,
  ],
  [
    'Session-only mode (no D-Bus: no keychain at all)',
    `${n(session.scenarios)} scenarios (quit, crash then start); ${n(session.liveRefused)} live keys refused before any provider call; ${n(session.canaries)} canary keys searched in ${n(session.files)} profile files: **${n(session.hits)} hits**`,
  ],
  [
    'Damaged metadata: salvage (fast-check)',
    `${n(salvage.damaged)} damaged files (random cut points, random byte damage): ${n(salvage.crashes)} crashes, ${n(salvage.inventedRecords)} invented records; every journal before the cut kept`,
  ],
  [
    'Damaged metadata: recovery mode (real keychain and providers)',
    `${n(recovery.scenarios)} scenarios: ${n(recovery.keysBack)} of ${n(recovery.keysBefore)} keys back, ${n(recovery.journalsKept)} of ${n(recovery.journalsBefore)} rotation journals kept; recovered keys checked with the provider: ${n(recovery.verified)} accepted, ${n(recovery.refused)} refused (revoked meanwhile)`,
  ],
  [
    'Model-based test: random user actions (create, rotate, deploy, cancel, resume, revoke), each sometimes twice at once, hostile creates, kills mid-step',
    `${n(model.runs)} sequences, ${n(model.commands)} actions, ${n(model.calls)} calls; ${n(model.kills)} processes killed at ${n(model.killPoints)} different step boundaries and restarted; after every action: at most one open rotation per key, no unknown key created, the .env holds a key the provider accepts, no backup left, no key on disk, no undeclared error code`,
  ],
  [
    'Crash injection (rotation)',
    `${n(crashes.sigkills)} SIGKILLs at step boundaries across ${n(crashes.records)} providers, ${n(crashes.resumed)} resumed to a correct end state`,
  ],
  [
    'Electronegativity',
    `gated on ${n(reviewed)} reviewed findings (security/electronegativity-reviewed.json); any new finding fails the run`,
  ],
];
const table = `<!-- figures:start -->
Figures from the last \`npm test\` run (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC): ${totals}.

| check | figure |
| --- | --- |
${rows.map((r) => `| ${r[0]} | ${r[1]} |`).join('\n')}
<!-- figures:end -->`;
const path = 'SECURITY.md';
if (!existsSync(path)) process.exit(0);
const text = readFileSync(path, 'utf8');
writeFileSync(path, text.replace(/<!-- figures:start -->[\s\S]*<!-- figures:end -->/, table));
console.log('SECURITY.md figures updated');
