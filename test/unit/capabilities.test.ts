import { describe, expect, it } from 'vitest';
import { ADAPTERS, withCapabilities } from '../../electron/core/providers/index.js';
import type { AdapterSource } from '../../electron/core/providers/types.js';

describe('capabilities have one source of truth: the operations an adapter has', () => {
  it.each(Object.values(ADAPTERS).map((a) => [a.info.id, a] as const))(
    '%s: api exactly where it has the operation',
    (_id, adapter) => {
      for (const op of ['list', 'create', 'revoke'] as const) {
        expect(adapter.info.capabilities[op], op).toBe(typeof adapter[op] === 'function' ? 'api' : 'dashboard');
      }
      expect(adapter.info.capabilities.verify).toBe('api');
    },
  );

  it('an operation added or removed changes the capability the window reads, with no flag to forget', () => {
    const base = ADAPTERS.laghav;
    const source: AdapterSource = { info: base.info, verify: base.verify };
    expect(withCapabilities(source).info.capabilities).toEqual({
      verify: 'api',
      list: 'dashboard',
      create: 'dashboard',
      revoke: 'dashboard',
    });
    expect(withCapabilities({ ...source, revoke: base.revoke }).info.capabilities.revoke).toBe('api');
  });
});
