import type { Rotation } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import type { CallContext } from '../providers/types.js';
import type { StoredOrganization } from '../store/schema.js';
import type { Journal } from './journal.js';

/**
 * Every place a rotation may stop for good, in order: the crash tests kill the process at each one
 * (not every path passes every one: a dashboard create has no `create:intent`).
 */
export const FORWARD_BOUNDARIES = [
  'plan',
  'create:intent',
  'create:response',
  'create:keychain',
  'store',
  'verify',
  'deploy',
  'confirmUse',
  'admin-switch',
  'revoke:intent',
  'revoke',
  'confirmRevoked',
  'finish:keychain',
  'done',
] as const;
/** The boundaries of a cancel: before the deploys are put back, before the new key is revoked, and at the end. */
export const CANCEL_BOUNDARIES = ['cancel:restore', 'cancel:intent', 'cancelled'] as const;
export const BOUNDARIES = [...FORWARD_BOUNDARIES, ...CANCEL_BOUNDARIES] as const;
export type BoundaryName = (typeof BOUNDARIES)[number];

/** Called at every step boundary with its name. The crash tests kill the process here; the app passes nothing. */
export type Boundary = (name: BoundaryName) => void | Promise<void>;

/** What each step and action of a rotation works with: the core, the journal, the boundaries, the keychain accounts. */
export interface Kit {
  readonly c: CoreContext;
  readonly journal: Journal;
  readonly boundary: Boundary;
  /** Copies a secret to the clipboard (cleared after the timeout if it still holds it). */
  readonly copySecret: (secret: string) => Promise<unknown>;
  org(r: Rotation): StoredOrganization;
  /** The keychain account of the rotation's new key (reserved at plan time) and of the old one. */
  newAccount(org: StoredOrganization, r: Rotation): string;
  oldAccount(org: StoredOrganization, r: Rotation): string;
  /** The key Keydeck calls the provider with right now (the new one once it has switched). */
  adminCtx(org: StoredOrganization, r: Rotation): Promise<CallContext>;
}
