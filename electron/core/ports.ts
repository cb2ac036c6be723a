import { randomBytes } from 'node:crypto';

/** The system clipboard, as the core needs it. Electron's in the app; an in-memory one in the preview host. */
export interface Clipboard {
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
  clear(): Promise<void>;
}

/** A clipboard that lives in memory, for the preview host and tests (a browser tab has no OS clipboard access from Node). */
export class MemoryClipboard implements Clipboard {
  text = '';
  async writeText(text: string): Promise<void> {
    this.text = text;
  }
  async readText(): Promise<string> {
    return this.text;
  }
  async clear(): Promise<void> {
    this.text = '';
  }
}

/** The time, injected so tests can move it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random base62 characters. */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

/** A Keydeck id such as `org_Q2x9…`: a short prefix and 16 random base62 characters. */
export function newId(prefix: 'org' | 'cred'): string {
  return `${prefix}_${randomId(16)}`;
}
