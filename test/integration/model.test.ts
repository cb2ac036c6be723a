import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors.js';
import type { RotationView } from '../../shared/rotation.js';
import { createNodeWorkspace } from '../../electron/node-workspace.js';
import { MemoryClipboard } from '../../electron/core/ports.js';
import { KeytarSecretStore } from '../../electron/core/vault/keytar-store.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { recordFigure } from '../support/figures.js';

/**
 * A model-based test: random sequences of what a person does (create, rotate, deploy, confirm,
 * cancel at any step, resume, revoke), each sometimes fired twice at once like a double click, with
 * hostile create answers and a kill of the process in the middle of a rotation step, against the
 * real core, keychain and sandbox. After every step it checks the promises Keydeck makes:
 *
 * 1. at most one unfinished rotation per key;
 * 2. every active key at the provider that Keydeck created is known to Keydeck;
 * 3. once no rotation is open, the deployed .env holds a key the provider accepts;
 * 4. no secret on disk outside the targets the person chose (profile folder, backups);
 * 5. no call answers an error code its contract entry does not declare.
 */

const RUNS = Number(process.env.KEYDECK_MODEL_RUNS ?? 60);
/**
 * `npm test` replays one fixed seed, so a run that fails has found a change in Keydeck, not a new corner of the search;
 * `KEYDECK_MODEL_SEED=random` (as in `npm run test:explore`) searches new sequences, and a counterexample it finds is
 * added to the replayed sequences above the random run.
 */
const SEED =
  process.env.KEYDECK_MODEL_SEED === 'random' ? undefined : Number(process.env.KEYDECK_MODEL_SEED ?? 20261124);
const ENV_VAR = 'LAGHAV_API_KEY';

interface Real {
  sandbox: Sandbox;
  secrets: KeytarSecretStore;
  profileDir: string;
  envDir: string;
  envFile: string;
  sandboxOrg: string;
  seeded: Set<string>;
  ws: ReturnType<typeof createNodeWorkspace>;
  orgId: string;
  /** When set, the process "dies" at the rotation step boundary after this many more: it hangs there forever. */
  killAfter?: number;
  killed: boolean;
  undeclared: string[];
  calls: number;
  kills: number;
  killedAt: string[];
}

function open(real: Omit<Real, 'ws'> & { ws?: Real['ws'] }): Real['ws'] {
  return createNodeWorkspace({
    profileDir: real.profileDir,
    keychainService: real.secrets.service,
    transport: 'preview',
    version: 'model',
    secrets: real.secrets,
    clipboard: new MemoryClipboard(),
    http: { sleep: async () => undefined },
    baseUrlOverrides: real.sandbox.urls,
    dashboardUrlOverrides: real.sandbox.dashboards,
    onUndeclaredError: (channel, code) => real.undeclared.push(`${channel} answered ${code}`),
    boundary: async (name) => {
      if (real.killAfter !== undefined && real.killAfter-- <= 0) {
        real.killAfter = undefined;
        real.killed = true;
        real.killedAt.push(name);
        // The process dies here: nothing after this point of the step ever runs.
        await new Promise(() => undefined);
      }
    },
  });
}

let service = 0;
async function setUp(): Promise<Real> {
  const sandbox = await startSandbox();
  const seeded = sandbox.laghav.seedOrg('Model', [{ name: 'Web', environment: 'live' }]);
  const envDir = mkdtempSync(join(tmpdir(), 'keydeck-model-env-'));
  const envFile = join(envDir, '.env');
  writeFileSync(envFile, `# the app's settings\n${ENV_VAR}=${seeded.admin.live}\nPORT=8080\n`);
  const real = {
    sandbox,
    secrets: new KeytarSecretStore(`Keydeck Model ${process.pid} ${++service}`),
    profileDir: mkdtempSync(join(tmpdir(), 'keydeck-model-')),
    envDir,
    envFile,
    sandboxOrg: seeded.org.id,
    seeded: new Set(sandbox.laghav.truth(seeded.org.id).map((k) => k.id)),
    killed: false,
    undeclared: [] as string[],
    calls: 0,
    kills: 0,
    killedAt: [] as string[],
    orgId: '',
  } as Omit<Real, 'ws'> as Real;
  real.ws = open(real);
  const connected = await real.ws.call('orgs.connect', { key: seeded.admin.live });
  if (!connected.ok) throw new Error(connected.error.message);
  real.orgId = (connected.value as { organization: { id: string } }).organization.id;
  return real;
}

