/**
 * Fuzzing every JSON endpoint with generated malformed bodies and headers:
 * nothing crashes, nothing answers 500 or above, every refusal is a JSON
 * error with a code from the catalog, and the database does not change.
 */
import { gzipSync } from 'node:zlib';
import type { InjectOptions } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/shared/batch-codec.ts';
import type { Op } from '../../src/shared/protocol.ts';
import { isErrorCode } from '../../src/shared/error-codes.ts';
import { DEVICE_ID_PATTERN } from '../../src/shared/protocol-guards.ts';
import { databaseFingerprint } from '../support/fingerprint.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let staff: Record<'teacher' | 'office' | 'admin', Record<string, string>>;
let before: Awaited<ReturnType<typeof databaseFingerprint>>;
let inputs = 0;
const statuses = new Map<number, number>();
describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    inputs = 0;
    statuses.clear();
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
    staff = { teacher: await t.signIn('teacher'), office: await t.signIn('office'), admin: await t.signIn('admin') };
    await t.syncAsKiosk([{ seq: 1, kind: 'check-in', studentId: '100001', at: t.clock.now, session: 'day', base: 0 }]);
    before = await databaseFingerprint(t.db);
  });

  afterAll(async () => {
    // The suite's figure for the closing note: how many inputs, and what came back.
    console.log(
      `fuzz on ${database}: ${inputs} generated inputs; answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    await t?.close();
  });

  /** Sends one input and checks the answer is a refusal (or a harmless read) that never says 5xx. */
  async function send(options: InjectOptions): Promise<void> {
    inputs++;
    const response = await t.app.inject(options);
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    if (response.statusCode >= 500)
      throw new Error(`${options.method ?? 'GET'} ${options.url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    if (response.statusCode >= 400) {
      const code = (response.json() as { error?: { code?: unknown } }).error?.code;
      if (!isErrorCode(code))
        throw new Error(`${options.url} answered ${response.statusCode} without a catalogued code: ${response.body.slice(0, 200)}`);
    }
  }

  const who = fc.constantFrom<() => Record<string, string>>(
    () => ({}),
    () => ({ authorization: `Bearer ${t.token}` }),
    () => ({ authorization: `Bearer ${hill.token}` }),
    () => staff.teacher,
    () => staff.office,
    () => staff.admin,
    () => hill.as.office,
  );

  /** Any JSON, weighted towards objects that look almost right. */
  const anyJson = fc.oneof(
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom('v', 'type', 'ops', 'deviceId', 'kioskId', 'email', 'password', 'code', 'resolutions', 'kioskId', 'opId'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
  );

  const BAD_VALUES = fc.oneof(
    fc.constant(null),
    fc.constant(''),
    fc.constant(-1),
    fc.constant(1e308),
    fc.constant('x'.repeat(5000)),
    fc.constant([]),
    fc.constant({}),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
  );

  /** Values a sync envelope would accept, which a "broken" one must therefore not carry. */
  function acceptable(field: string, value: unknown): boolean {
    if (field === 'v') return value === 1;
    if (field === 'type') return value === 'sync';
    if (field === 'ops') return Array.isArray(value) && value.length === 0;
    return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
  }
  const isValidSeq = (seq: unknown) => typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1;

  /** A sync envelope broken in one place: the whole batch must be refused, so nothing is written. */
  const brokenSync = fc.oneof(
    fc
      .record({ field: fc.constantFrom('v', 'type', 'deviceId', 'kioskId', 'ops'), value: BAD_VALUES })
      .filter(({ field, value }) => !acceptable(field, value))
      .map(({ field, value }) => ({ ...validSync(), [field]: value })),
    fc
      .record({
        extra: fc
          .string({ minLength: 1, maxLength: 10 })
          .filter((k) => !['v', 'type', 'deviceId', 'kioskId', 'ops', '__proto__'].includes(k)),
        value: fc.jsonValue(),
      })
      .map(({ extra, value }) => ({ ...validSync(), [extra]: value })),
    fc
      .record({ seq: fc.oneof(BAD_VALUES, fc.constant(0), fc.constant(2 ** 60), fc.constant(1.5)) })
      .filter(({ seq }) => !isValidSeq(seq))
      .map(({ seq }) => ({ ...validSync(), ops: [{ ...validOp(), seq }] })),
    fc.constant(null).map(() => ({ ...validSync(), ops: [validOp(), validOp()] })),
  );

  function validOp(): Op {
    return { seq: 7, kind: 'check-in', studentId: '100002', at: t.clock.now, session: 'day', base: 0 };
  }
  function validSync() {
    return { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [validOp()] };
  }

  const CONTENT_TYPES = fc.oneof(
    fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/vnd.doorline.batch',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      '',
    ),
    fc.string({ maxLength: 30 }),
  );

  describe('the fuzz suite', () => {
    it('refuses malformed sync bodies as JSON without writing anything', async () => {
      await fc.assert(
        fc.asyncProperty(who, fc.oneof(anyJson, brokenSync), async (headers, body) =>
          send({
            method: 'POST',
            url: '/api/sync',
            headers: { ...headers(), 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          }),
        ),
        { numRuns: 2500 },
      );
    });

    it('refuses malformed binary and compressed sync bodies', async () => {
      const valid = (): Uint8Array => encodeBatch({ deviceId: t.deviceId, kioskId: t.kioskId, ops: [validOp()] });
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 200 }).map((tail) => Uint8Array.from([0x44, 0x4c, 1, ...tail])),
        fc.nat({ max: 60 }).map((cut) => valid().slice(0, cut)),
        fc.record({ at: fc.nat({ max: 60 }), byte: fc.integer({ min: 0, max: 255 }) }).map(({ at, byte }) => {
          const mutated = Uint8Array.from(valid());
          mutated[at % mutated.length] = byte;
          return mutated;
        }),
      );
      await fc.assert(
        // Sent by Hillside's kiosk: a batch that happens to decode names a device that is not Hillside's, and is refused whole.
        fc.asyncProperty(bytes, fc.constantFrom('identity', 'gzip', 'gzip-corrupt', 'deflate'), async (payload, encoding) => {
          const body = encoding === 'gzip' ? gzipSync(payload) : encoding === 'gzip-corrupt' ? gzipSync(payload).subarray(0, 12) : payload;
          const headers: Record<string, string> = {
            authorization: `Bearer ${hill.token}`,
            'content-type': 'application/vnd.doorline.batch',
          };
          if (encoding !== 'identity') headers['content-encoding'] = encoding === 'gzip-corrupt' ? 'gzip' : encoding;
          await send({ method: 'POST', url: '/api/sync', headers, payload: Buffer.from(body) });
        }),
        { numRuns: 2000 },
      );
    });

    it('refuses malformed headers on every POST', async () => {
      const header = fc.oneof(
        fc.record({
          name: fc.constant('authorization'),
          value: fc.oneof(
            fc.string({ maxLength: 120 }),
            fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
          ),
        }),
        fc.record({
          name: fc.constant('x-doorline-queue'),
          value: fc.string({ maxLength: 30 }).filter((v) => !/^\d{1,9};\d{1,15}$/.test(v)),
        }),
        fc.record({
          name: fc.constant('x-doorline-app'),
          value: fc.string({ maxLength: 60 }).filter((v) => !/^[0-9A-Za-z.+-]{1,40}$/.test(v)),
        }),
        fc.record({ name: fc.constant('x-doorline-clock'), value: fc.string({ maxLength: 20 }).filter((v) => !/^\d{13}$/.test(v)) }),
        fc.record({
          name: fc.constant('content-encoding'),
          value: fc.oneof(
            fc.constantFrom('br', 'compress', 'gzip, gzip', 'x-gzip'),
            fc.string({ maxLength: 12 }).filter((v) => v.trim() !== '' && v !== 'gzip' && v !== 'identity'),
          ),
        }),
        fc.record({ name: fc.constant('content-type'), value: CONTENT_TYPES.filter((v) => !v.startsWith('application/json')) }),
        fc.record({
          name: fc.constant('origin'),
          value: fc.oneof(
            fc.constant('https://evil.example'),
            fc.string({ maxLength: 30 }).filter((v) => v !== ORIGIN),
          ),
        }),
      );
      const url = fc.constantFrom(
        '/api/sync',
        '/api/marks',
        '/api/session',
        '/api/pairing-codes',
        '/api/pair',
        '/api/conflicts/resolve',
        '/api/queue-imports',
        '/api/account/password',
      );
      await fc.assert(
        fc.asyncProperty(
          url,
          header,
          fc.constantFrom(
            () => staff.office,
            () => staff.admin,
            () => ({ authorization: `Bearer ${t.token}` }),
          ),
          async (chosenPath, { name, value }, chosenAs) => {
            // The device's report headers matter to /api/sync alone, and Origin to a request carrying a session.
            const path = name.startsWith('x-doorline-') ? '/api/sync' : chosenPath;
            const as = name === 'origin' ? () => staff.office : chosenAs;
            const headers: Record<string, string> = { ...as(), 'content-type': 'application/json' };
            // The session endpoint and cookies carry an Origin; the header under test replaces whatever was there.
            if (name === 'origin') headers.origin = value;
            else if (name === 'authorization' && 'cookie' in headers) delete headers.cookie;
            if (name !== 'origin') headers[name] = value;
            // A body each endpoint would take, so the header alone decides; sync's is empty so no row changes even if it passed.
            const bodies: Record<string, unknown> = {
              '/api/sync': { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [] },
              '/api/marks': { v: 1, opId: '01JDZZZZZZZZZZZZZZZZZZZZZZ', kind: 'check-in', studentId: 'nobody-here', at: t.clock.now },
              '/api/session': { v: 1, email: 'office@riverside.example', password: 'wrong-password' },
              '/api/pairing-codes': { v: 1, kioskId: 'not-a-kiosk-id' },
              '/api/pair': { v: 1, code: 'ZZZZ-ZZZZ', deviceId: 'fuzz-device-000001', appVersion: '0.2.0' },
              '/api/conflicts/resolve': {
                v: 1,
                resolutions: [{ conflictId: '00000000-0000-0000-0000-000000000000', choices: {}, note: 'x' }],
              },
              '/api/queue-imports': {
                v: 1,
                type: 'queue-export',
                deviceId: 'not-a-device-000',
                kioskId: t.kioskId,
                schoolName: '',
                kioskName: '',
                exportedAt: 1,
                ops: [],
              },
              '/api/account/password': { v: 1, currentPassword: 'not-the-password', newPassword: 'something-long-enough' },
            };
            await send({ method: 'POST', url: path, headers, payload: JSON.stringify(bodies[path]) });
          },
        ),
        { numRuns: 1500 },
      );
    });

    const endpoints: Array<[string, string]> = [
      ['/api/marks', 'marks'],
      ['/api/session', 'session'],
      ['/api/account/password', 'password'],
      ['/api/pairing-codes', 'pairing codes'],
      ['/api/pair', 'pairing'],
      ['/api/conflicts/resolve', 'resolutions'],
      ['/api/queue-imports', 'queue imports'],
      ['/api/devices/fuzz-device-000001/revoke', 'revocations'],
    ];
    it.each(endpoints)('refuses malformed bodies to %s', async (url) => {
      const broken = fc.oneof(
        anyJson,
        fc.string({ maxLength: 200 }),
        fc.record({ v: fc.oneof(fc.constant(2), fc.constant('1'), fc.constant(null)) }),
        // An export whose ops are broken in their identity: the whole file is refused, so nothing is imported.
        fc
          .record({ seq: BAD_VALUES })
          .filter(({ seq }) => !isValidSeq(seq))
          .map(({ seq }) => ({
            v: 1,
            type: 'queue-export',
            deviceId: t.deviceId,
            kioskId: t.kioskId,
            schoolName: '',
            kioskName: '',
            exportedAt: 1,
            ops: [{ ...validOp(), seq }],
          })),
      );
      await fc.assert(
        fc.asyncProperty(who, broken, CONTENT_TYPES, async (headers, body, type) => {
          const payload = typeof body === 'string' ? body : JSON.stringify(body);
          await send({
            method: 'POST',
            url,
            headers: { ...headers(), origin: ORIGIN, 'content-type': type || 'application/json' },
            payload,
          });
        }),
        { numRuns: 600 },
      );
    });

    it('answers every read with garbage in its query string without failing', async () => {
      const path = fc.constantFrom(
        '/api/changes',
        '/api/roll',
        '/api/records/history',
        '/api/conflicts',
        '/api/roster',
        '/api/kiosk-config',
        '/api/devices',
        '/api/session',
      );
      const query = fc.dictionary(
        fc.constantFrom('cursor', 'group', 'session', 'status', 'studentId', 'date', 'x', 'kioskId'),
        fc.oneof(fc.string({ maxLength: 40 }), fc.constant('-1'), fc.constant('99999999999999999999')),
        { maxKeys: 4 },
      );
      await fc.assert(
        fc.asyncProperty(who, path, query, async (headers, url, params) => {
          const search = new URLSearchParams(params).toString();
          await send({ url: `${url}?${search}`, headers: headers() });
        }),
        { numRuns: 1500 },
      );
    });

    it('has left the database exactly as it was, after at least 10,000 inputs', async () => {
      expect(inputs).toBeGreaterThanOrEqual(10_000);
      const after = await databaseFingerprint(t.db);
      const changed = Object.keys(before).filter((table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]));
      expect(changed).toEqual([]);
    });
  });
});
