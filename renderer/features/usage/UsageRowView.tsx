import { memo } from 'react';
import type { UsageRow } from '../../../shared/usage.js';
import { formatDate, formatDateTime } from '../../lib/format.js';
import { relativeTime } from '../../lib/relative.js';

/**
 * One key in the usage table (absolutely placed by the virtualiser). Memoised: a progress tick or a
 * keystroke re-renders only rows whose data or position changed. The benchmark's React floor renders
 * this same component.
 */
export const UsageRowView = memo(function UsageRowView({ r, index, top, height }: { r: UsageRow; index: number; top: number; height: number }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className="usage-row"
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height, transform: `translateY(${top}px)` }}
    >
      <div role="cell" className="usage-cell usage-name">
        <span className="key-title">{r.key.name || '(unnamed)'}</span> <code className="masked">{r.key.masked}</code>
      </div>
      <div role="cell" className="usage-cell usage-org">
        {r.orgName} <span className={`env-text env-text-${r.environment}`}>{r.environment === 'live' ? 'LIVE' : 'test'}</span>
      </div>
      <div role="cell" className="usage-cell usage-age" title={formatDateTime(r.key.createdAt)}>
        {r.flags.ageDays === undefined ? '—' : `${r.flags.ageDays} d`}
      </div>
      <div role="cell" className="usage-cell usage-lastUsed" title={r.flags.lastUsedUnknown ? 'This provider does not report last use' : formatDateTime(r.key.lastUsedAt)}>
        {r.flags.lastUsedUnknown ? <span className="muted">unknown</span> : r.key.lastUsedAt ? relativeTime(r.key.lastUsedAt) : 'never'}
      </div>
      <div role="cell" className="usage-cell usage-status">
        <span className={`status status-${r.key.status}`}>{r.key.status}</span>
      </div>
      <div role="cell" className="usage-cell usage-flags">
        {r.flags.due && <span className="flag flag-due">due</span>}
        {r.flags.stale && <span className="flag flag-stale">stale</span>}
        {r.flags.neverUsed && <span className="flag">never used</span>}
        {r.flags.clockSkew && <span className="flag" title="A date from the provider is in the future">clock ahead</span>}
        {r.key.createdAt && !r.flags.due && r.flags.ageDays !== undefined && <span className="muted small">since {formatDate(r.key.createdAt)}</span>}
      </div>
    </div>
  );
});
