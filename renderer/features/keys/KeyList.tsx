import type { KeyRecord, ProviderInfo } from '../../../shared/domain.js';
import { memo } from 'react';
import { formatDate, formatDateTime } from '../../lib/format.js';

/** Why a key Keydeck holds has no provider id: said next to its badge, in words. */
const UNMATCHED =
  'Keydeck holds this key but cannot tell which of the provider’s keys it is; revoke it in the dashboard.';

export interface KeyActions {
  onRevoke: (key: KeyRecord) => void;
  onCheck: (key: KeyRecord) => void;
  onRotate: (key: KeyRecord) => void;
  /** A check is in flight: the Check buttons wait for it. */
  checking?: boolean;
}

/**
 * The keys of one organization and environment. Where the provider lists keys by API this is its
 * whole list; otherwise it is the keys Keydeck holds, said so plainly, with when the provider last
 * accepted each. Provider-supplied text (names, scopes) is rendered as text, never as HTML.
 */
export function KeyList({
  keys,
  source,
  provider,
  actions,
}: {
  keys: KeyRecord[];
  source: 'provider' | 'keydeck';
  provider: ProviderInfo;
  actions: KeyActions;
}) {
  const caption =
    source === 'provider'
      ? `All keys ${provider.displayName} reports for this environment`
      : `Keys known to Keydeck: ${provider.displayName} lists keys only in its dashboard, so keys created elsewhere are not shown here`;
  if (keys.length === 0) return <p className="empty">No keys yet.</p>;
  const revokeLabelOf = (k: KeyRecord) =>
    provider.capabilities.revoke === 'api' && !k.unmatched ? 'Revoke' : 'Revoke in dashboard…';
  // While Keydeck cannot tell which listed key is its own admin key, the core refuses every API revoke
  // here (any of them might be that key): offer none, and say why and what helps.
  const adminUnmatched = keys.some((k) => k.isAdmin && k.unmatched);
  /** Revoke by API needs the provider's id for the key: never offered for a key Keydeck could not match. */
  const canRevoke = (k: KeyRecord) =>
    !k.isAdmin &&
    // The new key of a rotation in progress belongs to that rotation: it revokes the new key if cancelled.
    k.rotation !== 'new' &&
    (provider.capabilities.revoke === 'api' && !k.unmatched
      ? k.status === 'active' && source === 'provider' && !adminUnmatched
      : Boolean(k.heldCredentialId));
  return (
    <>
      {adminUnmatched && provider.capabilities.revoke === 'api' && (
        <p className="hint admin-unmatched" role="note">
          Keydeck cannot yet tell which of these keys is its own admin key ({provider.displayName}'s list gives no last
          4), so it revokes nothing here through the API: the key you chose might be that one. Add a second key of this
          environment to Keydeck and it will tell them apart, or revoke in the {provider.displayName} dashboard. Telling
          them apart means watching their last use (about 10 calls a try, retried less and less often), and those calls
          count in Keydeck’s calls today.
        </p>
      )}
      <table className="key-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">{source === 'provider' ? 'Created' : 'Added'}</th>
            <th scope="col">{source === 'provider' ? 'Last used' : 'Last verified'}</th>
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
              key={k.heldCredentialId ?? k.id}
              k={k}
              source={source}
              provider={provider}
              actions={actions}
              revokeLabel={revokeLabelOf(k)}
              canRevoke={canRevoke(k)}
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * One key's row. Its own memoised component, so a list re-renders only the rows whose key changed,
 * and so the benchmark's React floor renders exactly this row.
 */
export const KeyRow = memo(function KeyRow({
  k,
  source,
  provider,
  actions,
  revokeLabel,
  canRevoke,
}: {
  k: KeyRecord;
  source: 'provider' | 'keydeck';
  provider: ProviderInfo;
  actions: KeyActions;
  revokeLabel: string;
  canRevoke: boolean;
}) {
  return (
    <tr data-key-id={k.id} className={k.status !== 'active' ? 'inactive' : undefined}>
      <th scope="row" className="key-name">
        {k.name || <span className="muted">(unnamed)</span>}
        {k.scope && <span className="scope">{k.scope}</span>}
      </th>
      <td>
        <code className="masked">{k.masked}</code>
      </td>
      <td title={formatDateTime(k.createdAt)}>{formatDate(k.createdAt)}</td>
      {source === 'provider' ? (
        <td
          title={
            provider.reportsLastUsed ? formatDateTime(k.lastUsedAt) : `${provider.displayName} does not report last use`
          }
        >
          {provider.reportsLastUsed ? (
            k.lastUsedAt ? (
              formatDate(k.lastUsedAt)
            ) : (
              'Never'
            )
          ) : (
            <span className="muted">Not reported</span>
          )}
        </td>
      ) : (
        <td title={formatDateTime(k.verifiedAt)}>
          {k.verifiedAt ? formatDate(k.verifiedAt) : <span className="muted">Never</span>}
        </td>
      )}
      <td>
        <span className={`status status-${k.status}`}>{k.status}</span>
      </td>
      <td>
        {k.isAdmin ? (
          <span className="badge badge-admin">Keydeck’s admin key</span>
        ) : k.heldCredentialId ? (
          <span className="badge">Held</span>
        ) : (
          <span className="muted">No</span>
        )}
        {k.rotation && (
          <>
            {' '}
            <span className="badge badge-rotating">
              {k.rotation === 'new' ? 'new key of a rotation in progress' : 'old key of a rotation in progress'}
            </span>
          </>
        )}
        {k.unmatched && (
          <>
            {' '}
            <span className="badge badge-unmatched" title={UNMATCHED}>
              not matched
            </span>
            <span className="hint unmatched-help">{UNMATCHED}</span>
          </>
        )}
      </td>
      <td>
        <div className="row-actions">
          {k.heldCredentialId && !k.rotation && k.status !== 'revoked' && k.status !== 'expired' && (
            <button
              type="button"
              className="button-quiet button-small"
              onClick={() => actions.onRotate(k)}
              aria-label={`Rotate ${k.name || k.masked}`}
            >
              Rotate…
            </button>
          )}
          {source === 'keydeck' && k.heldCredentialId && (
            <button
              type="button"
              className="button-quiet button-small"
              onClick={() => actions.onCheck(k)}
              disabled={actions.checking}
              aria-label={`Check ${k.name || k.masked} with ${provider.displayName}`}
            >
              Check
            </button>
          )}
          {canRevoke && (
            <button
              type="button"
              className="button-danger-quiet"
              onClick={() => actions.onRevoke(k)}
              aria-label={`${revokeLabel.replace('…', '')} ${k.name || k.masked}`}
            >
              {revokeLabel}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
});
