import type { Organization } from '../../../shared/domain.js';

/** The organizations, one button each; the selected one is marked for assistive tech too. */
export function Sidebar({
  organizations,
  selectedId,
  providerNames,
  onSelect,
  onAdd,
}: {
  organizations: Organization[];
  selectedId?: string;
  providerNames: Record<string, string>;
  onSelect: (id: string) => void;
  onAdd: () => void;
}) {
  return (
    <nav className="sidebar" aria-label="Organizations">
      <div className="brand">Keydeck</div>
      <ul>
        {organizations.map((org) => (
          <li key={org.id}>
            <button
              type="button"
              className={`org-button ${org.id === selectedId ? 'selected' : ''}`}
              aria-current={org.id === selectedId ? 'page' : undefined}
              onClick={() => onSelect(org.id)}
            >
              <span className="org-name">{org.name}</span>
              <span className="org-provider">{providerNames[org.provider] ?? org.provider}</span>
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
