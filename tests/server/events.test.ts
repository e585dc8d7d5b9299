import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { databases, postgresForThisFile } from '../support/databases.ts';
import { addSecondSchool } from '../support/second-school.ts';
import { checkIn, ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

interface Frame {
  id?: string;
  data?: unknown;
  comment?: string;
}

/** An event stream read over a real socket, frame by frame. */
async function openStream(base: string, headers: Record<string, string>, path = '/api/events') {
  const controller = new AbortController();
  const response = await fetch(`${base}${path}`, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  const waiting: Array<() => void> = [];
  let ended = false;
  const done = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame: Frame = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else if (line.startsWith('id: ')) frame.id = line.slice(4);
            else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
          }
          buffer = buffer.slice(end + 2);
          frames.push(frame);
          waiting.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // Aborted by the test.
    }
    ended = true;
    waiting.splice(0).forEach((wake) => wake());
  })();
  /** The first frame matching `test`, waiting up to `ms` for it. */
  const next = async (test: (frame: Frame) => boolean, ms = 5000): Promise<Frame> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = frames.find(test);
      if (found) return found;
      if (ended || Date.now() > deadline) throw new Error(`no such frame; heard ${JSON.stringify(frames)}`);
      await new Promise<void>((wake) => {
        waiting.push(wake);
        setTimeout(wake, 100);
      });
    }
  };
  const kind = (k: string) => (frame: Frame) => (frame.data as { kind?: string } | undefined)?.kind === k;
  return {
    response,
    frames,
    next,
    kind,
    ended: () => ended,
    done,
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

describe.each(databases())('on %s', (database) => {
  let t: TestApp;
  let base: string;
  let office: Record<string, string>;
  const streams: Array<{ close: () => Promise<void> }> = [];

  beforeEach(async () => {
    t = await startTestApp({ database });
    t.clock.now = Date.parse('2026-11-24T09:00:00Z');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    office = await t.signIn('office');
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await t.close();
  });

  async function listen(headers: Record<string, string>, path?: string) {
    const stream = await openStream(base, headers, path);
    streams.push(stream);
    return stream;
  }

  const staffSync = (who: Record<string, string>, device: string, ops: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: who,
      payload: { v: 1, type: 'sync', deviceId: device, kioskId: 'staff-browser', ops },
    });
  const mark = (seq: number, studentId: string, status: string) => ({
    seq,
    kind: 'status',
    studentId,
    status,
    at: Date.parse('2026-11-24T08:30:00Z'),
    session: 'day',
    base: 0,
  });

  it('opens with ready and the headers that keep proxies from buffering it', async () => {
    const stream = await listen({ cookie: office.cookie as string });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toBe('no-store');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    const ready = await stream.next(stream.kind('ready'));
    expect(ready).toEqual({ id: '0', data: { v: 1, kind: 'ready', seq: 0 } });
  });

  it("tells a school's office of a kiosk's check-in, of a conflict opened and of its resolution", async () => {
    const stream = await listen({ cookie: office.cookie as string });
    await stream.next(stream.kind('ready'));
    expect((await t.syncAsKiosk([checkIn(1, '100001', t.clock.now - 60_000)])).statusCode).toBe(200);
    const changed = await stream.next(stream.kind('records-changed'));
    expect(Number(changed.id)).toBeGreaterThan(0);
    expect(await stream.next(stream.kind('devices-changed'))).toMatchObject({ data: { deviceId: t.deviceId } });

    const teacher = await t.signIn('teacher');
    await staffSync(teacher, 'teacher-tablet-01', [mark(1, '100005', 'present')]);
    const second = await staffSync(office, 'office-desk-0001', [mark(2, '100005', 'late')]);
    const [receipt] = second.json().receipts;
    expect(receipt.status).toBe('conflict');
    expect(await stream.next(stream.kind('conflicts-opened'))).toMatchObject({ data: { count: 1 } });

    const resolved = await t.app.inject({
      method: 'POST',
      url: '/api/conflicts/resolve',
      headers: office,
      payload: { v: 1, resolutions: [{ conflictId: receipt.conflictId, choices: {}, note: 'checked' }] },
    });
    expect(resolved.statusCode).toBe(200);
    expect(await stream.next(stream.kind('conflicts-resolved'))).toMatchObject({ data: { count: 1 } });
  });

  it("lets a paired kiosk listen to its school, and tells another school's streams nothing", async () => {
    const other = await addSecondSchool(t);
    const theirs = await listen({ cookie: other.as.office.cookie as string });
    const kiosk = await listen({ authorization: `Bearer ${t.token}` });
    await theirs.next(theirs.kind('ready'));
    await kiosk.next(kiosk.kind('ready'));
    await t.syncAsKiosk([checkIn(1, '100001', t.clock.now - 60_000)]);
    await kiosk.next(kiosk.kind('records-changed'));
    // The other school's stream has had every chance to hear it by the time this school's has.
    await new Promise((wait) => setTimeout(wait, 200));
    expect(theirs.frames.filter((f) => f.data !== undefined).map((f) => (f.data as { kind: string }).kind)).toEqual(['ready']);
  });

  it('refuses a stream without credentials, with the catalog code', async () => {
    const response = await t.app.inject({ url: '/api/events' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('not-signed-in');
    const bad = await t.app.inject({ url: '/api/events', headers: { authorization: 'Bearer dld_not-a-real-token' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('device-unauthorized');
    const query = await t.app.inject({ url: '/api/events?since=soon', headers: office });
    expect(query.json().error.code).toBe('invalid-query');
  });

  it('tells a page that comes back with an older id to catch up at once, and one that is up to date that it is ready', async () => {
    const first = await listen({ cookie: office.cookie as string });
    await first.next(first.kind('ready'));
    await t.syncAsKiosk([checkIn(1, '100001', t.clock.now - 60_000)]);
    const seen = await first.next(first.kind('records-changed'));
    await first.close();
    // Missed while away.
    await t.syncAsKiosk([checkIn(2, '100002', t.clock.now - 30_000)]);

    const back = await listen({ cookie: office.cookie as string, 'last-event-id': seen.id as string });
    // On PostgreSQL the missed sync's own notice may still be on its way and arrive first.
    const caught = await back.next(back.kind('catch-up'));
    expect(back.frames.some(back.kind('ready'))).toBe(false);
    expect(Number(caught.id)).toBeGreaterThan(Number(seen.id));

    const upToDate = await listen({ cookie: office.cookie as string }, `/api/events?since=${caught.id}`);
    expect((await upToDate.next((f) => f.data !== undefined)).data).toMatchObject({ kind: 'ready', seq: Number(caught.id) });
  });

  it('ends its streams when the app closes', async () => {
    const stream = await listen({ cookie: office.cookie as string });
    await stream.next(stream.kind('ready'));
    await t.app.close();
    await stream.done;
    expect(stream.ended()).toBe(true);
  });

  it.runIf(database === 'postgres')('carries a kiosk sync on one process to a staff stream on another', async () => {
    const { url } = await postgresForThisFile();
    const dbB: Db = openDatabase({ kind: 'postgres', url, shown: url, pool: 2 });
    const appB: FastifyInstance = await buildApp({ db: dbB, now: () => t.clock.now });
    try {
      const baseB = await appB.listen({ port: 0, host: '127.0.0.1' });
      expect(baseB).not.toBe(base);
      const onB = await openStream(baseB, { cookie: office.cookie as string });
      streams.push(onB);
      await onB.next(onB.kind('ready'));
      expect((await t.syncAsKiosk([checkIn(1, '100001', t.clock.now - 60_000)])).statusCode).toBe(200);
      const heard = await onB.next(onB.kind('records-changed'));
      expect(Number(heard.id)).toBeGreaterThan(0);
      await onB.next(onB.kind('devices-changed'));
      await onB.close();
    } finally {
      await appB.close();
      await dbB.destroy();
    }
  });
});

describe('the heartbeat', () => {
  it('sends a comment while nothing happens, so proxies keep the stream open', async () => {
    const t = await startTestApp();
    const app = await buildApp({ db: t.db, eventHeartbeatMs: 50 });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const office = await t.signIn('office');
      const stream = await openStream(base, { cookie: office.cookie as string, origin: ORIGIN });
      await stream.next((f) => f.comment !== undefined, 2000);
      await stream.close();
    } finally {
      await app.close();
      await t.close();
    }
  });
});