async function tearDown(real: Real): Promise<void> {
  for (const entry of await real.secrets.list()) await real.secrets.delete(entry.account);
  await real.ws.dispose();
  await real.sandbox.close();
}

/** One call, or the same call twice at once (a double click). A killed process answers nothing. */
async function call(real: Real, channel: string, input: unknown, twice: boolean): Promise<Result<unknown> | undefined> {
  real.calls += twice ? 2 : 1;
  const ws = real.ws;
  const run = () =>
    Promise.race([
      ws.call(channel, input),
      new Promise<undefined>((resolve) =>
        setImmediate(function poll() {
          if (real.killed) resolve(undefined);
          else setImmediate(poll);
        }),
      ),
    ]);
  const [first] = await Promise.all(twice ? [run(), run()] : [run()]);
  if (real.killed) {
    // Restart: a new process on the same profile and keychain (the dead one is abandoned as is).
    real.killed = false;
    real.kills += 1;
    await ws.dispose().catch(() => undefined);
    real.ws = open(real);
    return undefined;
  }
  return first;
}

const doc = (real: Real) => real.ws.meta.read();
const openRotations = (real: Real) =>
  doc(real).rotations.filter((r) => r.status !== 'done' && r.status !== 'cancelled');

async function checkInvariants(real: Real): Promise<void> {
  const d = doc(real);
  // 1. One unfinished rotation per key.
  const olds = openRotations(real).map((r) => r.old.credentialId);
  expect(new Set(olds).size, 'two unfinished rotations of one key').toBe(olds.length);
  // 2. Every active key Keydeck created at the provider is known to Keydeck.
  const known = new Set<string>([
    ...d.credentials.flatMap((c) => (c.providerKeyId ? [c.providerKeyId] : [])),
    ...d.rotations
      .flatMap((r) => [
        r.newKey.providerKeyId,
        ...(r.status === 'done' || r.status === 'cancelled' ? [] : r.orphans.map((o) => o.providerKeyId)),
      ])
      .filter((x): x is string => Boolean(x)),
    ...d.activity
      .filter((a) => a.action === 'key.create' && a.detail === 'not kept')
      .flatMap((a) => (a.keyId ? [a.keyId] : [])),
  ]);
  const unknown = real.sandbox.laghav
    .truth(real.sandboxOrg)
    .filter((k) => k.status === 'active' && !real.seeded.has(k.id) && !known.has(k.id));
  // A process killed between a create and its answer leaves one key the journal names by intent
  // (and resume finds by name): at most one per rotation that is at that point.
  const creating = new Set(
    openRotations(real)
      .filter((r) => r.intent?.action === 'create')
      .map((r) => r.newKey.name),
  );
  const lost = unknown.filter((k) => !creating.has(k.name));
  expect(
    lost.map((k) => `${k.id} (${k.name})`),
    'an active key Keydeck created but does not know',
  ).toEqual([]);
  for (const name of creating)
    expect(unknown.filter((k) => k.name === name).length, 'more than one key lost in one create').toBeLessThanOrEqual(
      1,
    );
  // 3. With no rotation open, the deployed .env holds a key the provider accepts.
  if (openRotations(real).length === 0) {
    const value = parse(readFileSync(real.envFile))[ENV_VAR];
    expect(value !== undefined && real.sandbox.laghav.accepts(value), 'the .env holds a key the provider refuses').toBe(
      true,
    );
    // ...and no backup holding a key outlives its rotation.
    const leftovers = readdirSync(real.envDir).filter((f) => f.endsWith('.bak'));
    expect(leftovers, 'a backup outlived its rotation').toEqual([]);
  }
  // 4. No secret in any file of the profile folder.
  for (const file of filesUnder(real.profileDir)) {
    const text = readFileSync(file, 'latin1');
    for (const secret of real.sandbox.laghav.issued)
      if (secret.length > 8) expect(text.includes(secret), `a key in ${file}`).toBe(false);
  }
  // 5. Only declared error codes.
  expect(real.undeclared).toEqual([]);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)],
  );
}

