#!/usr/bin/env node
// Prints the one line CI reads, `N passed, N failed, N skipped`, totalling the test runners' JSON
// reports (each test counts) and the other steps (each counts as one check). Exits 1 on any failure.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];

const steps = readFileSync('reports/steps.txt', 'utf8')
  .trim()
  .split('\n')
  .filter(Boolean)
  .map((l) => l.split(' '));
for (const [status, name] of steps) {
  if (name === 'vitest' && existsSync('reports/vitest.json')) {
    const r = JSON.parse(readFileSync('reports/vitest.json', 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    // A suite that failed to load has no tests in it but still fails the step.
    if (status === 'fail' && r.numFailedTests === 0) failed += 1;
    lines.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  } else if (name === 'playwright' && existsSync('reports/playwright.json')) {
    const s = JSON.parse(readFileSync('reports/playwright.json', 'utf8')).stats;
    passed += s.expected + s.flaky;
    failed += s.unexpected;
    skipped += s.skipped;
    if (status === 'fail' && s.unexpected === 0) failed += 1;
    lines.push(`playwright: ${s.expected} passed, ${s.unexpected} failed, ${s.skipped} skipped, ${s.flaky} flaky`);
  } else {
    if (status === 'pass') passed += 1;
    else failed += 1;
    lines.push(`${name}: ${status === 'pass' ? 'passed' : 'FAILED'}`);
  }
}
for (const l of lines) console.log(`  ${l}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
