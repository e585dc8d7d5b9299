/**
 * The kiosk's device token, given once at pairing and kept in IndexedDB. It
 * goes out as `Authorization: Bearer …` on every request to the server and is
 * never handed to a page. A browser without a token is a staff browser: its
 * requests carry the person's session cookie instead.
 */
import type { DeviceMeta } from './device-meta.ts';

export class DeviceCredentials {
  constructor(private readonly meta: DeviceMeta) {}

  async token(): Promise<string | null> {
    const value = await this.meta.get('device-token');
    return typeof value === 'string' ? value : null;
  }

  async headers(): Promise<Record<string, string>> {
    const token = await this.token();
    return token === null ? {} : { authorization: `Bearer ${token}` };
  }

  async store(token: string): Promise<void> {
    await this.meta.set('device-token', token);
  }
}
