import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Figures for SECURITY.md, written by the tests that produce them (payloads fuzzed, faults injected,
 * canary hits…) to reports/figures/<group>/<name>.json; scripts/security-report.mjs sums each group
 * after `npm test` and writes the table in SECURITY.md.
 */
export function recordFigure(group: string, name: string, figures: Record<string, number>): void {
  const dir = resolve(import.meta.dirname, '../../reports/figures', group);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`), JSON.stringify(figures));
}
