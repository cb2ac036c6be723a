import type { Organization } from '../../../shared/domain.js';
import { memo, type ReactNode } from 'react';
import { useAppInfo } from '../../lib/app-info.js';

/** The organizations, one button each, with the environments connected; the selected one is marked for assistive tech too. */
export function Sidebar({
  organizations,
  selectedId,
  view,
  onSelect,
  onView,
  onSettings,
  onAdd,
  children,
}: {
  organizations: Organization[];
  selectedId?: string;
  view: 'org' | 'overview' | 'activity';
  onSelect: (id: string) => void;
  onView: (v: 'overview' | 'activity') => void;
  onSettings: () => void;
  onAdd: () => void;
  /** Shown at the bottom of the sidebar (the demo's badge). */
  children?: ReactNode;
}) {
  const { names } = useAppInfo();
  return (
    <nav className="sidebar" aria-label="Organizations">
      <div className="brand">Keydeck</div>
      <ul className="views">
        <li>
          <button
            type="button"
            className={`org-button ${view === 'overview' ? 'selected' : ''}`}
            aria-current={view === 'overview' ? 'page' : undefined}
            onClick={() => onView('overview')}
          >
            Overview
          </button>
        </li>
        <li>
          <button
            type="button"
            className={`org-button ${view === 'activity' ? 'selected' : ''}`}
            aria-current={view === 'activity' ? 'page' : undefined}
            onClick={() => onView('activity')}
          >
            Activity
          </button>
        </li>
      </ul>
      <p className="sidebar-hint">Ctrl/⌘ K to jump anywhere</p>
      <ul className="org-list" aria-label="Your organizations">
        {organizations.map((org) => (
          <SidebarOrg
            key={org.id}
            org={org}
            selected={view === 'org' && org.id === selectedId}
            providerName={names[org.provider] ?? org.provider}
            onSelect={onSelect}
          />
        ))}
      </ul>
      <button type="button" className="button-quiet add-org" onClick={onAdd}>
        + Add organization
      </button>
      <button type="button" className="button-quiet settings-button" onClick={onSettings}>
        Settings
      </button>
      {children}
    </nav>
  );
}

/** One organization's button. Memoised: switching organization re-renders two of them, not all 500. */
const SidebarOrg = memo(function SidebarOrg({
  org,
  selected,
  providerName,
  onSelect,
}: {
  org: Organization;
  selected: boolean;
  providerName: string;
  onSelect: (id: string) => void;
}) {
  return (
    <li>
      <button
        type="button"
        className={`org-button ${selected ? 'selected' : ''}`}
        aria-current={selected ? 'page' : undefined}
        onClick={() => onSelect(org.id)}
      >
        <span className="org-name">
          {org.name}
          {org.sessionOnly && (
            <span className="badge badge-session" title="Held in memory until you quit Keydeck">
              session
            </span>
          )}
          {org.recovered && (
            <span
              className="badge badge-recovered"
              title="Rebuilt from the keychain by recovery mode: check its name and settings"
            >
              recovered
            </span>
          )}
        </span>
        <span className="org-provider">
          {providerName}
          {org.environments.length > 0 && ` · ${org.environments.join(' + ')}`}
        </span>
      </button>
    </li>
  );
});
