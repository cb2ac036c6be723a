import type { SecretStore } from './secret-store.js';

/** In-memory secrets for unit tests of single modules only. Never used by the app or the preview host. */
export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>();
  constructor(readonly service = 'Keydeck Test') {}
  async get(account: string): Promise<string | null> {
    return this.entries.get(account) ?? null;
  }
  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }
  async list(): Promise<{ account: string; secret: string }[]> {
    return [...this.entries].map(([account, secret]) => ({ account, secret }));
  }
}
