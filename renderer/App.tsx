import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorNotice } from './components/ErrorNotice.js';
import { OrgView } from './features/keys/OrgView.js';
import { ConnectForm } from './features/orgs/ConnectForm.js';
import { Sidebar } from './features/orgs/Sidebar.js';
import { api, unwrap } from './lib/api.js';
import { useSelection } from './lib/selection.js';

/** The shell: first-run connect screen, or the sidebar with the selected organization. */
export function App() {
  const info = useQuery({ queryKey: ['info'], queryFn: () => unwrap(api.app.info({})), staleTime: Infinity });
  const orgs = useQuery({ queryKey: ['orgs'], queryFn: () => unwrap(api.orgs.list({})) });
  const [selection, select] = useSelection();
  const [adding, setAdding] = useState(false);
  const providerNames = useMemo(() => Object.fromEntries((info.data?.providers ?? []).map((p) => [p.id, p.displayName])), [info.data]);

  if (info.isError || orgs.isError) {
    return (
      <main className="center">
        <h1>Keydeck</h1>
        <ErrorNotice error={info.error ?? orgs.error} title="Keydeck could not start" />
      </main>
    );
  }
  if (!info.data || !orgs.data) {
    return (
      <main className="center">
        <p role="status">Opening Keydeck…</p>
      </main>
    );
  }
  const organizations = orgs.data.organizations;
  const selected = organizations.find((o) => o.id === selection.orgId) ?? organizations[0];

  if (organizations.length === 0 || adding) {
    return (
      <main className="center first-run">
        <h1>{organizations.length === 0 ? 'Welcome to Keydeck' : 'Add an organization'}</h1>
        <p className="lead">Connect an organization by pasting one of its admin API keys. Keydeck verifies it with the provider and keeps it in your OS keychain ({info.data.keychainService}).</p>
        <ConnectForm
          providerNames={providerNames}
          onConnected={(org, environment) => {
            setAdding(false);
            select({ orgId: org.id, environment });
          }}
        />
        {organizations.length > 0 && (
          <button type="button" className="button-quiet" onClick={() => setAdding(false)}>
            Back to my organizations
          </button>
        )}
        <p className="fine-print">Supported: {info.data.providers.map((p) => p.displayName).join(', ')}.</p>
      </main>
    );
  }

  const provider = info.data.providers.find((p) => p.id === selected?.provider);
  return (
    <div className="layout">
      <Sidebar organizations={organizations} selectedId={selected?.id} providerNames={providerNames} onSelect={(orgId) => select({ orgId })} onAdd={() => setAdding(true)} />
      {selected && provider && (
        <OrgView
          key={selected.id}
          org={selected}
          environment={selection.environment}
          provider={provider}
          providerNames={providerNames}
          onEnvironment={(environment) => select({ environment })}
          onRemoved={() => select({ orgId: undefined })}
        />
      )}
      {info.data.demo && <div className="demo-tag">Demo workspace · keychain “{info.data.keychainService}”</div>}
    </div>
  );
}
