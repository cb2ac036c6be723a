import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, contract } from '../../shared/contract.js';
import { KeydeckError } from '../../shared/errors.js';
import { dispatch, type Handlers } from '../../electron/core/dispatch.js';
import { silentLogger } from '../../electron/core/log.js';

/** Hostile payloads: any JSON, plus prototype keys, huge strings and near-valid objects. */
const hostile = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'orgId', 'key', 'environment', 'keyId', 'name', 'keep'), fc.jsonValue()),
  fc.record({ orgId: fc.string(), environment: fc.string(), keyId: fc.string({ maxLength: 5000 }), extra: fc.anything() }, { requiredKeys: [] }),
  fc.string({ minLength: 10_000, maxLength: 20_000 }).map((s) => ({ key: s, name: s })),
  fc.constant(JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}')),
);

describe('fuzzing the contract through dispatch', () => {
  it.each(CHANNELS)('%s: never crashes, hands the core only schema-valid input, never pollutes prototypes', async (channel) => {
    let reached = 0;
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
        if (valid) expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
        else expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
        if (!result.ok) expect(KeydeckError.safeParse(result.error).success).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(reached).toBeLessThanOrEqual(1000);
  });
});
