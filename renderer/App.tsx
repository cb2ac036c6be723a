import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Environment } from '../shared/domain.js';
import { ErrorNotice } from './components/ErrorNotice.js';
import { OrgView } from './features/keys/OrgView.js';
import { ConnectForm } from './features/orgs/ConnectForm.js';
import { Sidebar } from './features/orgs/Sidebar.js';
import { RotationWizard } from './features/rotation/RotationWizard.js';
import { UnfinishedRotations } from './features/rotation/UnfinishedRotations.js';
import { ActivityView } from './features/activity/ActivityView.js';
import { CommandPalette } from './features/palette/CommandPalette.js';
import { ReminderBanner } from './features/usage/ReminderBanner.js';
import { ProvidersDialog } from './features/settings/ProvidersDialog.js';
import { SettingsDialog } from './features/settings/SettingsDialog.js';
import { RemovedNotice } from './features/settings/RemoveAllData.js';
import { RecoveryScreen } from './features/storage/RecoveryScreen.js';
import { VaultBanner, useVaultStatus } from './features/storage/VaultBanner.js';
import { UsageView } from './features/usage/UsageView.js';
import { AppInfoProvider } from './lib/app-info.js';
import type { Intent, PendingIntent } from './lib/intent.js';
import { announceRemoved, useRemovedData } from './lib/data-removed.js';
import { environmentToShow, useSelection, type Go } from './lib/selection.js';
import { callKey, send, useCall } from './lib/calls.js';
import { firstScreenQuery } from './lib/first-screen.js';
import { refreshTargets } from '../shared/refresh.js';

