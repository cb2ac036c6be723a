import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api.js';

/** On start: rotations that did not finish (Keydeck was closed or crashed), with Resume or Cancel. */
export function UnfinishedRotations({ onOpen }: { onOpen: (rotationId: string, orgId: string) => void }) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['rotations'], queryFn: () => unwrap(api.rotation.list({})) });
  const act = useMutation({
    mutationFn: ({ id, kind }: { id: string; kind: 'resume' | 'cancel' }) => unwrap(api.rotation.act({ rotationId: id, action: { kind } })),
    onSuccess: (value) => queryClient.setQueryData(['rotation', value.id], value),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['rotations'] }),
  });
  const open = (list.data?.rotations ?? []).filter((r) => r.status !== 'done' && r.status !== 'cancelled');
  /** Resume or cancel, and open the wizard on it (cancelling may need the person too). */
  const go = (id: string, orgId: string, kind: 'resume' | 'cancel') => {
    act.mutate({ id, kind });
    onOpen(id, orgId);
  };
  if (open.length === 0) return null;
  return (
    <section className="notice notice-warn unfinished" aria-label="Unfinished rotations">
      <strong>Unfinished rotation{open.length > 1 ? 's' : ''}</strong>
      <ul>
        {open.map((r) => (
          <li key={r.id}>
            {r.old.label} (…{r.old.last4}, {r.environment}) in {r.orgName}: stopped at “{r.step}”{r.status === 'failed' ? ' after an error' : ''}.{' '}
            <button type="button" className="button-primary button-small" onClick={() => go(r.id, r.orgId, 'resume')}>
              Resume
            </button>{' '}
            {r.canCancel && (
              <button type="button" className="button-quiet button-small" onClick={() => go(r.id, r.orgId, 'cancel')}>
                Cancel
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
