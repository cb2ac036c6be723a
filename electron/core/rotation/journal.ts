import { fail } from '../../../shared/errors.js';
import type { Rotation } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import { scrubDeep } from '../log.js';
import type { MetaDoc } from '../store/schema.js';

/**
 * The rotation journal: each rotation as the metadata document holds it. Every side effect at the
 * provider or in the keychain is preceded by a `save` saying what is about to happen (`intent`) and
 * followed by one recording what did, so the engine finds its way after a crash at any point.
 */
export class Journal {
  constructor(private readonly c: CoreContext) {}

  get(id: string, doc: MetaDoc = this.c.deps.meta.read()): Rotation {
    const r = doc.rotations.find((x) => x.id === id);
    if (!r) fail('NOT_FOUND', 'That rotation is no longer in Keydeck.');
    return r;
  }

  /** Writes one change to the journal (and anything else in the same document, atomically). */
  async save(id: string, change: (r: Rotation, doc: MetaDoc) => void, event?: string): Promise<Rotation> {
    return this.c.deps.meta.update((doc) => {
      const r = this.get(id, doc);
      change(r, doc);
      // Errors carry provider text: nothing key-shaped goes into the journal, whatever produced it.
      if (r.error) r.error = scrubDeep(r.error, [], { keyShaped: true });
      r.updatedAt = this.c.now();
      if (event) {
        r.history.push({ at: r.updatedAt, step: r.step, event });
        if (r.history.length > 500) r.history.splice(0, r.history.length - 500);
        this.c.record(doc, {
          action: 'rotation.step',
          orgId: r.orgId,
          environment: r.environment,
          keyId: r.old.providerKeyId,
          last4: r.old.last4,
          detail: `${r.id}: ${event}`.slice(0, 500),
        });
      }
      return structuredClone(r);
    });
  }

  /**
   * Ends a rotation inside a save: its last step and status (`done` or `cancelled`), when it finished,
   * and the activity line naming the key that stays current.
   */
  end(
    x: Rotation,
    doc: MetaDoc,
    outcome: 'done' | 'cancelled',
    key: { keyId?: string; last4?: string },
    detail: string,
  ): void {
    x.step = outcome;
    x.status = outcome;
    x.finishedAt = this.c.now();
    delete x.waitingFor;
    this.c.record(doc, {
      action: outcome === 'done' ? 'rotation.done' : 'rotation.cancel',
      orgId: x.orgId,
      environment: x.environment,
      keyId: key.keyId,
      last4: key.last4,
      detail: `${x.id}: ${detail}`,
    });
  }
}
