import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { salvage } from '../../electron/core/recovery/salvage.js';
import { emptyDoc, MetaDoc } from '../../electron/core/store/schema.js';
import type { Rotation } from '../../shared/rotation.js';
import { recordFigure } from '../support/figures.js';

const at = '2026-11-23T10:00:00.000Z';
const id = (p: string, i: number) => `${p}_${String(i).padStart(10, 'x')}`;
function rotation(i: number, done: boolean): Rotation {
  return {
    id: `rot_${String(i).padStart(12, 'r')}`,
    orgId: id('org', i % 3),
    environment: 'live',
    old: { credentialId: id('cred', i), label: `Key ${i}`, role: 'admin', prefix: 'lgh_live_', last4: 'ab12' },
    newKey: { credentialId: id('cred', 100 + i), name: `Key ${i} (rotated 2026-11-23)` },
    orphans: [],
    step: done ? 'done' : 'deploy',
    status: done ? 'done' : 'needs-user',
    deployTargets: [],
    deployResults: [],
    deployRecords: [],
    quietWindowMinutes: 60,
    usage: { polls: 0, keydeckCalls: {} },
    startedAt: at,
    updatedAt: at,
    history: [{ at, step: 'create', event: 'Created the new key' }],
  };
}
/** A realistic document: a few organizations and keys, journals, a long activity log. */
const doc: MetaDoc = MetaDoc.parse({
  ...emptyDoc(),
  rotations: Array.from({ length: 6 }, (_, i) => rotation(i, i % 2 === 0)),
  organizations: Array.from({ length: 3 }, (_, i) => ({
    id: id('org', i),
    provider: 'laghav',
    name: `Org ${i}`,
    createdAt: at,
  })),
  credentials: Array.from({ length: 9 }, (_, i) => ({
    id: id('cred', i),
    orgId: id('org', i % 3),
    environment: 'live',
    label: `Key ${i}`,
    prefix: 'lgh_live_',
    last4: 'ab12',
    role: i < 3 ? 'admin' : 'held',
    createdAt: at,
  })),
  activity: Array.from({ length: 200 }, (_, i) => ({
    at,
    action: 'key.create',
    orgId: id('org', i % 3),
    detail: `entry ${i}`,
  })),
});
const text = JSON.stringify(doc, undefined, '\t');
const rotationsEnd = text.indexOf('"organizations"');

describe('salvage of a damaged metadata file', () => {
  it('the file is written journals first, activity last', () => {
    expect(text.indexOf('"rotations"')).toBeLessThan(text.indexOf('"organizations"'));
    expect(text.indexOf('"activity"')).toBeGreaterThan(text.indexOf('"settings"'));
  });

  it('never throws, never invents a record, and keeps every journal of a file cut after them (any cut point)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.nat({ max: text.length }), (cut) => {
        runs++;
        const s = salvage(text.slice(0, cut));
        // Everything kept is exactly a record of the original.
        for (const r of s.doc.rotations) expect(doc.rotations).toContainEqual(r);
        for (const o of s.doc.organizations) expect(doc.organizations).toContainEqual(o);
        for (const c of [...s.doc.credentials, ...s.orphanCredentials]) expect(doc.credentials).toContainEqual(c);
        for (const a of s.doc.activity) expect(doc.activity).toContainEqual(a);
        expect(MetaDoc.safeParse(s.doc).success).toBe(true);
        if (cut > rotationsEnd) expect(s.doc.rotations).toEqual(doc.rotations);
        // A journal the text names but that could not be read is reported by id, never dropped quietly.
        for (const r of doc.rotations) {
          if (text.slice(0, cut).includes(`"${r.id}"`))
            expect(s.doc.rotations.some((x) => x.id === r.id) || s.unreadableRotationIds.includes(r.id)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    recordFigure('salvage', 'random cut points', { damaged: runs, crashes: 0, inventedRecords: 0 });
  }, 120_000);

  it('survives random byte damage anywhere in the file', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 3 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (edits) => {
          runs++;
          let damaged = text;
          for (const [pos, junk] of edits) damaged = damaged.slice(0, pos) + junk + damaged.slice(pos + junk.length);
          const s = salvage(damaged);
          expect(MetaDoc.safeParse(s.doc).success).toBe(true);
          // Damage inside a value can still read as a valid value: that is why recovery checks each key with its provider.
          expect(s.doc.organizations.length + s.orphanCredentials.length).toBeLessThanOrEqual(
            doc.organizations.length + doc.credentials.length,
          );
        },
      ),
      { numRuns: 300 },
    );
    recordFigure('salvage', 'random byte damage', { damaged: runs, crashes: 0, inventedRecords: 0 });
  }, 120_000);

  it('reads an older schema version through the migrations', () => {
    const v1 = { schemaVersion: 1, organizations: doc.organizations, credentials: doc.credentials, activity: [] };
    const s = salvage(JSON.stringify(v1).slice(0, -3));
    expect(s.doc.organizations).toEqual(doc.organizations);
    expect(s.doc.settings).toEqual({ reminders: true });
  });
});
