/**
 * The change feed across real server processes: four processes on one
 * PostgreSQL database take kiosks' check-ins, a teacher's and the office's
 * marks (some of them in conflict) and the office's resolutions, all at
 * once, while a reader pulls the feed from whichever process. Sequence
 * numbers drawn in one order and committed in another would let the
 * reader's cursor pass a change still being written; every change must
 * reach it once.
 */
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BATCH_MEDIA_TYPE, encodeBatch } from '../../src/shared/batch-codec.ts';
import type { Op } from '../../src/shared/protocol.ts';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';
import { postgresForThisFile } from '../support/databases.ts';

const PROCESSES = 4;
const KIOSKS = 8;
const BATCHES = 6;
const BATCH_OPS = 10;

interface Page {
  cursor: string;
  more: boolean;
  changes: unknown[];
}

describe.runIf(inject('postgres'))('on postgres, across processes', () => {
  let servers: ServerProcess[] = [];
  let databaseUrl = '';

  beforeAll(async () => {
    databaseUrl = (await postgresForThisFile()).url;
    // Started together, as a deployment does: they migrate and seed once between them.
    servers = await Promise.all(
      Array.from({ length: PROCESSES }, () => startServer({ databaseUrl, env: { DATABASE_POOL: '4', DOORLINE_DEMO: '1' } })),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const server = (i: number): ServerProcess => servers[i % PROCESSES] as ServerProcess;

  async function signIn(role: 'teacher' | 'office'): Promise<string> {
    const { url } = server(0);
    const answer = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(url).origin },
      body: JSON.stringify({ v: 1, email: `${role}@riverside.example`, password: `riverside-${role}` }),
    });
    expect(answer.status).toBe(200);
    return (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  async function pairKiosk(i: number): Promise<{ deviceId: string; kioskId: string; token: string }> {
    const code = await server(i).pairingCode();
    const deviceId = `feed-kiosk-${String(i).padStart(3, '0')}`;
    const { url } = server(i + 1);
    const answer = await fetch(`${url}/api/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(url).origin },
      body: JSON.stringify({ v: 1, code, deviceId, appVersion: '0.2.0' }),
    });
    expect(answer.status).toBe(200);
    const paired = (await answer.json()) as { token: string; config: { kiosk: { id: string } } };
    return { deviceId, kioskId: paired.config.kiosk.id, token: paired.token };
  }

  async function sync(at: ServerProcess, headers: Record<string, string>, batch: { deviceId: string; kioskId: string; ops: Op[] }) {
    const answer = await fetch(`${at.url}/api/sync`, {
      method: 'POST',
      headers: { ...headers, origin: new URL(at.url).origin, 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' },
      body: gzipSync(encodeBatch(batch)),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
    return (await answer.json()) as { receipts: Array<{ status: string }> };
  }

  it('hands a reader pulling from any process every change written on all four, none twice', async () => {
    const kiosks = await Promise.all(Array.from({ length: KIOSKS }, (_, i) => pairKiosk(i)));
    const teacher = await signIn('teacher');
    const office = await signIn('office');
    const pull = async (lap: number, cursor: string): Promise<Page> => {
      const answer = await fetch(`${server(lap).url}/api/changes?cursor=${cursor}`, { headers: { cookie: office } });
      expect(answer.status).toBe(200);
      return (await answer.json()) as Page;
    };
    const start = (await pull(0, '')).cursor;
    const today = Date.now();
    const student = (n: number): string => String(100001 + (n % 600));

    let writing = true;
    const door = kiosks.map(async (kiosk, k) => {
      for (let b = 0; b < BATCHES; b++) {
        const ops: Op[] = Array.from({ length: BATCH_OPS }, (_, i) => ({
          seq: b * BATCH_OPS + i + 1,
          kind: 'check-in',
          studentId: student(k * BATCHES * BATCH_OPS + b * BATCH_OPS + i),
          at: today - 60_000 + i,
          session: 'day',
          base: 0,
        }));
        await sync(server(k + b), { authorization: `Bearer ${kiosk.token}` }, { ...kiosk, ops });
      }
    });
    // The teacher and the office mark the same students from the same base, differently: conflicts for the office.
    const marks = (['teacher', 'office'] as const).map(async (role, r) => {
      for (let b = 0; b < BATCHES; b++) {
        const ops: Op[] = Array.from({ length: BATCH_OPS }, (_, i) => ({
          seq: b * BATCH_OPS + i + 1,
          kind: 'status',
          studentId: student(500 + b * BATCH_OPS + i),
          status: r === 0 ? 'present' : 'late',
          at: today - 30_000,
          session: 'day',
          base: 0,
        }));
        const deviceId = `${role}-desk-000${r}`;
        await sync(server(b + r), { cookie: role === 'teacher' ? teacher : office }, { deviceId, kioskId: 'staff-browser', ops });
      }
    });
    let resolved = 0;
    const resolving = (async () => {
      for (let lap = 0; writing && lap < 200; lap++) {
        const list = (await (await fetch(`${server(lap).url}/api/conflicts`, { headers: { cookie: office } })).json()) as {
          conflicts: Array<{ id: string }>;
        };
        if (list.conflicts.length > 0) {
          const { url } = server(lap + 1);
          const answer = await fetch(`${url}/api/conflicts/resolve`, {
            method: 'POST',
            headers: { cookie: office, origin: new URL(url).origin, 'content-type': 'application/json' },
            body: JSON.stringify({
              v: 1,
              resolutions: list.conflicts.map((c) => ({
                conflictId: c.id,
                choices: { status: { take: 'local' } },
                note: 'Seen at the desk.',
              })),
            }),
          });
          // Another lap may have settled one first: that answer is a refusal, and nothing was written.
          if (answer.status === 200) resolved += list.conflicts.length;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const writers = Promise.all([...door, ...marks]).finally(() => (writing = false));

    const pulled: string[] = [];
    let cursor = start;
    const reader = (async () => {
      for (let lap = 0; writing; lap++) {
        const page = await pull(lap, cursor);
        pulled.push(...page.changes.map((c) => JSON.stringify(c)));
        cursor = page.cursor;
      }
    })();
    await Promise.all([writers, reader, resolving]);
    for (let lap = 0; ; lap++) {
      const page = await pull(lap, cursor);
      pulled.push(...page.changes.map((c) => JSON.stringify(c)));
      cursor = page.cursor;
      if (!page.more) break;
    }

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const written = await client
      .query<{ payload: string }>('select payload from changes where seq > $1 order by seq', [Number(start)])
      .finally(() => client.end());
    const stored = written.rows.map((r) => JSON.stringify(JSON.parse(r.payload)));
    expect(stored.length).toBeGreaterThanOrEqual(KIOSKS * BATCHES * BATCH_OPS);
    expect(resolved).toBeGreaterThan(0);
    expect(new Set(pulled).size, 'a change pulled twice').toBe(pulled.length);
    expect([...pulled].sort()).toEqual([...stored].sort());
  }, 60_000);
});
