/**
 * The meta store: this device's small facts under typed keys (its id, the
 * next sequence number, the cached configuration, the link estimate, the
 * cursor, the clock offset…). Only this module reads or writes it.
 */
import type { MetaKey, OutboxDb } from './outbox-db.ts';

export class DeviceMeta {
  constructor(
    private readonly db: OutboxDb,
    private readonly newDeviceId: () => string = () => crypto.randomUUID(),
  ) {}

  get table(): OutboxDb['meta'] {
    return this.db.meta;
  }

  async get(key: MetaKey): Promise<unknown> {
    return (await this.db.meta.get(key))?.value;
  }

  async set(key: MetaKey, value: unknown): Promise<void> {
    await this.db.meta.put({ key, value });
  }

  async setMany(entries: Partial<Record<MetaKey, unknown>>): Promise<void> {
    await this.db.meta.bulkPut(Object.entries(entries).map(([key, value]) => ({ key: key as MetaKey, value })));
  }

  /** This device's identity, made on first use and kept for the life of the profile. */
  async deviceId(): Promise<string> {
    const known = await this.get('device-id');
    if (typeof known === 'string') return known;
    return this.db.transaction('rw', this.db.meta, async () => {
      const existing = await this.get('device-id');
      if (typeof existing === 'string') return existing;
      const id = this.newDeviceId();
      await this.set('device-id', id);
      return id;
    });
  }

  /** When the server last acknowledged a batch, epoch ms. */
  async lastSyncAt(): Promise<number | null> {
    const value = await this.get('last-sync-at');
    return typeof value === 'number' ? value : null;
  }
}
