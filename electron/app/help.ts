import type { AboutPanelOptionsOptions } from 'electron';

/**
 * The project page, whose README is Keydeck's documentation. One constant, so the Help menu, the
 * About panel and the problem report all point at the same place (and the link check allows only it).
 */
export const PROJECT_URL = 'https://github.com/keydeck/keydeck';
export const DOCS_URL = `${PROJECT_URL}#readme`;
export const NEW_ISSUE_URL = `${PROJECT_URL}/issues/new`;

/**
 * True only for https pages of the project on github.com: the Help menu opens nothing else in the
 * browser (the same rule as the core's provider links, for a URL Keydeck builds itself).
 */
export function isHelpUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const project = new URL(PROJECT_URL);
  return (
    parsed.protocol === 'https:' &&
    parsed.hostname === project.hostname &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    (parsed.pathname === project.pathname || parsed.pathname.startsWith(`${project.pathname}/`))
  );
}

/** What a problem report says about the machine: versions and OS, nothing from the profile or the keychain. */
export interface ProblemFacts {
  version: string;
  electron: string;
  chrome: string;
  node: string;
  platform: NodeJS.Platform;
  arch: string;
  osRelease: string;
}

/**
 * A fact as it may appear in the report: version-like characters only (no `_`, `/`, `:` or line
 * break, so no key prefix, URL or extra line can ride along), short.
 */
function fact(value: string): string {
  return value.replace(/[^A-Za-z0-9.+\-() ]/g, '').slice(0, 40) || 'unknown';
}

/**
 * The "new issue" page with the app version, OS and Electron version filled in. Built only from
 * `ProblemFacts`, so no key, organization, path or log line can end up in it; the person writes the
 * rest and sees everything before sending.
 */
export function problemReportUrl(facts: ProblemFacts): string {
  const body = [
    '**What happened, and what did you expect?**',
    '',
    '',
    '**Steps to reproduce**',
    '',
    '',
    '**Environment**',
    `- Keydeck ${fact(facts.version)}`,
    `- ${fact(facts.platform)} ${fact(facts.osRelease)} (${fact(facts.arch)})`,
    `- Electron ${fact(facts.electron)}, Chrome ${fact(facts.chrome)}, Node ${fact(facts.node)}`,
    '',
    '<!-- Never paste an API key here. Keydeck’s logs mask keys (lgh_live_••••a1b2), but read a log before you attach it. -->',
  ].join('\n');
  const url = new URL(NEW_ISSUE_URL);
  url.searchParams.set('labels', 'bug');
  url.searchParams.set('body', body);
  return url.toString();
}

/** What the About panel shows on every platform (`app.setAboutPanelOptions`). */
export function aboutPanelOptions({
  version,
  iconPath,
  year,
}: {
  version: string;
  iconPath?: string;
  year: number;
}): AboutPanelOptionsOptions {
  return {
    applicationName: 'Keydeck',
    applicationVersion: version,
    // macOS shows `version` as the build number in brackets after applicationVersion; the same number twice says nothing.
    version: '',
    copyright: `© ${year} the Keydeck authors`,
    credits: 'Your API keys stay in the OS keychain. Built with Electron, React, zod and keytar.',
    authors: ['The Keydeck authors'],
    website: PROJECT_URL,
    ...(iconPath ? { iconPath } : {}),
  };
}
