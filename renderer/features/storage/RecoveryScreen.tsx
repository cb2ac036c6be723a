import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { StoreStatus } from '../../../shared/storage.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';

type Corrupt = Extract<StoreStatus, { state: 'corrupt' }>;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Recovery mode: Keydeck's metadata file is damaged. Nothing has been changed; the person sees what
 * the file still holds and what the keychain can give back, and chooses to rebuild. The damaged file
 * is kept under a new name either way.
 */
export function RecoveryScreen({ status }: { status: Corrupt }) {
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const rebuild = useAction({ mutationFn: () => unwrap(api.store.recover({})) });
  useEffect(() => heading.current?.focus(), [rebuild.isSuccess]);
  const s = status.salvage;
  const lost = status.unreadable;
  const lostParts = [
    lost.organizations && plural(lost.organizations, 'organization'),
    lost.credentials && plural(lost.credentials, 'key record'),
    lost.rotations && plural(lost.rotations, 'rotation journal'),
    lost.activity && plural(lost.activity, 'activity entry', 'activity entries'),
  ].filter(Boolean);

  if (rebuild.data) {
    const r = rebuild.data;
    return (
      <main className="center recovery" data-testid="recovery-report">
        <h1 ref={heading} tabIndex={-1}>
          Keydeck rebuilt its data
        </h1>
        <ul className="recovery-facts">
          <li>
            From the damaged file: {plural(r.fromFile.organizations, 'organization')},{' '}
            {plural(r.fromFile.credentials, 'key')}, {plural(r.fromFile.rotations, 'rotation journal')} (
            {r.fromFile.unfinishedRotations} unfinished).
          </li>
          {r.fromLastGood.organizations + r.fromLastGood.credentials + r.fromLastGood.rotations > 0 && (
            <li>
              From the copy taken when Keydeck last started: {plural(r.fromLastGood.organizations, 'organization')},{' '}
              {plural(r.fromLastGood.credentials, 'key')}, {plural(r.fromLastGood.rotations, 'rotation journal')}.
            </li>
          )}
          <li>
            From your keychain: {plural(r.fromKeychain.organizations, 'organization')} and{' '}
            {plural(r.fromKeychain.credentials, 'key')} the file had lost. Checked with the providers: {r.verified}{' '}
            accepted, {r.refused} refused, {r.unchecked} not reachable now.
          </li>
          <li>
            The damaged file is kept as <code>{r.keptCopy}</code>.
          </li>
        </ul>
        {r.notes.length > 0 && (
          <section className="notice notice-warn" aria-labelledby="recovery-notes">
            <strong id="recovery-notes" className="notice-title">
              Please check
            </strong>
            <ul>
              {r.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </section>
        )}
        <button type="button" className="button-primary" onClick={() => void queryClient.invalidateQueries()}>
          Open Keydeck
        </button>
      </main>
    );
  }

  return (
    <main className="center recovery" data-testid="recovery-screen">
      <h1 ref={heading} tabIndex={-1}>
        Keydeck’s data file is damaged
      </h1>
      <p className="lead">
        Keydeck could not read the file where it keeps the names of your organizations, your keys’ public facts and your
        rotation journals. Your keys themselves are in your OS keychain and are not affected. Nothing has been changed
        yet.
      </p>
      <p className="small">{status.problem}</p>
      <h2>What can be recovered</h2>
      <ul className="recovery-facts">
        <li>
          The file still holds {plural(s.organizations, 'organization')}, {plural(s.credentials, 'key record')},{' '}
          {plural(s.rotations, 'rotation journal')} ({s.unfinishedRotations} unfinished) and{' '}
          {plural(s.activity, 'activity entry', 'activity entries')}.
        </li>
        {status.lastGood && (
          <li>
            The copy Keydeck took when it last started ({new Date(status.lastGood.takenAt).toLocaleString()}) holds{' '}
            {plural(status.lastGood.organizations, 'organization')}, {plural(status.lastGood.credentials, 'key record')}{' '}
            and {plural(status.lastGood.rotations, 'rotation journal')}: it fills in what the damaged file lost.
          </li>
        )}
        <li>
          {status.keychainProblem ? (
            <>Your keychain cannot be read now ({status.keychainProblem.message}), so only the file can be used.</>
          ) : (
            <>
              Your keychain holds {plural(status.keychainEntries, 'key')} Keydeck filed: whatever the file lost about
              them is rebuilt from the keychain and checked with each provider.
            </>
          )}
        </li>
        {lostParts.length > 0 && <li>Unreadable in the file: {lostParts.join(', ')}.</li>}
        {status.unreadableRotationIds.length > 0 && (
          <li>
            Rotation journals that cannot be read back: {status.unreadableRotationIds.join(', ')}. They stay in the kept
            copy; check those keys at their provider.
          </li>
        )}
      </ul>
      <p>
        Rebuilding keeps the damaged file beside the new one (<code>{status.path}</code> is copied, not deleted).
      </p>
      <div className="banner-actions">
        <button type="button" className="button-primary" onClick={() => rebuild.run()} disabled={rebuild.busy}>
          {rebuild.busy ? 'Rebuilding and checking keys…' : 'Rebuild Keydeck’s data'}
        </button>
      </div>
      {rebuild.isError && (
        <ErrorNotice error={rebuild.error} title="The rebuild did not finish; the damaged file is unchanged" />
      )}
    </main>
  );
}
