// Long on purpose: the overview's table, its sort and filter, and Refresh all, which share the rows.
import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Environment } from '../../../shared/domain.js';
import { refreshAll, refreshTargets } from '../../../shared/refresh.js';
import { DEFAULT_POLICY } from '../../../shared/plain.js';
import type { UsagePolicy, UsageRow } from '../../../shared/usage.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useIntent, type PendingIntent } from '../../lib/intent.js';
import { PolicyEditor } from './PolicyEditor.js';
import { flagRank, UsageRowView } from './UsageRowView.js';
import { QuotaPanel } from './QuotaPanel.js';
import { progressStore, RefreshProgress } from './RefreshProgress.js';
import { callKey, keepList, send, staleAfter } from '../../lib/calls.js';
import { useOverview } from './use-overview.js';

// Chart.js loads only when a chart is first shown, so it never weighs on the first paint.
const UsageChart = lazy(() => import('./UsageChart.js'));
const CHART_PREF = 'keydeck.usage.chart';

export type Flag = 'all' | 'due' | 'stale' | 'neverUsed' | 'lastUsedUnknown' | 'clockSkew';
type SortKey = 'name' | 'org' | 'age' | 'lastUsed' | 'status' | 'flags';
const FLAG_LABELS: Record<Exclude<Flag, 'all'>, string> = {
  due: 'Due for rotation',
  stale: 'Stale',
  neverUsed: 'Never used',
  lastUsedUnknown: 'Last use unknown',
  clockSkew: 'Provider clock ahead',
};
const ROW_HEIGHT = 44;

function compare(a: UsageRow, b: UsageRow, key: SortKey): number {
  switch (key) {
    case 'name':
      return a.key.name.localeCompare(b.key.name);
    case 'org':
      return a.orgName.localeCompare(b.orgName) || a.environment.localeCompare(b.environment);
    case 'age':
      return (a.flags.ageDays ?? -1) - (b.flags.ageDays ?? -1);
    case 'lastUsed':
      return (a.key.lastUsedAt ?? '').localeCompare(b.key.lastUsedAt ?? '');
    case 'status':
      return a.key.status.localeCompare(b.key.status);
    case 'flags':
      return flagRank(a) - flagRank(b);
  }
}

/**
 * Keys with their age, last use, status and flags, for one organization and environment or for all
 * of them. Rows are virtualised, so 10,000 keys scroll, sort and filter without delay.
 */