/** The shell: first-run connect screen, or the sidebar with the selected organization. */
export function App() {
  const info = useCall('app.info', {}, { staleTime: Infinity });
  const queryClient = useQueryClient();
  const [selection, select] = useSelection();
  const orgs = useQuery(firstScreenQuery(queryClient, selection));
  // Asked alongside the first list, not before it: a damaged data file puts Keydeck in recovery mode.
  const store = useCall('store.status', {}, { staleTime: Infinity });
  const vault = useVaultStatus();
  const removed = useRemovedData();
  const [adding, setAdding] = useState(false);
  const [wizard, setWizard] = useState<{ rotationId: string; orgId: string }>();
  const [palette, setPalette] = useState(false);
  const [settings, setSettings] = useState(false);
  const [providersOpen, setProvidersOpen] = useState(false);
  /** A reminder's "Review" opens the overview on exactly the keys it counted; a new value remounts it with that filter. */
  const [overviewKeys, setOverviewKeys] = useState<{ refs: string[]; n: number }>();
  /** What the palette asked a screen to do (New key, Rotate, Refresh, Refresh all, Export), until it is done. */
  const [intent, setIntent] = useState<PendingIntent>();
  // Numbered for the whole session (not per pending one), so a screen never takes a new request for one it ran.
  const intentSeq = useRef(0);
  const ask = useCallback((next: Intent) => setIntent({ intent: next, n: (intentSeq.current += 1) }), []);
  const intentDone = useCallback((n: number) => setIntent((p) => (p?.n === n ? undefined : p)), []);
  const organizationsList = orgs.data?.organizations;
  const orgsRef = useRef(organizationsList);
  useEffect(() => {
    orgsRef.current = organizationsList;
  }, [organizationsList]);
  const go = useMemo<Go>(
    () => ({
      // Opening an organization shows an environment it has connected, preferring the one last shown there.
      org: (orgId: string, environment?: Environment) =>
        select({ type: 'org', orgId, environment, org: orgsRef.current?.find((o) => o.id === orgId) }),
      view: (view: 'overview' | 'activity') => select({ type: 'view', view }),
      env: (environment: Environment) => select({ type: 'env', environment }),
      add: () => setAdding(true),
      settings: () => setSettings(true),
    }),
    [select],
  );
  // Once the first screen is up, load every organization's last list into memory in the background,
  // so switching organizations paints from memory without waiting for a round trip.
  useEffect(() => {
    if (!organizationsList) return;
    let cancelled = false;
    const targets = refreshTargets(organizationsList);
    const idle = (fn: () => void) =>
      typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 500 }) : setTimeout(fn, 50);
    const next = async (i: number): Promise<void> => {
      for (const t of targets.slice(i, i + 8)) {
        if (cancelled) return;
        await queryClient.prefetchQuery({
          queryKey: callKey('keys.cached', t),
          queryFn: () => send('keys.cached', t),
          staleTime: Infinity,
        });
      }
      if (!cancelled && i + 8 < targets.length) idle(() => void next(i + 8));
    };
    idle(() => void next(0));
    return () => {
      cancelled = true;
    };
  }, [organizationsList, queryClient]);
  // Ctrl/Cmd+K opens the palette; Ctrl/Cmd+1…9 jump to the first nine organizations.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette(true);
      } else if (/^[1-9]$/.test(e.key)) {
        const org = organizationsList?.[Number(e.key) - 1];
        if (org) {
          e.preventDefault();
          go.org(org.id);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [organizationsList, go]);

  // Opening another organization or view starts at its top, with focus on its heading (so a screen
  // reader says where you are and the LIVE banner is in sight), never mid-list where the last one was.
  const place = `${selection.view}:${selection.view === 'org' ? (selection.orgId ?? '') : ''}`;
  const lastPlace = useRef(place);
  useEffect(() => {
    if (lastPlace.current === place) return;
    lastPlace.current = place;
    // In the next frame, before its layout: scrolling or focusing now would force a layout of the
    // whole window inside the click, and the new screen would wait for it.
    const frame = requestAnimationFrame(() => {
      window.scrollTo({ top: 0 });
      const heading = document.getElementById(
        selection.view === 'org' ? 'org-title' : selection.view === 'overview' ? 'usage-title' : 'activity-title',
      );
      heading?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [place, selection.view]);

  // The environment shown becomes the selection, and is remembered as this organization's last one.
  const shownOrg = organizationsList?.find((o) => o.id === selection.orgId) ?? organizationsList?.[0];
  const shownEnv = shownOrg ? environmentToShow(shownOrg, selection) : undefined;
  useEffect(() => {
    if (!shownOrg || !shownEnv) return;
    const connected = shownOrg.environments.includes(shownEnv);
    // The reducer answers the same state when nothing changes, so this settles at once.
    select({ type: 'shown', orgId: shownOrg.id, environment: shownEnv, connected });
  }, [shownOrg, shownEnv, select]);

  if (store.data?.state === 'corrupt') return <RecoveryScreen status={store.data} />;
  if (store.data && store.data.state !== 'ok') {
    return (
      <main className="center">
        <h1>Keydeck</h1>
        <ErrorNotice
          error={{ code: 'STORE_ERROR', message: store.data.message }}
          title="Keydeck cannot open its data file"
        />
      </main>
    );
  }
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
  const environment = selected ? environmentToShow(selected, selection) : selection.environment;

  return (
    <AppInfoProvider info={info.data}>
      {organizations.length === 0 || adding ? (
        <main className="center first-run">
          <h1>{organizations.length === 0 ? 'Welcome to Keydeck' : 'Add an organization'}</h1>
          {removed && organizations.length === 0 && (
            <RemovedNotice removed={removed} onDismiss={() => announceRemoved(undefined)} />
          )}
          <VaultBanner />
          <p className="lead">
            Connect an organization by pasting one of its admin API keys. Keydeck verifies it with the provider and{' '}
            {vault.data?.mode === 'session'
              ? 'holds it in memory until you quit (session-only mode: test keys only).'
              : `keeps it in your OS keychain (${info.data.keychainService}).`}
          </p>
          <ConnectForm
            onConnected={(org, environment) => {
              setAdding(false);
              select({ type: 'set', change: { orgId: org.id, environment } });
            }}
          />
          {organizations.length > 0 && (
            <button type="button" className="button-quiet" onClick={() => setAdding(false)}>
              Back to my organizations
            </button>
          )}
          <p className="fine-print">
            Supported: {info.data.providers.map((p) => p.displayName).join(', ')}.{' '}
            <button type="button" className="button-link" onClick={() => setProvidersOpen(true)}>
              Add a provider from its manifest…
            </button>
          </p>
        </main>
      ) : (
        <div className="layout">
          {wizard && organizations.some((o) => o.id === wizard.orgId) && (
            <RotationWizard
              rotationId={wizard.rotationId}
              org={organizations.find((o) => o.id === wizard.orgId) ?? organizations[0]!}
              onClose={() => setWizard(undefined)}
            />
          )}
          {palette && (
            <CommandPalette
              organizations={organizations}
              current={selection.view === 'org' && selected ? { org: selected, environment } : undefined}
              onClose={() => setPalette(false)}
              go={go}
              ask={ask}
            />
          )}
          {settings && (
            <SettingsDialog
              onClose={() => setSettings(false)}
              onProviders={() => {
                setSettings(false);
                setProvidersOpen(true);
              }}
            />
          )}
          <Sidebar
            organizations={organizations}
            selectedId={selected?.id}
            view={selection.view}
            onSelect={go.org}
            onView={go.view}
            onAdd={() => setAdding(true)}
            onSettings={() => setSettings(true)}
          >
            {/* In the sidebar, under its buttons: never over the keys (a fixed badge covered the Status column). */}
            {info.data.demo && <p className="demo-tag">Demo workspace · keychain “{info.data.keychainService}”</p>}
          </Sidebar>
          <div className="main-column">
            <VaultBanner />
            <ReminderBanner
              onReview={(refs) => {
                setOverviewKeys((p) => ({ refs, n: (p?.n ?? 0) + 1 }));
                go.view('overview');
              }}
              onSettings={() => setSettings(true)}
            />
            <UnfinishedRotations
              onOpen={(rotationId, orgId) => {
                select({ type: 'set', change: { orgId } });
                setWizard({ rotationId, orgId });
              }}
            />
            {selection.view === 'overview' && (
              <UsageView
                key={overviewKeys?.n ?? 0}
                title="Overview: all organizations"
                reminded={overviewKeys?.refs}
                intent={intent}
                onIntentDone={intentDone}
              />
            )}
            {selection.view === 'activity' && (
              <ActivityView organizations={organizations} intent={intent} onIntentDone={intentDone} />
            )}
            {selection.view === 'org' && selected && (
              <OrgView
                key={selected.id}
                org={selected}
                environment={environment}
                onEnvironment={(chosen) => select({ type: 'env', orgId: selected.id, environment: chosen })}
                onRemoved={() => select({ type: 'set', change: { orgId: undefined, view: 'org' } })}
                onRotationStarted={(rotationId) => setWizard({ rotationId, orgId: selected.id })}
                intent={intent}
                onIntentDone={intentDone}
              />
            )}
          </div>
        </div>
      )}
      {providersOpen && <ProvidersDialog onClose={() => setProvidersOpen(false)} />}
    </AppInfoProvider>
  );
}
