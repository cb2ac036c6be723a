import type { MetaDoc } from '../../store/schema.js';
import { keyFormatsOf } from './engine.js';
import type { ManifestProblem } from './read.js';
import type { ProviderManifest } from './schema.js';

/** What replacing an added provider's manifest changes for the organizations that use it, and what it may not. */
export interface Replacement {
  /** The names of the organizations that use the provider. */
  organizations: string[];
  /** Where their keys and dashboard links would now go, in words ("keys are sent to … (was …)"). */
  changes: string[];
  /** Why the replacement is refused: it would hide keys Keydeck holds for them. */
  problems: ManifestProblem[];
}

const host = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url || '(none)';
  }
};
const authWords = (m: ProviderManifest) =>
  m.auth.basic
    ? `HTTP Basic (key as ${m.auth.basic})`
    : `${m.auth.header}${m.auth.scheme ? `: ${m.auth.scheme} <key>` : ''}`;

/**
 * Replacing a manifest is where a shared "updated manifest" could send the keys Keydeck holds to
 * another host: every change to where keys and dashboard links go is named, for the window to show
 * before the person confirms and for each organization's activity log. A replacement that would hide
 * a held key (its environment gone, its prefix no longer published) is refused.
 */
export function replacementOf(doc: MetaDoc, before: ProviderManifest, after: ProviderManifest): Replacement {
  const orgs = doc.organizations.filter((o) => o.provider === before.id);
  const changes: string[] = [];
  const onDefault = orgs.filter((o) => !o.apiBaseUrl).map((o) => o.name);
  if (before.baseUrl.default !== after.baseUrl.default && onDefault.length)
    changes.push(
      `${onDefault.join(', ')}: keys are sent to ${after.baseUrl.default || '(a host each organization gives)'} (was ${before.baseUrl.default || 'none'})`,
    );
  if (authWords(before) !== authWords(after))
    changes.push(`the key goes in ${authWords(after)} (was ${authWords(before)})`);
  if (JSON.stringify(before.headers) !== JSON.stringify(after.headers))
    changes.push(`fixed headers: ${Object.keys(after.headers).join(', ') || 'none'}`);
  // What a call does with a key (revoke above all) and what an answer means (which error proves a key dead).
  const changedCalls = (['verify', 'list', 'create', 'revoke'] as const).filter(
    (c) => JSON.stringify(before.calls[c]) !== JSON.stringify(after.calls[c]),
  );
  if (changedCalls.length)
    changes.push(
      `its ${changedCalls.join(', ')} call${changedCalls.length > 1 ? 's' : ''} change${changedCalls.length > 1 ? '' : 's'}: ${changedCalls
        .map((c) => {
          const call = after.calls[c];
          return call ? `${c} is ${call.method} ${call.path}` : `${c} is done in the dashboard`;
        })
        .join('; ')}`,
    );
  if (JSON.stringify(before.errors) !== JSON.stringify(after.errors))
    changes.push('what its error answers mean changes (which answers prove a key revoked or invalid)');
  const hosts = (m: ProviderManifest) => [host(m.dashboard.url), ...m.dashboard.hosts].join(', ');
  if (hosts(before) !== hosts(after)) changes.push(`dashboard links open ${hosts(after)} (was ${hosts(before)})`);

  const problems: ManifestProblem[] = [];
  const prefixes = new Set(keyFormatsOf(after).map((f) => `${f.environment}:${f.prefix}`));
  for (const org of orgs) {
    for (const cred of doc.credentials.filter((c) => c.orgId === org.id)) {
      if (!after.environments.includes(cred.environment))
        problems.push({
          path: 'environments',
          message: `${org.name} holds a ${cred.environment} key, and this manifest has no ${cred.environment} environment: its keys would be hidden`,
        });
      else if (cred.prefix !== '' && !prefixes.has(`${cred.environment}:${cred.prefix}`))
        problems.push({
          path: 'keys',
          message: `${org.name}'s ${cred.environment} keys start with ${cred.prefix}, which this manifest no longer publishes`,
        });
    }
  }
  const unique = problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
  return { organizations: orgs.map((o) => o.name), changes, problems: unique.slice(0, 20) };
}
