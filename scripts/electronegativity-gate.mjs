#!/usr/bin/env node
// Runs Electronegativity over the project root and fails on any finding that is not in
// security/electronegativity-reviewed.json (each entry there gives its reason). The scanner
// always exits 0, so this gate is what makes it count. Writes reports/electronegativity.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

mkdirSync('reports', { recursive: true });
const csvPath = 'reports/electronegativity.csv';
const run = spawnSync('npx', ['--no-install', 'electronegativity', '-i', '.', '-r', '-x', 'AvailableSecurityFixesGlobalCheck', '-o', csvPath], {
  encoding: 'utf8',
  timeout: 300_000,
});
if (run.status !== 0) {
  console.error(run.stdout, run.stderr);
  console.error('electronegativity gate: the scanner did not run');
  process.exit(1);
}

/** A CSV parser for the scanner's quoted fields (which may hold commas, quotes and newlines). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const rows = parseCsv(readFileSync(csvPath, 'utf8')).slice(1).filter((r) => r.length >= 4 && r[0].trim());
const findings = rows.map(([check, severity, confidence, file, location]) => ({ check: check.trim(), severity, confidence, file: file.trim(), location }));
const reviewed = JSON.parse(readFileSync('security/electronegativity-reviewed.json', 'utf8')).reviewed;
const isReviewed = (f) => reviewed.some((r) => r.check === f.check && r.file === f.file && r.reason && r.reason.length > 20);
const unreviewed = findings.filter((f) => !isReviewed(f));
writeFileSync('reports/electronegativity.json', JSON.stringify({ findings: findings.length, reviewed: findings.length - unreviewed.length, unreviewed }, null, 2));
for (const f of unreviewed) console.error(`UNREVIEWED ${f.severity} ${f.check} at ${f.file}:${f.location}`);
console.log(`electronegativity gate: ${findings.length} findings, ${findings.length - unreviewed.length} reviewed, ${unreviewed.length} unreviewed`);
process.exit(unreviewed.length === 0 ? 0 : 1);
