import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../shared/domain.js';
import { refreshAll } from '../../shared/refresh.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true, deadlineMs: 1_000 });
});
afterEach(() => t.dispose());

describe('refresh all', () => {
  it('lists every organization concurrently, with progress, and one failing provider blocks no other', async () => {
    const targets: { orgId: string; environment: Environment }[] = [];
    for (const [provider, count] of [
      ['laghav', 4],
      ['skapi', 3],
      ['leadey', 2],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const seeded = t.sandbox[provider].seedOrg(`${provider} ${i}`);
        const r = await t.call('orgs.connect', { key: seeded.admin.live, name: `${provider} ${i}` });
        targets.push({ orgId: r.organization.id, environment: 'live' });
      }
    }
    // Every sk-style call now hangs past its deadline; Laghav answers slowly; Leadey normally.
    t.sandbox.fault('skapi', { kind: 'latency', ms: 5_000 });
    t.sandbox.fault('laghav', { kind: 'latency', ms: 200 });
    const progress: number[] = [];
    const started = Date.now();
    const outcomes = await refreshAll(targets, (x) => t.ws.call('keys.list', x), {
      concurrency: 4,
      onProgress: (done) => progress.push(done),
    });
    const elapsed = Date.now() - started;
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(6);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.error?.code)).toEqual([
      'NETWORK_TIMEOUT',
      'NETWORK_TIMEOUT',
      'NETWORK_TIMEOUT',
    ]);
    // Bounded by the deadline, not by 3 × 5 s of hung calls in a row.
    expect(elapsed).toBeLessThan(4_000);
    const overview = await t.call('usage.overview', {});
    expect(overview.summary.unlisted).toBe(3);
    t.sandbox.servers.skapi.faults.clear();
    t.sandbox.servers.laghav.faults.clear();
  });
});
