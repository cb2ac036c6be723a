import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, contract } from '../../shared/contract.js';
import { KeydeckError } from '../../shared/errors.js';
import { dispatch, type Handlers } from '../../electron/core/dispatch.js';
import { silentLogger } from '../../electron/core/log.js';
import { recordFigure } from '../support/figures.js';

/** Payloads per channel (issue 6 asks for at least 10,000). */
const RUNS = Number(process.env.KEYDECK_FUZZ_RUNS ?? 10_000);

/** Hostile payloads: any JSON, plus prototype keys, huge strings and near-valid objects. */
const hostile = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 4 },
  { arbitrary: fc.anything({ maxDepth: 3 }), weight: 4 },
  {
    arbitrary: fc.dictionary(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'orgId',
        'key',
        'environment',
        'keyId',
        'name',
        'keep',
        'secret',
        'about',
      ),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    weight: 4,
  },
  {
    arbitrary: fc.record(
      {
        orgId: fc.string(),
        environment: fc.string(),
        keyId: fc.string({ maxLength: 5000 }),
        extra: fc.anything({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    ),
    weight: 4,
  },
  // Huge strings: fewer of them, as each costs far more to make than to reject.
  {
    arbitrary: fc
      .nat({ max: 10_000 })
      .map((n) => 'k'.repeat(10_000 + n))
      .map((s) => ({ key: s, name: s, secret: s })),
    weight: 1,
  },
  {
    arbitrary: fc.constant(JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}')),
    weight: 1,
  },
);

describe('fuzzing the contract through dispatch', () => {
  it.each(CHANNELS)(
    '%s: never crashes, hands the core only schema-valid input, never pollutes prototypes',
    async (channel) => {
      let reached = 0;
      let rejected = 0;
      let runs = 0;
      const handlers = Object.fromEntries(
        CHANNELS.map((c) => [
          c,
          async (input: unknown) => {
            reached++;
            expect(contract[c].input.safeParse(input).success).toBe(true);
            throw new Error('stop here');
          },
        ]),
      ) as unknown as Handlers;
      await fc.assert(
        fc.asyncProperty(hostile, async (payload) => {
          const result = await dispatch(handlers, channel, payload, silentLogger);
          const valid = contract[channel].input.safeParse(payload ?? {}).success;
          runs++;
          if (!valid) rejected++;
          if (valid) expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
          else expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
          if (!result.ok) expect(KeydeckError.safeParse(result.error).success).toBe(true);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { numRuns: RUNS },
      );
      expect(runs).toBe(RUNS);
      expect(reached).toBeLessThanOrEqual(RUNS);
      recordFigure('fuzz-ipc', channel, { payloads: runs, rejected, crashes: 0, pollution: 0 });
    },
    180_000,
  );
});
