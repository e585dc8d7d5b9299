/** A kiosk learns from its configuration whether it reads cards by camera, and whether it stands at the exit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertKioskConfig } from '../../src/shared/protocol-guards.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

async function kioskConfig(): Promise<unknown> {
  const response = await t.asKiosk('/api/kiosk-config');
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(async () => t.close());

  it('says nothing of scanning to a kiosk on the keyboard, which every kiosk has', async () => {
    const config = await kioskConfig();
    assertKioskConfig(config);
    expect(config.kiosk).toEqual({ id: t.kioskId, name: 'Main entrance' });
  });

  it('tells a kiosk set to the camera so', async () => {
    await t.db.updateTable('kiosks').set({ scan_mode: 'camera' }).where('id', '=', t.kioskId).execute();
    const config = await kioskConfig();
    assertKioskConfig(config);
    expect(config.kiosk?.scanMode).toBe('camera');
  });

  it('tells a kiosk set up as an exit so, and says nothing of an entrance', async () => {
    expect(((await kioskConfig()) as { kiosk: object }).kiosk).not.toHaveProperty('direction');
    await t.db.updateTable('kiosks').set({ direction: 'exit' }).where('id', '=', t.kioskId).execute();
    const config = await kioskConfig();
    assertKioskConfig(config);
    expect(config.kiosk?.direction).toBe('exit');
    await t.db.updateTable('kiosks').set({ direction: 'entrance' }).where('id', '=', t.kioskId).execute();
  });

  it('tells a staff browser nothing of kiosks', async () => {
    const response = await t.app.inject({ url: '/api/kiosk-config', headers: await t.signIn('teacher') });
    expect(response.json()).toMatchObject({ kiosk: null });
  });
});

describe('assertKioskConfig', () => {
  const config = (kiosk: unknown) => ({
    v: 1,
    type: 'kiosk-config',
    school: { id: 's', name: 'Riverside', timeZone: 'Europe/London', bellTime: '08:30' },
    kiosk,
    rosterVersion: '1',
    syncLimits: { maxBodyBytes: 65536, maxOps: 500 },
  });

  it('reads an older server that does not say how the kiosk scans', () => {
    expect(() => assertKioskConfig(config({ id: 'k', name: 'Gate' }))).not.toThrow();
  });

  it('reads a newer server with a scan mode it does not know', () => {
    expect(() => assertKioskConfig(config({ id: 'k', name: 'Gate', scanMode: 'nfc' }))).not.toThrow();
  });

  it('refuses a scan mode that is not text', () => {
    expect(() => assertKioskConfig(config({ id: 'k', name: 'Gate', scanMode: 1 }))).toThrow(
      expect.objectContaining({ code: 'bad-response', details: expect.objectContaining({ path: '$.kiosk.scanMode' }) }),
    );
  });
});
