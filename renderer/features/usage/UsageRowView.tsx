import { memo } from 'react';
import type { UsageRow } from '../../../shared/usage.js';
import { formatDateTime } from '../../lib/format.js';
import { relativeTime } from '../../lib/relative.js';

/** A row's flags in words, most urgent first (the order the Flags column sorts by). */
function flagWords(r: UsageRow): { label: string; className: string; title?: string }[] {
  const out: { label: string; className: string; title?: string }[] = [];
  if (r.flags.due) out.push({ label: 'due', className: 'flag flag-due' });
  if (r.flags.stale) out.push({ label: 'stale', className: 'flag flag-stale' });
  if (r.flags.neverUsed) out.push({ label: 'never used', className: 'flag' });
  if (r.flags.clockSkew)
    out.push({ label: 'clock ahead', className: 'flag', title: 'A date from the provider is in the future' });
  return out;
}

/** Where a row sorts in the Flags column: due, stale, never used, clock ahead, then none. */
export function flagRank(r: UsageRow): number {
  return r.flags.due ? 0 : r.flags.stale ? 1 : r.flags.neverUsed ? 2 : r.flags.clockSkew ? 3 : 4;
}

/**
 * One key in the usage table (absolutely placed by the virtualiser). Memoised: a progress tick or a
 * keystroke re-renders only rows whose data or position changed. The benchmark's React floor renders
 * this same component.
 */
export const UsageRowView = memo(function UsageRowView({
  r,
  index,
  top,
  height,
}: {
  r: UsageRow;
  index: number;
  top: number;
  height: number;
}) {
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
        {r.orgName}{' '}
        <span className={`env-text env-text-${r.environment}`}>{r.environment === 'live' ? 'LIVE' : 'test'}</span>
      </div>
      <div
        role="cell"
        className="usage-cell usage-age"
        title={r.key.createdAt ? `Created ${formatDateTime(r.key.createdAt)}` : 'Creation date unknown'}
      >
        {r.flags.ageDays === undefined ? '—' : `${r.flags.ageDays} d`}
      </div>
      <div
        role="cell"
        className="usage-cell usage-lastUsed"
        title={r.flags.lastUsedUnknown ? 'This provider does not report last use' : formatDateTime(r.key.lastUsedAt)}
      >
        {r.flags.lastUsedUnknown ? (
          <span className="muted">unknown</span>
        ) : r.key.lastUsedAt ? (
          relativeTime(r.key.lastUsedAt)
        ) : (
          'never'
        )}
      </div>
      <div role="cell" className="usage-cell usage-status">
        <span className={`status status-${r.key.status}`}>{r.key.status}</span>
      </div>
      <div role="cell" className="usage-cell usage-flags">
        {flagWords(r).map((f, i) => (
          <span key={f.label}>
            {i > 0 && ' '}
            <span className={f.className} title={f.title}>
              {f.label}
            </span>
          </span>
        ))}
      </div>
    </div>
  );
});
