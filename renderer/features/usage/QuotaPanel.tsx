import { memo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { relativeTime } from '../../lib/relative.js';

/**
 * Keydeck's own calls today against each limit it knows: the provider's documented daily limit
 * (Laghav test keys: 100 a day) or the rate-limit headers it last sent. Memoised: the overview
 * re-renders on every Refresh all progress frame, and this table does not change with it.
 */
export const QuotaPanel = memo(function QuotaPanel({ orgId, headingLevel }: { orgId?: string; headingLevel: 2 | 3 }) {
  const quotas = useQuery({ queryKey: ['quotas', orgId ?? 'all'], queryFn: () => unwrap(api.usage.quotas({ orgId })) });
  const rows = quotas.data?.quotas ?? [];
  if (rows.length === 0) return null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="quota-panel" aria-labelledby="quota-title" data-testid="quota-panel">
      <Heading id="quota-title">Keydeck’s calls today</Heading>
      <table className="quota-table">
        <thead>
          <tr>
            {!orgId && <th scope="col">Organization</th>}
            <th scope="col">Environment</th>
            <th scope="col">Used</th>
            <th scope="col">Remaining</th>
            <th scope="col">Resets</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((q) => {
            const limit = q.header?.limit ?? q.documentedDailyLimit;
            const source = q.header ? `rate-limit headers, ${relativeTime(q.header.seenAt)}` : q.documentedDailyLimit ? 'documented daily limit' : undefined;
            return (
              <tr key={`${q.orgId}:${q.environment}`} data-testid={`quota-${q.orgId}-${q.environment}`}>
                {!orgId && <td>{q.orgName}</td>}
                <td>
                  <span className={`env-text env-text-${q.environment}`}>{q.environment === 'live' ? 'LIVE' : 'test'}</span>
                </td>
                <td>
                  {limit !== undefined ? (
                    <>
                      <meter min={0} max={limit} low={limit * 0.7} high={limit * 0.9} optimum={0} value={Math.min(limit, limit - (q.remaining ?? limit - q.calls))} aria-label={`Calls used of ${limit}`} />{' '}
                      <span data-testid="quota-used">{q.calls}</span> by Keydeck{limit !== undefined && ` · limit ${limit}/day`}
                    </>
                  ) : (
                    <span data-testid="quota-used">{q.calls}</span>
                  )}
                  {q.refused > 0 && <span className="flag flag-due"> {q.refused} refused (429)</span>}
                </td>
                <td title={source}>
                  {q.remaining === undefined ? <span className="muted">no limit published</span> : <span data-testid="quota-remaining">{q.remaining}</span>}
                  {source && <span className="muted small"> ({source})</span>}
                </td>
                <td title={formatDateTime(q.resetsAt)}>{relativeTime(q.resetsAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
