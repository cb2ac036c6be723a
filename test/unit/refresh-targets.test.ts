import { describe, expect, it } from 'vitest';
import { refreshTargets } from '../../shared/refresh.js';

describe('refreshTargets: what Refresh all lists and the overview is built from', () => {
  const orgs = [
    { id: 'org_a', environments: ['live', 'test'] as const },
    { id: 'org_b', environments: ['test'] as const },
    { id: 'org_c', environments: [] as const },
  ];
  it('names every connected organization-environment, in order, and narrows to one organization or environment', () => {
    expect(refreshTargets(orgs)).toEqual([
      { orgId: 'org_a', environment: 'live' },
      { orgId: 'org_a', environment: 'test' },
      { orgId: 'org_b', environment: 'test' },
    ]);
    expect(refreshTargets(orgs, 'org_a', 'test')).toEqual([{ orgId: 'org_a', environment: 'test' }]);
    expect(refreshTargets(orgs, undefined, 'live')).toEqual([{ orgId: 'org_a', environment: 'live' }]);
    expect(refreshTargets(orgs, 'org_c')).toEqual([]);
  });
});