type Cmd = fc.AsyncCommand<object, Real>;
const twice = fc.boolean();

class CreateKey implements Cmd {
  constructor(
    readonly keep: boolean,
    readonly hostile: boolean,
    readonly twice: boolean,
  ) {}
  check = () => true;
  async run(_: object, real: Real) {
    if (this.hostile) real.sandbox.laghav.hostileCreate(['shell-injection']);
    const r = await call(
      real,
      'keys.create',
      { orgId: real.orgId, environment: 'live', name: `CI ${real.calls}`, keep: this.keep },
      this.twice,
    );
    if (r?.ok) expect(real.sandbox.laghav.accepts((r.value as { secret: string }).secret)).toBe(true);
    if (this.hostile) real.sandbox.laghav.modes.hostileCreates.length = 0;
    await checkInvariants(real);
  }
  toString = () => `CreateKey(keep=${this.keep}, hostile=${this.hostile}, twice=${this.twice})`;
}

class StartRotation implements Cmd {
  constructor(
    readonly admin: boolean,
    readonly hostile: boolean,
    readonly twice: boolean,
    readonly kill?: number,
  ) {}
  check = () => true;
  async run(_: object, real: Real) {
    const cred = doc(real).credentials.find((c) => (this.admin ? c.role === 'admin' : c.role === 'held'));
    if (!cred) return;
    if (this.hostile) real.sandbox.laghav.hostileCreate(['newline']);
    real.killAfter = this.kill;
    await call(real, 'rotation.start', { orgId: real.orgId, credentialId: cred.id, confirmLive: true }, this.twice);
    real.killAfter = undefined;
    if (this.hostile) real.sandbox.laghav.modes.hostileCreates.length = 0;
    await checkInvariants(real);
  }
  toString = () =>
    `StartRotation(admin=${this.admin}, hostile=${this.hostile}, twice=${this.twice}${this.kill !== undefined ? `, killed after ${this.kill} boundaries` : ''})`;
}

/** An action on the first open rotation; `kill` makes the process die after that many step boundaries. */
class Act implements Cmd {
  constructor(
    readonly action: 'deploy' | 'deployed' | 'confirmUse' | 'cancel' | 'resume',
    readonly twice: boolean,
    readonly kill?: number,
  ) {}
  check = () => true;
  async run(_: object, real: Real) {
    const r = openRotations(real)[0];
    if (!r) return;
    const isAdmin =
      doc(real).credentials.find((c) => c.id === r.old.credentialId)?.role === 'admin' || r.old.role === 'admin';
    const target = isAdmin ? real.envFile : join(real.envDir, `${r.old.credentialId}.env`);
    const action =
      this.action === 'deploy'
        ? { kind: 'deploy', targets: [{ kind: 'envFile', path: target, variable: ENV_VAR }, { kind: 'clipboard' }] }
        : this.action === 'confirmUse'
          ? { kind: 'confirmUse', override: true }
          : { kind: this.action };
    // A person who answers "I deployed it myself" has done so (else the old key's revoke breaks what they left on it).
    if (this.action === 'deployed' && r.step === 'deploy' && !r.deployResults.some((d) => d.ok))
      await deployByHand(real, r.newKey.providerKeyId, target);
    if (this.action === 'cancel') await followCancelPlan(real, r.id, target);
    real.killAfter = this.kill;
    const answer = await call(real, 'rotation.act', { rotationId: r.id, action }, this.twice);
    real.killAfter = undefined;
    if (answer?.ok && this.action === 'cancel') {
      const view = answer.value as RotationView;
      if (view.status === 'cancelled') expect(view.restoreResults?.filter((x) => !x.ok) ?? []).toEqual([]);
    }
    await checkInvariants(real);
  }
  toString = () =>
    `Act(${this.action}, twice=${this.twice}${this.kill !== undefined ? `, killed after ${this.kill} boundaries` : ''})`;
}

