import { memo, useState } from 'react';
import { nearLimit } from '../../lib/quota.js';
import { formatDateTime } from '../../lib/format.js';
import { relativeTime } from '../../lib/relative.js';
import { useCall } from '../../lib/calls.js';

/**
 * Keydeck's own calls today against each limit it knows: the provider's documented daily limit
 * (Laghav test keys: 100 a day) or the rate-limit headers it last sent. Memoised: the overview
 * re-renders on every Refresh all progress frame, and this table does not change with it.
 */
/** Above this many rows, the all-organizations table lists only those near a limit until asked. */
const COLLAPSE_ABOVE = 6;

export const QuotaPanel = memo(function QuotaPanel({ orgId, headingLevel }: { orgId?: string; headingLevel: 2 | 3 }) {
  const quotas = useCall('usage.quotas', { orgId });
  const [showAll, setShowAll] = useState(false);
  const all = quotas.data?.quotas ?? [];
  if (all.length === 0) return null;
  // Across every organization only the ones near or over a limit are listed, unless asked: at 500
  // organizations the full table would push the keys a screen's height down a thousand rows.
  const collapsible = !orgId && all.length > COLLAPSE_ABOVE;
  const near = collapsible ? all.filter(nearLimit) : all;
  const rows = collapsible && !showAll ? near : all;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="quota-panel" aria-labelledby="quota-title" data-testid="quota-panel">
      <Heading id="quota-title">Keydeck’s calls today</Heading>
      {collapsible && (
        <p className="quota-summary" data-testid="quota-summary">
          {near.length === 0
            ? `None of the ${all.length.toLocaleString()} organization-environments is near a limit.`
            : `${near.length.toLocaleString()} of ${all.length.toLocaleString()} organization-environments ${near.length === 1 ? 'is' : 'are'} near or over a limit.`}{' '}
          <button
            type="button"
            className="button-quiet button-small"
            aria-expanded={showAll}
            onClick={() => setShowAll(!showAll)}
          >
            {showAll ? 'Show only those near a limit' : `Show all ${all.length.toLocaleString()}`}
          </button>
        </p>
      )}
      {rows.length > 0 && (
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
              const source = q.header
                ? `rate-limit headers, ${relativeTime(q.header.seenAt)}`
                : q.documentedDailyLimit
                  ? 'documented daily limit'
                  : undefined;
              return (
                <tr key={`${q.orgId}:${q.environment}`} data-testid={`quota-${q.orgId}-${q.environment}`}>
                  {!orgId && <td>{q.orgName}</td>}
                  <td>
                    <span className={`env-text env-text-${q.environment}`}>
                      {q.environment === 'live' ? 'LIVE' : 'test'}
                    </span>
                  </td>
                  <td>
                    {limit !== undefined ? (
                      <>
                        <meter
                          min={0}
                          max={limit}
                          low={limit * 0.7}
                          high={limit * 0.9}
                          optimum={0}
                          value={Math.min(limit, limit - (q.remaining ?? limit - q.calls))}
                          aria-label={`Calls used of ${limit}`}
                        />{' '}
                        <span data-testid="quota-used">{q.calls}</span> by Keydeck
                        {limit !== undefined && ` · limit ${limit}/day`}
                      </>
                    ) : (
                      <span data-testid="quota-used">{q.calls}</span>
                    )}
                    {q.refused > 0 && <span className="flag flag-due"> {q.refused} refused (429)</span>}
                    {(q.identifying ?? 0) > 0 && (
                      <span
                        className="muted small"
                        data-testid="quota-identifying"
                        title="Calls Keydeck made watching keys’ last use to tell which of the provider’s keys it holds"
                      >
                        {' '}
                        ({q.identifying} {q.identifying === 1 ? 'call' : 'calls'} spent identifying keys)
                      </span>
                    )}
                  </td>
                  <td title={source}>
                    {q.remaining === undefined ? (
                      <span className="muted">no limit published</span>
                    ) : (
                      <span data-testid="quota-remaining">{q.remaining}</span>
                    )}
                    {source && <span className="muted small"> ({source})</span>}
                  </td>
                  <td title={formatDateTime(q.resetsAt)}>{relativeTime(q.resetsAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
});
