import type { Organization } from '../../shared/domain.js';
import { ErrorNotice } from './ErrorNotice.js';
import { api, unwrap } from '../lib/api.js';
import { useAction } from '../lib/use-action.js';

/**
 * Opens the organization's dashboard in the system browser (main checks the URL against the
 * provider's hosts). Where Keydeck cannot open a browser itself (the preview host), it shows the
 * checked link to follow instead.
 */
export function DashboardLink({ org, providerName }: { org: Organization; providerName: string }) {
  const open = useAction({ mutationFn: () => unwrap(api.dashboard.open({ orgId: org.id })) });
  return (
    <div className="dashboard-link">
      <button type="button" className="button-quiet" onClick={() => open.run()} disabled={open.busy}>
        Open the {providerName} dashboard
      </button>
      {open.isSuccess &&
        (open.data.opened ? (
          <p role="status" className="hint">
            Opened in your browser.
          </p>
        ) : (
          <p role="status" className="hint">
            <a href={open.data.url} target="_blank" rel="noopener noreferrer">
              {open.data.url}
            </a>
          </p>
        ))}
      {open.isError && <ErrorNotice error={open.error} title="The dashboard was not opened" />}
    </div>
  );
}
