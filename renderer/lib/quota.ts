import type { QuotaView } from '../../shared/usage.js';

/** Near a limit: 70 % of a known daily or header limit used, or any call refused for a limit (429) today. */
export function nearLimit(
  q: Pick<QuotaView, 'refused' | 'header' | 'documentedDailyLimit' | 'remaining' | 'calls'>,
): boolean {
  if (q.refused > 0) return true;
  const limit = q.header?.limit ?? q.documentedDailyLimit;
  if (limit === undefined) return false;
  const used = q.remaining !== undefined ? limit - q.remaining : q.calls;
  return used >= limit * 0.7;
}
