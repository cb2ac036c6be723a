#!/usr/bin/env node
// Runs Electronegativity over the project root and fails on any finding that is not in
// security/electronegativity-reviewed.json (each entry there gives its reason). The scanner
// always exits 0, so this gate is what makes it count. Writes reports/electronegativity.json.
//
// The report is read as SARIF, not CSV: the scanner writes a CSV's header and rows with two
// unsynchronised async writes, so the header can land on top of the first row (seen here: a
// finding cut in half, read as garbage, failing the gate at random). Its SARIF is one write.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

mkdirSync('reports', { recursive: true });
const sarifPath = 'reports/electronegativity.sarif';
rmSync(sarifPath, { force: true });
const run = spawnSync(
  'npx',
  ['--no-install', 'electronegativity', '-i', '.', '-r', '-x', 'AvailableSecurityFixesGlobalCheck', '-o', sarifPath],
  {
    encoding: 'utf8',
    timeout: 300_000,
  },
);
let sarif;
try {
  sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
} catch (error) {
  sarif = undefined;
  console.error(`electronegativity gate: no readable report (${error.message})`);
}
if (run.status !== 0 || !sarif) {
  console.error(run.stdout, run.stderr);
  console.error('electronegativity gate: the scanner did not run');
  process.exit(1);
}

const findings = (sarif.runs?.[0]?.results ?? []).map((r) => {
  const where = r.locations?.[0]?.physicalLocation;
  return {
    check: String(r.ruleId ?? '').trim(),
    level: r.level,
    file: String(where?.artifactLocation?.uri ?? '').trim(),
    location: `${where?.region?.startLine ?? '?'}:${where?.region?.startColumn ?? '?'}`,
    description: r.message?.text,
  };
});
const reviewed = JSON.parse(readFileSync('security/electronegativity-reviewed.json', 'utf8')).reviewed;
const isReviewed = (f) =>
  reviewed.some((r) => r.check === f.check && r.file === f.file && r.reason && r.reason.length > 20);
const unreviewed = findings.filter((f) => !isReviewed(f));
writeFileSync(
  'reports/electronegativity.json',
  JSON.stringify({ findings: findings.length, reviewed: findings.length - unreviewed.length, unreviewed }, null, 2),
);
for (const f of unreviewed)
  console.error(`UNREVIEWED ${f.level} ${f.check} at ${f.file}:${f.location} (${f.description})`);
console.log(
  `electronegativity gate: ${findings.length} findings, ${findings.length - unreviewed.length} reviewed, ${unreviewed.length} unreviewed`,
);
process.exit(unreviewed.length === 0 ? 0 : 1);
