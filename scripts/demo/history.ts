/**
 * The demo's organizations at the provider sandbox, with a history: keys made months apart, some
 * due for rotation (older than 90 days), some stale (unused for 30 days), some never used, and
 * sk-style last use spread over months, so the Overview, the chart and the reminders show
 * something true on first open. Ages are the sandbox's own: keys are minted while the sandbox's
 * clock is set back, and last use is recorded by the sandbox at a past time (its `touch`), exactly
 * as a provider would report them. Keydeck's core is not faked in any way.
 */
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import type { ProviderSandbox } from '../../test/sandbox/base.js';
import type { Sandbox } from '../../test/sandbox/server.js';

const DAY_MS = 86_400_000;

/** The sandbox's clock: now, or set back while the history is written. */
export class DemoClock {
  private shiftMs = 0;
  readonly now = (): Date => new Date(Date.now() - this.shiftMs);

  /** Runs `fn` with the clock set `days` back. */
  at<T>(days: number, fn: () => T): T {
    this.shiftMs = days * DAY_MS;
    try {
      return fn();
    } finally {
      this.shiftMs = 0;
    }
  }
}

interface KeySpec {
  name: string;
  environment: 'live' | 'test';
  /** Days since the key was made. */
  age: number;
  /** Days since its last use (fractions for hours); none: never used. Only the sk-style API reports it. */
  lastUse?: number;
  scope?: string;
}

interface OrgSpec {
  provider: ProviderId;
  name: string;
  /** Age in days of the admin key Keydeck is given, per environment. */
  admin: Partial<Record<'live' | 'test', number>>;
  keys: KeySpec[];
}

/** One connected organization per provider (live and test where it has both). */
const CONNECTED: OrgSpec[] = [
  {
    provider: 'laghav',
    name: 'Acme Corp',
    admin: { live: 118, test: 21 },
    keys: [
      { name: 'Production web app', environment: 'live', age: 203, scope: 'app_web' },
      { name: 'Nightly billing export', environment: 'live', age: 47, scope: 'app_billing' },
      { name: 'Legacy cron (unused?)', environment: 'live', age: 412 },
      { name: 'CI pipeline', environment: 'test', age: 96, scope: 'app_ci' },
      { name: 'Local development', environment: 'test', age: 3 },
    ],
  },
  {
    provider: 'legba',
    name: 'Acme Robotics',
    admin: { live: 64 },
    keys: [{ name: 'Fleet controller', environment: 'live', age: 150 }],
  },
  {
    provider: 'leadey',
    name: 'Globex Sales',
    admin: { live: 33 },
    keys: [{ name: 'CRM sync', environment: 'live', age: 240 }],
  },
  {
    provider: 'logtalk',
    name: 'Globex Support',
    admin: { live: 75, test: 12 },
    keys: [
      { name: 'Helpdesk bot', environment: 'live', age: 131 },
      { name: 'Staging', environment: 'test', age: 58 },
    ],
  },
  {
    provider: 'skapi',
    name: 'Initech Payments',
    admin: { live: 140, test: 36 },
    keys: [
      { name: 'Production Key', environment: 'live', age: 310, lastUse: 0.1 },
      { name: 'Webhook signer', environment: 'live', age: 61, lastUse: 44 },
      { name: 'Old mobile app', environment: 'live', age: 188, lastUse: 121 },
      { name: 'Reporting (never used)', environment: 'live', age: 41 },
      { name: 'New integration', environment: 'live', age: 4 },
      { name: 'Partner portal', environment: 'live', age: 97, lastUse: 6 },
      { name: 'Sandbox checkout', environment: 'test', age: 102, lastUse: 9 },
      { name: 'QA bot', environment: 'test', age: 77, lastUse: 68 },
      { name: 'Load test (never used)', environment: 'test', age: 15 },
    ],
  },
];

/** One more organization per provider, for the person to connect themselves. */
const YOURS: { provider: ProviderId; name: string }[] = [
  { provider: 'laghav', name: 'Initech' },
  { provider: 'legba', name: 'Initech Robotics' },
  { provider: 'leadey', name: 'Initech Sales' },
  { provider: 'logtalk', name: 'Initech Support' },
  { provider: 'skapi', name: 'Umbrella Payments' },
];

export interface SeededOrg {
  provider: ProviderId;
  orgId: string;
  name: string;
  /** The admin key per environment the provider has: secrets, shown once, never saved. */
  admin: Partial<Record<'live' | 'test', string>>;
  /** The sandbox's ids of those admin keys. */
  adminIds: Partial<Record<'live' | 'test', string>>;
}

function sandboxOf(sandbox: Sandbox, provider: ProviderId): ProviderSandbox {
  return sandbox[provider];
}

/** Mints an admin key per environment the provider has, now, for an existing sandbox organization. */
export function mintAdmins(
  sandbox: Sandbox,
  provider: ProviderId,
  orgId: string,
  clock?: DemoClock,
  ages: Partial<Record<'live' | 'test', number>> = {},
): Pick<SeededOrg, 'admin' | 'adminIds'> {
  const p = sandboxOf(sandbox, provider);
  const admin: SeededOrg['admin'] = {};
  const adminIds: SeededOrg['adminIds'] = {};
  for (const env of p.spec.environments) {
    const mint = () => p.mint(orgId, `Keydeck admin (${env})`, env);
    const { key, secret } = clock ? clock.at(ages[env] ?? 0, mint) : mint();
    admin[env] = secret;
    adminIds[env] = key.id;
  }
  return { admin, adminIds };
}

/** Writes the demo's organizations and their history into a fresh sandbox. */
export function seedHistory(sandbox: Sandbox, clock: DemoClock): { connected: SeededOrg[]; yours: SeededOrg[] } {
  const connected = CONNECTED.map((spec) => {
    const p = sandboxOf(sandbox, spec.provider);
    const oldest = Math.max(...Object.values(spec.admin), ...spec.keys.map((k) => k.age));
    const org = clock.at(oldest, () => p.addOrg(spec.name));
    const admins = mintAdmins(sandbox, spec.provider, org.id, clock, spec.admin);
    for (const k of spec.keys) {
      if (!p.spec.environments.includes(k.environment)) continue;
      const { key } = clock.at(k.age, () => p.mint(org.id, k.name, k.environment, k.scope ? { scope: k.scope } : {}));
      if (k.lastUse !== undefined)
        p.touch(
          key.id,
          clock.at(k.lastUse, () => p.now()),
        );
    }
    return { provider: spec.provider, orgId: org.id, name: spec.name, ...admins };
  });
  const yours = YOURS.map(({ provider, name }) => {
    const org = sandboxOf(sandbox, provider).addOrg(name);
    return { provider, orgId: org.id, name, ...mintAdmins(sandbox, provider, org.id) };
  });
  return { connected, yours };
}
