import { KeydeckFailure } from '../../../shared/errors.js';

/** Awaits a promise that must fail with a KeydeckFailure, and returns it. */
export async function failure(p: Promise<unknown> | undefined): Promise<KeydeckFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof KeydeckFailure) return e;
    throw e;
  }
  throw new Error('expected a failure');
}
