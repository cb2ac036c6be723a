import type { Output, ParsedInput } from '../../../shared/contract.js';
import { fail } from '../../../shared/errors.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { redactUrl } from '../http/client.js';
import { checkDashboardUrl } from '../http/url-policy.js';

/** The provider's dashboard: its address checked against the provider's own hosts, then opened in the system browser. */
export function dashboardHandlers(c: CoreContext): HandlersOf<'dashboard'> {
  const { deps } = c;
  return {
    async 'dashboard.open'(input: ParsedInput<'dashboard.open'>): Promise<Output<'dashboard.open'>> {
      const org = c.org(deps.meta.read(), input.orgId);
      const info = c.adapter(org).info;
      const url = org.dashboardUrl ?? deps.dashboardUrlOverrides?.[org.provider] ?? info.dashboardUrl;
      if (!url)
        fail('NOT_FOUND', `${info.displayName} publishes no dashboard address; set your organization's dashboard URL.`);
      // A provider without a published dashboard host (Legba) allows only the https URL the user set.
      const hosts = info.dashboardHosts.length
        ? info.dashboardHosts
        : org.dashboardUrl
          ? [new URL(org.dashboardUrl).hostname]
          : [];
      const checked = checkDashboardUrl(url, hosts);
      if (!checked.ok) fail('INSECURE_URL', `Keydeck will not open ${redactUrl(url)}: ${checked.reason}.`);
      if (!deps.openExternal) return { url: checked.url, opened: false };
      await deps.openExternal(checked.url);
      return { url: checked.url, opened: true };
    },
  };
}