/** What the person does by hand: puts a key of the rotation (read from the keychain) into the .env in place of what it holds. */
async function deployByHand(real: Real, keyId: string | undefined, target: string): Promise<void> {
  if (!keyId || !existsSync(target)) return;
  const secret = (await real.secrets.list()).find((e) => real.sandbox.laghav.identify(e.secret)?.id === keyId)?.secret;
  if (!secret) return;
  writeFileSync(
    target,
    readFileSync(target, 'utf8').replace(new RegExp(`^${ENV_VAR}=.*$`, 'm'), `${ENV_VAR}=${secret}`),
  );
}

/**
 * Before confirming Cancel, the person reads its plan (as the dialog shows it) and does what it asks of them: where they
 * deployed the new key themselves, they put the old key back. A plan that does not ask leaves the .env on a key Cancel
 * revokes, and the promise that the .env holds a working key fails.
 */
async function followCancelPlan(real: Real, rotationId: string, target: string): Promise<void> {
  const view = await real.ws.call('rotation.get', { rotationId });
  // Where the window offers no Cancel (past the point of no return) there is no plan to follow.
  if (!view.ok || !(view.value as RotationView).canCancel) return;
  if (
    !(view.value as RotationView).cancelPlan.some((line) =>
      /you put it yourself, put the old key back|anywhere yourself, put the old key back/.test(line),
    )
  )
    return;
  await deployByHand(real, doc(real).rotations.find((x) => x.id === rotationId)?.old.providerKeyId, target);
}

/** The natural next step of the first open rotation (deploy, confirm the deploy, confirm use, resume). */
class Advance implements Cmd {
  constructor(
    readonly twice: boolean,
    readonly kill?: number,
  ) {}
  check = () => true;
  async run(model: object, real: Real) {
    const r = openRotations(real)[0];
    if (!r) return;
    const next: Act['action'] =
      r.status === 'failed' || r.status === 'running'
        ? 'resume'
        : r.step === 'deploy'
          ? r.deployResults.length
            ? 'deployed'
            : 'deploy'
          : r.step === 'confirmUse'
            ? 'confirmUse'
            : 'resume';
    await new Act(next, this.twice, this.kill).run(model, real);
  }
  toString = () =>
    `Advance(twice=${this.twice}${this.kill !== undefined ? `, killed after ${this.kill} boundaries` : ''})`;
}

class RevokeHeld implements Cmd {
  constructor(readonly twice: boolean) {}
  check = () => true;
  async run(_: object, real: Real) {
    const d = doc(real);
    const busy = new Set(openRotations(real).flatMap((r) => [r.old.providerKeyId, r.newKey.providerKeyId]));
    const held = d.credentials.find((c) => c.role === 'held' && c.providerKeyId && !busy.has(c.providerKeyId));
    if (!held) return;
    const r = await call(
      real,
      'keys.revoke',
      { orgId: real.orgId, environment: 'live', keyId: held.providerKeyId },
      this.twice,
    );
    if (r?.ok) expect(real.sandbox.laghav.truthById(held.providerKeyId ?? '')?.status).toBe('revoked');
    await checkInvariants(real);
  }
  toString = () => `RevokeHeld(twice=${this.twice})`;
}

const kill = fc.option(fc.nat(4), { nil: undefined, freq: 3 });

const commands = [
  fc.tuple(fc.boolean(), fc.boolean(), twice).map(([keep, hostile, t]) => new CreateKey(keep, hostile, t)),
  fc
    .tuple(fc.boolean(), fc.boolean(), twice, kill)
    .map(([admin, hostile, t, k]) => new StartRotation(admin, hostile, t, k)),
  fc
    .tuple(
      fc.constantFrom('deploy', 'deployed', 'confirmUse', 'cancel', 'resume') as fc.Arbitrary<Act['action']>,
      twice,
      kill,
    )
    .map(([a, t, k]) => new Act(a, t, k)),
  twice.map((t) => new RevokeHeld(t)),
  // Weighted: a person mostly goes on with the rotation in front of them.
  ...Array.from({ length: 3 }, () => fc.tuple(twice, kill).map(([t, k]) => new Advance(t, k))),
];

const totals = { runs: 0, commands: 0, calls: 0, kills: 0, killedAt: new Set<string>() };
afterAll(() => {
  recordFigure('model', 'model-based', {
    runs: totals.runs,
    commands: totals.commands,
    calls: totals.calls,
    kills: totals.kills,
    killPoints: totals.killedAt.size,
  });
});

