import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorNotice } from './components/ErrorNotice.js';
import { OrgView } from './features/keys/OrgView.js';
import { ConnectForm } from './features/orgs/ConnectForm.js';
import { Sidebar } from './features/orgs/Sidebar.js';
import { RotationWizard } from './features/rotation/RotationWizard.js';
import { UnfinishedRotations } from './features/rotation/UnfinishedRotations.js';
import { api, unwrap } from './lib/api.js';
import { AppInfoProvider } from './lib/app-info.js';
import { useSelection } from './lib/selection.js';

/** The shell: first-run connect screen, or the sidebar with the selected organization. */
export function App() {
  const info = useQuery({ queryKey: ['info'], queryFn: () => unwrap(api.app.info({})), staleTime: Infinity });
  const orgs = useQuery({ queryKey: ['orgs'], queryFn: () => unwrap(api.orgs.list({})) });
  const [selection, select] = useSelection();
  const [adding, setAdding] = useState(false);
  const [wizard, setWizard] = useState<{ rotationId: string; orgId: string }>();

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

  return (
    <AppInfoProvider info={info.data}>
      {organizations.length === 0 || adding ? (
        <main className="center first-run">
          <h1>{organizations.length === 0 ? 'Welcome to Keydeck' : 'Add an organization'}</h1>
          <p className="lead">
            Connect an organization by pasting one of its admin API keys. Keydeck verifies it with the provider and keeps it in your OS keychain ({info.data.keychainService}).
          </p>
          <ConnectForm
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
      ) : (
        <div className="layout">
          {wizard && organizations.some((o) => o.id === wizard.orgId) && (
            <RotationWizard rotationId={wizard.rotationId} org={organizations.find((o) => o.id === wizard.orgId) ?? organizations[0]!} onClose={() => setWizard(undefined)} />
          )}
          <Sidebar organizations={organizations} selectedId={selected?.id} onSelect={(orgId) => select({ orgId })} onAdd={() => setAdding(true)} />
          <div className="main-column">
            <UnfinishedRotations
              onOpen={(rotationId, orgId) => {
                select({ orgId });
                setWizard({ rotationId, orgId });
              }}
            />
            {selected && (
              <OrgView
                key={selected.id}
                org={selected}
                environment={selection.environment}
                onEnvironment={(environment) => select({ environment })}
                onRemoved={() => select({ orgId: undefined })}
                onRotationStarted={(rotationId) => setWizard({ rotationId, orgId: selected.id })}
              />
            )}
          </div>
          {info.data.demo && <div className="demo-tag">Demo workspace · keychain “{info.data.keychainService}”</div>}
        </div>
      )}
    </AppInfoProvider>
  );
}
