import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { MemoryClipboard } from '../../electron/core/ports.js';
import type { MetaDoc } from '../../electron/core/store/schema.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { startPreviewHost, type PreviewHost } from '../../electron/preview/host.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { recordFigure } from '../support/figures.js';
import { check, newRecording, record, type Recording } from './hygiene.js';
import type { Channel } from '../../shared/contract.js';
import { PROVIDERS } from '../support/providers.js';

export interface Keydeck {
  host: PreviewHost;
  sandbox: Sandbox;
  profileDir: string;
  service: string;
  clipboard: MemoryClipboard;
  secrets: KeytarSecretStore;
  /** The metadata document as Keydeck stored it. */
  meta(): MetaDoc;
  /** Seeds an organization at the sandbox and returns its admin keys. */
  seed(name?: string): { live: string; test: string };
  /** What the page showed and received, for the secret-hygiene check after the test. */
  recording: Recording;
  /** More canaries for the secret-hygiene check: the secrets another sandbox issued (a provider added from a manifest). */
  moreCanaries: (() => readonly string[])[];
  /** One call to the same core the page talks to (to set up many organizations without the form). */
  call<T = unknown>(channel: Channel, input: unknown): Promise<T>;
}

/**
 * Each test gets its own sandbox port, profile folder and keychain service, and a preview host
 * wired to the real core. The keychain service is emptied afterwards.
 */
export const test = base.extend<{ keydeck: Keydeck; sandboxDefaults: boolean }>({
  /** Point every provider's API and dashboard at the sandbox by default, as the demo does. */
  sandboxDefaults: [false, { option: true }],
  keydeck: async ({ sandboxDefaults }, use, testInfo) => {
    const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-e2e-'));
    const service = `Keydeck E2E ${process.pid} ${testInfo.testId}`;
    const sandbox = await startSandbox();
    const clipboard = new MemoryClipboard();
    const secrets = new KeytarSecretStore(service);
    const workspace = createNodeWorkspace({
      profileDir,
      keychainService: service,
      transport: 'preview',
      version: 'test',
      secrets,
      clipboard,
      baseUrlOverrides: sandboxDefaults ? sandbox.urls : undefined,
      dashboardUrlOverrides: sandboxDefaults ? sandbox.dashboards : undefined,
    });
    const host = await startPreviewHost({ core: workspace, rendererDir: resolve('out/renderer') });
    const accounts: string[] = [];
    const recording = newRecording();
    const moreCanaries: (() => readonly string[])[] = [];
    await use({
      moreCanaries,
      recording,
      host,
      sandbox,
      profileDir,
      service,
      clipboard,
      secrets,
      meta: () => workspace.meta.read(),
      call: async <T>(channel: Channel, input: unknown) => {
        const r = await workspace.call(channel, input);
        if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
        return r.value as T;
      },
      seed: (name = 'Acme') =>
        sandbox.laghav.seedOrg(name, [
          { name: 'Production web app', environment: 'live', scope: 'app_web' },
          { name: 'CI pipeline', environment: 'test' },
        ]).admin,
    });
    const deployTargets = workspace.meta
      .read()
      .rotations.flatMap((r) => r.deployTargets)
      .flatMap((t) => (t.kind === 'envFile' ? [t.path] : []));
    await workspace.dispose();
    await host.close();
    await sandbox.close();
    // Secret hygiene: every secret the sandbox issued in this test is a canary.
    const canaries = [...allIssued(sandbox), ...moreCanaries.flatMap((issued) => issued())];
    const result = check(recording, canaries, profileDir, deployTargets);
    recordFigure('canary', testInfo.titlePath.join(' › '), {
      tests: 1,
      canaries: result.canaries,
      frames: result.frames,
      domStrings: result.domStrings,
      files: result.files,
      allowedReveals: result.allowedReveals,
      hits: result.hits.length,
    });
    // Remove whatever the test left in its keychain service.
    const doc = workspace.meta.read();
    for (const cred of doc.credentials) {
      const org = doc.organizations.find((o) => o.id === cred.orgId);
      if (org) accounts.push(`${org.provider}:${org.id}:${cred.environment}:${cred.id}`);
    }
    for (const account of accounts) await secrets.delete(account).catch(() => false);
    rmSync(profileDir, { recursive: true, force: true });
    expect(result.hits, 'secrets outside an explicit reveal').toEqual([]);
  },
  // Every page records what it received and showed, for the hygiene check above.
  page: async ({ page, keydeck }, use) => {
    await record(page, keydeck.recording);
    await use(page);
  },
});

function allIssued(sandbox: Sandbox): string[] {
  return PROVIDERS.flatMap((p) => sandbox[p].issued);
}

export { expect };

/** Runs axe on the current page and fails on any violation, naming each one. */
export async function expectNoAxeViolations(page: Page, context: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, `axe violations on ${context}`).toEqual([]);
}

/** Every file under a folder, read as text, for secret searches. */
export function readAllFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...readAllFiles(path));
    else out.push({ path, text: readFileSync(path, 'utf8') });
  }
  return out;
}
