import { useId, useState } from 'react';
import type { Output } from '../../../shared/contract.js';
import type { Organization } from '../../../shared/domain.js';
import { ACTION_WORDS, ACTIVITY_ACTIONS } from '../../../shared/plain.js';
import { formatDateTime } from '../../lib/format.js';
import { useIntent, type PendingIntent } from '../../lib/intent.js';
import { useCall } from '../../lib/calls.js';

type Entry = Output<'activity.list'>['entries'][number];
/**
 * A detail as a person reads it: the rotation's id (which ties a rotation's entries together in
 * the export) is left out on screen; the export keeps it.
 */
function detailWords(detail: string | undefined): string {
  const words = (detail ?? '').replace(/^rot_[A-Za-z0-9]+(?::\s*)?/, '').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : '—';
}

const COLUMNS = ['at', 'action', 'orgName', 'orgId', 'environment', 'keyId', 'last4', 'detail'] as const;

/** CSV with every field quoted, and formula-looking cells defused for spreadsheet apps. */
export function toCsv(entries: Entry[]): string {
  const cell = (v: unknown) => {
    let s = v === undefined || v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return `"${s.replace(/"/g, '""')}"`;
  };
  return [COLUMNS.join(','), ...entries.map((e) => COLUMNS.map((c) => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Everything Keydeck did, newest first: filterable, exportable. Public facts only, never a secret. */
export function ActivityView({
  organizations,
  intent,
  onIntentDone,
}: {
  organizations: Organization[];
  intent?: PendingIntent;
  onIntentDone: (n: number) => void;
}) {
  const [orgId, setOrgId] = useState('');
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const ids = { org: useId(), action: useId(), text: useId() };
  const list = useCall('activity.list', {
    orgId: orgId || undefined,
    action: (action || undefined) as Entry['action'] | undefined,
    limit: 5000,
  });
  const q = text.trim().toLowerCase();
  const entries = (list.data?.entries ?? []).filter(
    (e) => !q || `${e.orgName} ${e.keyId ?? ''} ${e.last4 ?? ''} ${e.detail ?? ''}`.toLowerCase().includes(q),
  );
  // The filters in force, named, for the empty result's message.
  const filterWords = [
    orgId ? `organization: ${organizations.find((o) => o.id === orgId)?.name ?? 'removed organization'}` : '',
    action ? `action: ${ACTION_WORDS[action as Entry['action']] ?? action}` : '',
    q ? `search: “${text.trim()}”` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const stamp = new Date().toISOString().slice(0, 10);
  const exportAs = (format: 'csv' | 'json') =>
    format === 'csv'
      ? download(`keydeck-activity-${stamp}.csv`, 'text/csv', toCsv(entries))
      : download(`keydeck-activity-${stamp}.json`, 'application/json', JSON.stringify(entries, null, 2));
  // The palette's Export: once the entries are in.
  useIntent(
    intent,
    ['export'],
    (i) => {
      if (!list.data) return list.isError;
      if (entries.length > 0) exportAs(i.format);
      return true;
    },
    onIntentDone,
  );
  return (
    <main className="activity-view" aria-labelledby="activity-title">
      <header className="org-header">
        <div>
          <h1 id="activity-title" tabIndex={-1}>
            Activity
          </h1>
          <p className="muted">
            Everything Keydeck did, with time, organization, environment, key id and last 4. Never a secret.
          </p>
        </div>
        <div className="header-actions">
          <button
            type="button"
            className="button-quiet"
            onClick={() => exportAs('csv')}
            disabled={entries.length === 0}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="button-quiet"
            onClick={() => exportAs('json')}
            disabled={entries.length === 0}
          >
            Export JSON
          </button>
        </div>
      </header>
      <div className="usage-filters">
        <label htmlFor={ids.org}>Organization</label>
        <select id={ids.org} value={orgId} onChange={(e) => setOrgId(e.target.value)}>
          <option value="">All</option>
          {organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.action}>Action</label>
        <select id={ids.action} value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">All</option>
          {ACTIVITY_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {ACTION_WORDS[a]}
            </option>
          ))}
        </select>
        <label htmlFor={ids.text}>Search</label>
        <input id={ids.text} value={text} onChange={(e) => setText(e.target.value)} />
        <span className="muted" role="status">
          {entries.length.toLocaleString()} entries
        </span>
      </div>
      <table className="key-table activity-table">
        <caption className="visually-hidden">Activity, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Organization</th>
            <th scope="col">Env</th>
            <th scope="col">Key</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.slice(0, 500).map((e, i) => (
            <tr key={`${e.at}-${i}`}>
              <td>
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              </td>
              <td>{ACTION_WORDS[e.action]}</td>
              <td>{e.orgName}</td>
              <td>{e.environment ?? ''}</td>
              <td>
                {e.keyId ?? ''}
                {e.last4 ? ` …${e.last4}` : ''}
              </td>
              <td className="detail">{detailWords(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.isSuccess && entries.length === 0 && (
        <p className="empty activity-empty" role="status">
          {orgId || action || q ? `No activity matches these filters. Filtered on ${filterWords}.` : 'No activity yet.'}
        </p>
      )}
      {entries.length > 500 && <p className="muted">Showing the latest 500; the export has all {entries.length}.</p>}
    </main>
  );
}
