import type { KeyRecord, ProviderInfo } from '../../../shared/domain.js';
import { formatDate, formatDateTime } from '../../lib/format.js';

/**
 * The keys of one organization and environment. Provider-supplied text (names, scopes) is
 * rendered as text by React, never as HTML.
 */
export function KeyList({
  keys,
  source,
  provider,
  onRevoke,
}: {
  keys: KeyRecord[];
  source: 'provider' | 'keydeck';
  provider: ProviderInfo;
  onRevoke: (key: KeyRecord) => void;
}) {
  const caption = source === 'provider' ? `All keys ${provider.displayName} reports` : 'Keys known to Keydeck (this provider cannot list keys)';
  if (keys.length === 0) return <p className="empty">No keys yet.</p>;
  return (
    <table className="key-table">
      <caption>{caption}</caption>
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
          <tr key={k.id} data-key-id={k.id} className={k.status !== 'active' ? 'inactive' : undefined}>
            <th scope="row" className="key-name">
              {k.name || <span className="muted">(unnamed)</span>}
              {k.scope && <span className="scope">{k.scope}</span>}
            </th>
            <td>
              <code className="masked">{k.masked}</code>
            </td>
            <td title={formatDateTime(k.createdAt)}>{formatDate(k.createdAt)}</td>
            <td title={provider.reportsLastUsed ? formatDateTime(k.lastUsedAt) : `${provider.displayName} does not report last use`}>
              {provider.reportsLastUsed ? (k.lastUsedAt ? formatDate(k.lastUsedAt) : 'Never') : <span className="muted">Not reported</span>}
            </td>
            <td>
              <span className={`status status-${k.status}`}>{k.status}</span>
            </td>
            <td>{k.isAdmin ? <span className="badge badge-admin">Keydeck’s admin key</span> : k.heldCredentialId ? <span className="badge">Held</span> : <span className="muted">No</span>}</td>
            <td>
              {k.status === 'active' && provider.capabilities.revoke === 'api' && !k.isAdmin && (
                <button type="button" className="button-danger-quiet" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name || k.masked}`}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