export function UsageView({
  orgId,
  environment,
  title,
  embedded,
  policy,
  initialFlag,
  reminded,
  intent,
  onIntentDone,
}: {
  orgId?: string;
  environment?: Environment;
  title: string;
  embedded?: boolean;
  /** The organization's policy, for its editor and the chart's threshold lines (one organization only). */
  policy?: UsagePolicy;
  initialFlag?: Flag;
  /** A reminder's keys (`orgId:environment:keyId`): shown alone until the person shows all. */
  reminded?: string[];
  /** The palette's Refresh all (the overview only). */
  intent?: PendingIntent;
  onIntentDone?: (n: number) => void;
}) {
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  // Recomputed once when a Refresh all ends, not as each of its lists arrives.
  const overview = useOverview(orgId, environment, running);
  const [flag, setFlag] = useState<Flag>(initialFlag ?? 'all');
  const [chart, setChart] = useState(() => localStorage.getItem(CHART_PREF) !== 'hidden');
  const [text, setText] = useState('');
  const [only, setOnly] = useState(() => (reminded && reminded.length > 0 ? new Set(reminded) : undefined));
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'age', dir: -1 });
  // Applied in the keystroke's own render: filtering a sorted array is cheap enough not to defer.
  const query = text.trim().toLowerCase();
  const ids = { flag: useId(), text: useId() };
  // Sorted once per list and sort order, with each row's search text lowered once: a keystroke
  // then only filters an already sorted array (filter keeps the order), so 10,000 rows stay instant.
  const sorted = useMemo(() => {
    const all = (overview.data?.rows ?? []).map((r) => ({
      r,
      text: `${r.key.name}\u0000${r.orgName}\u0000${r.key.masked}`.toLowerCase(),
    }));
    return all.sort((a, b) => compare(a.r, b.r, sort.key) * sort.dir);
  }, [overview.data, sort]);
  const rows = useMemo(() => {
    const out: UsageRow[] = [];
    for (const { r, text } of sorted) {
      if (
        (flag === 'all' || r.flags[flag]) &&
        (!query || text.includes(query)) &&
        (!only || only.has(`${r.orgId}:${r.environment}:${r.key.id}`))
      )
        out.push(r);
    }
    return out;
  }, [sorted, flag, query, only]);
  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns fresh functions each render; we do not use React Compiler, so this is expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // Progress lives in its own store: a list settling re-renders the status line, not this view.
  const [progress] = useState(progressStore);
  useEffect(() => () => progress.dispose(), [progress]);

  const refresh = async () => {
    setRunning(true);
    try {
      const targets = refreshTargets((await send('orgs.list', {})).organizations, orgId, environment);
      progress.set({ done: 0, total: targets.length, failed: 0 });
      let failed = 0;
      // The same bounded path (and bound) the benchmark measures from Node: shared/refresh.ts.
      await refreshAll(targets, (t) => api.keys.list(t), {
        onProgress: (done, total, outcome, answer) => {
          if (!outcome.ok) failed += 1;
          // The answer is the list the core now keeps: the copy in memory for switching is replaced, not refetched.
          else if (answer) keepList(queryClient, { orgId: outcome.orgId, environment: outcome.environment }, answer);
          progress.set({ done, total, failed });
        },
      });
    } finally {
      setRunning(false);
    }
    // Fresh lists: what is built from them (overview, quotas, reminders) is stale, and so are the
    // provider lists kept for the organizations' pages (they are fetched again when next shown).
    await Promise.all([
      staleAfter(queryClient, 'keys.list'),
      queryClient.invalidateQueries({ queryKey: callKey('keys.list') }),
    ]);
  };
  useIntent(
    embedded ? undefined : intent,
    ['refresh-all'],
    () => {
      if (!running) void refresh();
      return true;
    },
    (n) => onIntentDone?.(n),
  );
  const toggleChart = () => {
    localStorage.setItem(CHART_PREF, chart ? 'hidden' : 'shown');
    setChart(!chart);
  };

  const s = overview.data?.summary;
  const header = (key: SortKey, label: string) => (
    <div
      role="columnheader"
      aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
      className={`usage-cell usage-${key}`}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => setSort((p) => ({ key, dir: p.key === key ? (p.dir === 1 ? -1 : 1) : 1 }))}
      >
        {label}
        {sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </div>
  );
  const Container = embedded ? 'section' : 'main';
  const Heading = embedded ? 'h2' : 'h1';
  return (
    <Container className="usage-view" aria-labelledby="usage-title">
      <header className="org-header">
        <div>
          <Heading id="usage-title" tabIndex={embedded ? undefined : -1}>
            {title}
          </Heading>
          {s && (
            <p className="summary" data-testid="usage-summary">
              {s.due} due, {s.stale} stale, {s.neverUsed} never used across {s.organizations} organization
              {s.organizations === 1 ? '' : 's'} ({s.keys.toLocaleString()} key{s.keys === 1 ? '' : 's'})
              {s.lastUsedUnknown > 0 && `; last use unknown for ${s.lastUsedUnknown}`}
              {s.unlisted > 0 && `; ${s.unlisted} not listed yet`}
            </p>
          )}
          {overview.data?.asOf && (
            <p className="muted fetched">From lists as old as {formatDateTime(overview.data.asOf)}</p>
          )}
        </div>
        <div className="header-actions">
          <button type="button" className="button-quiet" aria-pressed={chart} onClick={toggleChart}>
            {chart ? 'Hide chart' : 'Show chart'}
          </button>
          {/* Inside an organization its own header has Refresh; the overview refreshes everything. */}
          {!embedded && (
            <button type="button" className="button-primary" onClick={() => void refresh()} disabled={running}>
              {orgId ? 'Refresh' : 'Refresh all'}
            </button>
          )}
        </div>
      </header>
      <RefreshProgress store={progress} />
      {overview.isError && <ErrorNotice error={overview.error} title="Could not build the overview" />}
      {orgId && (
        <PolicyEditor key={`${policy?.rotateAfterDays}:${policy?.staleAfterDays}`} orgId={orgId} policy={policy} />
      )}
      {chart && overview.data && overview.data.rows.length > 0 && (
        <Suspense fallback={<p className="muted usage-chart-placeholder">Drawing the chart…</p>}>
          <UsageChart
            rows={overview.data.rows}
            policy={orgId ? (policy ?? DEFAULT_POLICY) : undefined}
            now={overview.dataUpdatedAt}
          />
        </Suspense>
      )}
      {only && (
        <p className="notice notice-warn reminder-filter" role="status" data-testid="reminder-filter">
          Showing the {only.size.toLocaleString()} key{only.size === 1 ? '' : 's'} of the reminder.{' '}
          <button type="button" className="button-quiet button-small" onClick={() => setOnly(undefined)}>
            Show all keys
          </button>
        </p>
      )}
      <div className="usage-filters">
        <label htmlFor={ids.text}>Filter</label>
        <input
          id={ids.text}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Key, organization or last 4"
        />
        <label htmlFor={ids.flag}>Show</label>
        <select id={ids.flag} value={flag} onChange={(e) => setFlag(e.target.value as Flag)}>
          <option value="all">All keys</option>
          {Object.entries(FLAG_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <span className="muted" role="status" data-applied-filter={query}>
          {rows.length.toLocaleString()} shown
        </span>
      </div>
      <div role="table" aria-label="Keys and their usage" aria-rowcount={rows.length + 1} className="usage-table">
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="usage-row usage-head">
            {header('name', 'Key')}
            {header('org', 'Organization')}
            {header('age', 'Age')}
            {header('lastUsed', 'Last used')}
            {header('status', 'Status')}
            {header('flags', 'Flags')}
          </div>
        </div>
        <div
          ref={scroller}
          className="usage-scroll"
          role="rowgroup"
          tabIndex={0}
          aria-label="Keys (scroll with the arrow keys)"
        >
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((item) => {
              const r = rows[item.index];
              if (!r) return null;
              return (
                <UsageRowView
                  key={`${r.orgId}:${r.environment}:${r.key.id}`}
                  r={r}
                  index={item.index}
                  top={item.start}
                  height={ROW_HEIGHT}
                />
              );
            })}
          </div>
        </div>
      </div>
      {overview.data && rows.length === 0 && (
        <p className="empty">
          {overview.data.rows.length === 0 ? 'No lists yet: press Refresh all.' : 'No key matches.'}
        </p>
      )}
      {/* After the keys: the summary and the keys come first, however many organizations there are. */}
      <QuotaPanel orgId={orgId} headingLevel={embedded ? 3 : 2} />
    </Container>
  );
}