/** Runs one sequence of commands on a fresh workspace, checking the promises after each, and counts it. */
async function runSequence(cmds: Iterable<Cmd>): Promise<void> {
  const real = await setUp();
  try {
    const list = [...cmds];
    await fc.asyncModelRun(() => ({ model: {}, real }), list);
    // Finally every open rotation is cancelled, and the promises hold once more.
    for (let open = openRotations(real).length; open > 0; open -= 1) await new Act('cancel', false).run({}, real);
    await checkInvariants(real);
    totals.runs += 1;
    totals.commands += list.length;
    totals.calls += real.calls;
    totals.kills += real.kills;
    for (const b of real.killedAt) totals.killedAt.add(b);
  } finally {
    await tearDown(real);
  }
}

describe('model-based: random user actions, double clicks, cancels and kills keep every promise', () => {
  it('the sequences the review found, replayed', async () => {
    // Rotate, deploy to the .env (twice at once), cancel (twice at once): the .env must hold a working key.
    await runSequence([new StartRotation(true, false, true), new Act('deploy', true), new Act('cancel', true)]);
    // The same, killed while cancelling, then cancelled again after the restart.
    await runSequence([
      new StartRotation(true, false, false),
      new Act('deploy', false),
      new Act('cancel', false, 0),
      new Act('cancel', false),
    ]);
    // A hostile create during a rotation, then a resume killed after the create answer.
    await runSequence([new StartRotation(true, true, false), new Act('resume', false, 1), new Act('resume', false)]);
    // Found by the random run (seed 859985272): the admin key deployed by hand, its use confirmed, kills around the revoke.
    await runSequence([
      new StartRotation(true, false, false, 4),
      new CreateKey(false, false, true),
      new Act('resume', false, 0),
      new Act('deployed', true),
      new StartRotation(false, false, false, 1),
      new Act('confirmUse', true, 1),
      new Act('resume', false, 4),
    ]);
    // Found by the random run (seed -2117800685): deployed by hand, then cancelled. Cancel revokes the new key, so its
    // plan must ask the person to put the old key back where they put the new one.
    await runSequence([
      new StartRotation(true, false, true),
      new CreateKey(true, false, false),
      new Act('deployed', false),
      new RevokeHeld(false),
    ]);
    // Seed -424440384: a Cancel asked for past the point of no return (killed in the revoke step) is refused, and the
    // person, who is offered no Cancel there, changes nothing by hand.
    await runSequence([
      new StartRotation(true, false, false),
      new Advance(false),
      new Advance(true, 3),
      new Act('confirmUse', false, 1),
      new Act('cancel', false, 2),
      new Act('cancel', true, 3),
      new Advance(false, 1),
      new Advance(false, 1),
      new StartRotation(false, true, false, 0),
      new Advance(false),
    ]);
    // Seed 1001420625: the new key put in the .env by hand (its "deployed" lost in a kill), then deployed there by
    // Keydeck, then cancelled: the .env gets the old key, not the new key its backup holds.
    await runSequence([
      new Advance(true, 1),
      new Advance(false),
      new StartRotation(true, false, true),
      new CreateKey(true, true, false),
      new CreateKey(false, false, false),
      new Act('deployed', true, 0),
      new RevokeHeld(true),
      new Advance(false, 3),
      new Act('cancel', false),
    ]);
    // Seed 1562200311: the new key put in the .env by hand, its "deployed" lost in a kill, then cancelled: the plan
    // (the new key could be seen) asks the person to put the old key back where they put the new one.
    await runSequence([
      new Advance(true, 3),
      new RevokeHeld(true),
      new CreateKey(false, true, false),
      new StartRotation(true, true, false, 0),
      new Advance(true, 2),
      new RevokeHeld(false),
      new StartRotation(false, false, true, 1),
      new Advance(false, 3),
      new Act('confirmUse', false, 3),
      new Act('deployed', false, 0),
    ]);
  }, 120_000);

  it(`holds over ${RUNS} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 20 }), (cmds) => runSequence(cmds)),
      { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 600_000);
});
