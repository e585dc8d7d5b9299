import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type KioskConfig } from '../../src/shared/protocol.ts';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();

const CONFIG: KioskConfig = {
  v: PROTOCOL_VERSION,
  type: 'kiosk-config',
  school: { id: 'school-1', name: 'Riverside', timeZone: 'Europe/London', bellTime: '08:00' },
  kiosk: { id: 'kiosk-1', name: 'Main entrance' },
  rosterVersion: 'r1',
  syncLimits: { maxBodyBytes: 1024 * 1024, maxOps: 2000 },
};
const ROSTER = { v: PROTOCOL_VERSION, type: 'roster', version: 'r1', studentIds: ['100001'], names: ['Ada Lovelace'], homerooms: ['7A'] };

/** A server that answers slowly enough for callers to overlap, counting what it is asked. */
function server(answer: () => Response) {
  const asked: string[] = [];
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return url === '/api/roster' ? Response.json(ROSTER) : answer();
  }) as typeof fetch;
  return { asked, fetchImpl };
}

const noCredentials = { headers: async () => ({}) };

describe("the device's copy of its configuration", () => {
  it('asks the server once when several callers want it at the same moment', async () => {
    const { asked, fetchImpl } = server(() => Response.json(CONFIG));
    const kiosk = new KioskCache(workerStores(fixture.db), noCredentials, fetchImpl);
    const answers = await Promise.all([kiosk.refresh(), kiosk.refresh(), kiosk.serveConfig().then((r) => r.json())]);
    expect(answers).toEqual([CONFIG, CONFIG, CONFIG]);
    expect(asked.filter((url) => url === '/api/kiosk-config')).toHaveLength(1);
    expect(await kiosk.config()).toEqual(CONFIG);
  });

  it('shares a refusal the same way, and asks again once it has been answered', async () => {
    const { asked, fetchImpl } = server(() =>
      Response.json({ error: { code: 'device-unauthorized', message: 'Pair this kiosk.' } }, { status: 401 }),
    );
    const kiosk = new KioskCache(workerStores(fixture.db), noCredentials, fetchImpl);
    const both = await Promise.allSettled([kiosk.refresh(), kiosk.refresh()]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(asked).toHaveLength(1);
    await expect(kiosk.refresh()).rejects.toMatchObject({ code: 'device-unauthorized' });
    expect(asked).toHaveLength(2);
  });
});
