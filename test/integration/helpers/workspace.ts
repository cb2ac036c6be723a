import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, Input, Output } from '../../../shared/contract.js';
import type { KeydeckError } from '../../../shared/errors.js';
import { createNodeWorkspace } from '../../../electron/node-workspace.js';
import { MemoryClipboard } from '../../../electron/core/ports.js';
import { KeytarSecretStore } from '../../../electron/core/vault/keytar-store.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

let n = 0;

/** A workspace on the real keychain (its own service), its own profile folder and its own sandbox. */
export async function testWorkspace(
  options: { clipboardClearMs?: number; sandboxDefaults?: boolean; deadlineMs?: number; clock?: () => Date } = {},
) {
  const sandbox = await startSandbox({ clock: options.clock });
  const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-ws-'));
  const secrets = new KeytarSecretStore(`Keydeck WS ${process.pid} ${++n}`);
  const clipboard = new MemoryClipboard();
  /** Error codes a call answered that its contract entry does not declare: each fails the test at dispose. */
  const undeclared: string[] = [];
  const ws = createNodeWorkspace({
    profileDir,
    keychainService: secrets.service,
    transport: 'preview',
    version: 'test',
    secrets,
    clipboard,
    clipboardClearMs: options.clipboardClearMs,
    clock: options.clock,
    http: { deadlineMs: options.deadlineMs, sleep: async () => undefined },
    onUndeclaredError: (channel, code) => undeclared.push(`${channel} answered ${code}`),
    baseUrlOverrides: options.sandboxDefaults ? sandbox.urls : undefined,
    dashboardUrlOverrides: options.sandboxDefaults ? sandbox.dashboards : undefined,
  });

  /** Calls through the same validating door every transport uses, typed by the contract, and unwraps or throws. */
  async function call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
    const r = await ws.call(channel, input);
    if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
    return r.value as Output<C>;
  }
  /** A call expected to fail: its input may break the contract on purpose (the door must refuse it). */
  async function callErr<C extends Channel>(
    channel: C,
    input: Input<C> | Record<string, unknown>,
  ): Promise<KeydeckError> {
    const r = await ws.call(channel, input);
    if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return r.error;
  }
  /** Every file Keydeck wrote, as text, for secret searches. */
  function files(dir = profileDir): string[] {
    return readdirSync(dir).flatMap((f) =>
      statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [readFileSync(join(dir, f), 'utf8')],
    );
  }
  function account(orgId: string, environment: string, credentialId: string, provider = 'laghav') {
    return `${provider}:${orgId}:${environment}:${credentialId}`;
  }
  async function dispose() {
    // Everything in this test's own keychain service, whatever state the metadata was left in.
    for (const entry of await secrets.list()) await secrets.delete(entry.account);
    await ws.dispose();
    await sandbox.close();
    if (undeclared.length) throw new Error(`The contract does not declare: ${[...new Set(undeclared)].join(', ')}`);
  }
  return {
    undeclared,
    sandbox: sandbox as Sandbox,
    profileDir,
    secrets,
    clipboard,
    ws,
    call,
    callErr,
    files,
    account,
    dispose,
  };
}
export type TestWorkspace = Awaited<ReturnType<typeof testWorkspace>>;
