/// <reference types="vite/client" />
/**
 * The benchmark's React floor: the least a React app can do to show the same rows. No data layer,
 * no IPC, no state beyond what is shown: inline data (a JSON script tag the benchmark writes into the
 * page), Keydeck's own row components (KeyRow, UsageRowView) and styles, and @tanstack/react-virtual
 * for the usage table exactly as UsageView uses it (row height 44, overscan 12, filtered in the
 * keystroke's own render). Keydeck's cold load, switch and filter are reported as ratios to this.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { KeyRecord, ProviderInfo } from '../../../shared/domain.js';
import type { UsageRow } from '../../../shared/usage.js';
import { KeyRow, type KeyActions } from '../../../renderer/features/keys/KeyList.js';
import { UsageRowView } from '../../../renderer/features/usage/UsageRowView.js';
import '../../../renderer/styles.css';

interface FloorData {
  mode: 'keys' | 'filter';
  provider: ProviderInfo;
  orgs: { id: string; name: string }[];
  lists: Record<string, KeyRecord[]>;
  rows: UsageRow[];
}

const data = JSON.parse(document.getElementById('bench-data')?.textContent ?? '{}') as FloorData;
const ROW_HEIGHT = 44;
const noop = () => undefined;
const actions: KeyActions = { onRevoke: noop, onCheck: noop, onRotate: noop };

function Keys() {
  const [orgId, setOrgId] = useState(data.orgs[0]?.id ?? '');
  const org = data.orgs.find((o) => o.id === orgId);
  const keys = data.lists[orgId] ?? [];
  return (
    <div className="app">
      <nav className="sidebar">
        {data.orgs.map((o) => (
          <button
            key={o.id}
            type="button"
            className={`org-button ${o.id === orgId ? 'selected' : ''}`}
            onClick={() => setOrgId(o.id)}
          >
            <span className="org-name">{o.name}</span>
          </button>
        ))}
      </nav>
      <main>
        <h1 id="org-title">{org?.name}</h1>
        <table className="key-table">
          <caption>All keys {data.provider.displayName} reports for this environment</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">In Keydeck</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <KeyRow
                key={k.id}
                k={k}
                source="provider"
                provider={data.provider}
                actions={actions}
                revokeLabel="Revoke"
                canRevoke={!k.isAdmin && k.status === 'active'}
              />
            ))}
          </tbody>
        </table>
      </main>
    </div>
  );
}

// Sorted as the Overview opens (oldest first), each row's search text lowered once.
const sorted = (data.rows ?? [])
  .map((r) => ({ r, text: `${r.key.name}\u0000${r.orgName}\u0000${r.key.masked}`.toLowerCase() }))
  .sort((a, b) => (b.r.flags.ageDays ?? -1) - (a.r.flags.ageDays ?? -1));

function Filter() {
  const [text, setText] = useState('');
  const query = text.trim().toLowerCase();
  const rows: UsageRow[] = [];
  for (const { r, text: t } of sorted) if (!query || t.includes(query)) rows.push(r);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  return (
    <main className="usage-view">
      <div className="usage-filters">
        <label htmlFor="filter">Filter</label>
        <input id="filter" value={text} onChange={(e) => setText(e.target.value)} />
        <span className="muted" role="status" data-applied-filter={query}>
          {rows.length.toLocaleString()} shown
        </span>
      </div>
      <div role="table" className="usage-table">
        <div ref={scroller} className="usage-scroll" role="rowgroup">
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((item) => {
              const r = rows[item.index];
              return r ? (
                <UsageRowView
                  key={`${r.orgId}:${r.environment}:${r.key.id}`}
                  r={r}
                  index={item.index}
                  top={item.start}
                  height={ROW_HEIGHT}
                />
              ) : null;
            })}
          </div>
        </div>
      </div>
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(data.mode === 'filter' ? <Filter /> : <Keys />);
