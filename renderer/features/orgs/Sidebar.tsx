import type { Organization } from '../../../shared/domain.js';
import { useAppInfo } from '../../lib/app-info.js';

/** The organizations, one button each, with the environments connected; the selected one is marked for assistive tech too. */
export function Sidebar({ organizations, selectedId, onSelect, onAdd }: { organizations: Organization[]; selectedId?: string; onSelect: (id: string) => void; onAdd: () => void }) {
  const { names } = useAppInfo();
  return (
    <nav className="sidebar" aria-label="Organizations">
      <div className="brand">Keydeck</div>
      <ul>
        {organizations.map((org) => (
          <li key={org.id}>
            <button type="button" className={`org-button ${org.id === selectedId ? 'selected' : ''}`} aria-current={org.id === selectedId ? 'page' : undefined} onClick={() => onSelect(org.id)}>
              <span className="org-name">{org.name}</span>
              <span className="org-provider">
                {names[org.provider] ?? org.provider}
                {org.environments.length > 0 && ` · ${org.environments.join(' + ')}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="button-quiet add-org" onClick={onAdd}>
        + Add organization
      </button>
    </nav>
  );
}
