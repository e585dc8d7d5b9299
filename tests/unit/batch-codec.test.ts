import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_MEDIA_TYPE,
  CODEC_VERSION,
  decodeBatch,
  encodeBatch,
  MAX_NOTE_LENGTH,
  type EncodedBatchInput,
} from '../../src/shared/batch-codec.ts';
import { ByteReader, ByteWriter, encodeUtf8 } from '../../src/shared/byte-io.ts';
import { DoorlineError, type ErrorCode } from '../../src/shared/error-codes.ts';
import {
  assertOp,
  DEVICE_ID_PATTERN,
  MAX_CLOCK_OFFSET_MS,
  normalizeOp,
  OP_ID_PATTERN,
  SESSION_PATTERN,
} from '../../src/shared/protocol-guards.ts';
import { ATTENDANCE_STATUSES } from '../../src/shared/attendance-model.ts';
import type { Op } from '../../src/shared/protocol.ts';
import { realisticMorning } from '../bench/support/morning.ts';

const DEVICE = 'c0ffee00-1234-4abc-8def-0123456789ab';
const KIOSK = 'kiosk-0001';
const T = Date.parse('2026-11-25T07:58:00Z');
const LIMITS = { maxOps: 2000 };

const checkIn = (seq: number, studentId = String(100000 + seq), at = T + seq * 1000): Op => ({
  seq,
  kind: 'check-in',
  studentId,
  at,
  session: 'day',
  base: 0,
});

/** What the server should see: the same ops, without the ULID, with defaults filled in. */
const asDecoded = (ops: readonly Op[]): Op[] => ops.map(({ opId: _opId, ...op }) => normalizeOp(op));

const roundTrip = (ops: Op[]) => decodeBatch(encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops }), LIMITS);

function refusal(run: () => unknown): DoorlineError {
  try {
    run();
  } catch (error) {
    if (error instanceof DoorlineError) return error;
    throw error;
  }
  throw new Error('expected a DoorlineError; nothing was thrown');
}

/** A hand-made body, for shapes encodeBatch never writes. */
function craft(build: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  build(w);
  return w.finish();
}

interface HeaderOptions {
  version?: number;
  count?: number;
  flags?: number;
}

/** Magic, version, ids, op count and flags; flag 1 says student IDs are numeric. */
function header(w: ByteWriter, { version = CODEC_VERSION, count = 1, flags = 1 }: HeaderOptions = {}): void {
  w.bytes(new Uint8Array([0x44, 0x4c, version]));
  w.string(DEVICE, '$');
  w.string(KIOSK, '$');
  w.varint(count, '$');
  w.varint(flags, '$');
}

/** The columns of one op (seq 1, student 100001, at T) up to and including `at`. */
function oneOp(w: ByteWriter, { kindCode = 0, at = T } = {}): void {
  w.varint(1, '$');
  w.varint(1, '$');
  w.byte(kindCode);
  w.varint(100001, '$');
  w.varint(0, '$');
  w.varint(at, '$');
}

function body(options: HeaderOptions, columns: (w: ByteWriter) => void): Uint8Array {
  return craft((w) => {
    header(w, options);
    columns(w);
  });
}

const checkInBody = (options: HeaderOptions = {}) => body(options, (w) => oneOp(w));

/** One note whose text is exactly `textBytes`. */
const noteBody = (textBytes: Uint8Array) =>
  body({}, (w) => {
    oneOp(w, { kindCode: 3 });
    w.varint(textBytes.length, '$');
    w.bytes(textBytes);
  });

describe('batch codec: round trips', () => {
  it.each<[string, Op[]]>([
    ['an empty batch', []],
    ['a queue drained oldest first (one run of seqs)', [1, 2, 3, 4, 5].map((seq) => checkIn(seq))],
    ['seqs with gaps', [3, 4, 9, 10, 11, 40].map((seq) => checkIn(seq))],
    ['seqs in descending order, as priority lanes may send them', [9, 8, 7, 3, 2].map((seq) => checkIn(seq))],
    ['times that go backwards between ops', [checkIn(1, '100001', T), checkIn(2, '100002', T - 3_600_000), checkIn(3, '100003', T + 5)]],
    [
      'every kind, and every status',
      [
        checkIn(1),
        { ...checkIn(2), kind: 'check-out' },
        ...ATTENDANCE_STATUSES.map((status, i): Op => ({ ...checkIn(3 + i), kind: 'status', status })),
        { ...checkIn(7), kind: 'note', text: 'Dentist at 10' },
        { ...checkIn(8, ''), kind: 'roll-call-start' },
        { ...checkIn(9), kind: 'roll-call-found' },
        { ...checkIn(10), kind: 'roll-call-undo' },
        { ...checkIn(11, ''), kind: 'roll-call-end' },
      ],
    ],
    [
      'unicode note text: accents, CJK, emoji and a flag',
      [{ ...checkIn(1), kind: 'note', text: 'Élodie 去了医院 😷 — back by 🕐, said 👨‍👩‍👧 🇬🇧' }],
    ],
    ['a note that begins with a byte order mark, kept as written', [{ ...checkIn(1), kind: 'note', text: '\ufeffBOM first' }]],
    [
      'a note of exactly MAX_NOTE_LENGTH code units, all surrogate pairs',
      [{ ...checkIn(1), kind: 'note', text: '😀'.repeat(MAX_NOTE_LENGTH / 2) }],
    ],
    [
      'period sessions and record versions',
      [
        { ...checkIn(1), session: 'P3', base: 12 },
        { ...checkIn(2), session: 'Maths 2' },
        { ...checkIn(3), base: 7 },
      ],
    ],
    ['student IDs that are not plain numbers', [checkIn(1, 'A-1023'), checkIn(2, 'lib.card_77'), checkIn(3, 'A-1023')]],
    ['numeric-looking IDs that must keep their exact text', [checkIn(1, '0042'), checkIn(2, '9007199254740993'), checkIn(3, '0')]],
    [
      'the largest seq and base there are',
      [{ ...checkIn(Number.MAX_SAFE_INTEGER, '100001', T), base: Number.MAX_SAFE_INTEGER }, checkIn(1)],
    ],
  ])('keeps %s', (_name, ops) => {
    expect(roundTrip(ops)).toEqual({ deviceId: DEVICE, kioskId: KIOSK, ops: asDecoded(ops) });
  });

  it('leaves out the ULID, since (deviceId, seq) identifies the op', () => {
    const [decoded] = roundTrip([{ ...checkIn(1), opId: '01KAWZ4T3M8Y5Q2R7N6V9X0B1C' }]).ops;
    expect(decoded).not.toHaveProperty('opId');
  });

  it('fills in session "day" and base 0 for an op that left them out', () => {
    const { session: _session, base: _base, ...bare } = checkIn(1);
    expect(roundTrip([bare as Op]).ops).toEqual([checkIn(1)]);
  });

  it('puts status only on status ops and text only on notes', () => {
    const ops = roundTrip([checkIn(1), { ...checkIn(2), kind: 'status', status: 'late' }, { ...checkIn(3), kind: 'note', text: 'hi' }]).ops;
    expect(ops.map((op) => [Object.hasOwn(op, 'status'), Object.hasOwn(op, 'text')])).toEqual([
      [false, false],
      [true, false],
      [false, true],
    ]);
  });

  it('names its media type and starts every body with "DL" and the version', () => {
    expect(BATCH_MEDIA_TYPE).toBe('application/vnd.doorline.batch');
    expect([...encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [] }).subarray(0, 3)]).toEqual([0x44, 0x4c, CODEC_VERSION]);
  });

  it('spends under 8 bytes per check-in before gzip on a typical morning of 1,500', () => {
    // About 5.4 today; a table of student ID strings instead of the numeric column would cost about 12.
    const ops = realisticMorning({ students: 1500, kiosks: 1 })[0]?.ops ?? [];
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops });
    expect(ops.length).toBeGreaterThanOrEqual(1500);
    expect(bytes.length / ops.length).toBeLessThan(8);
    expect(decodeBatch(bytes, LIMITS).ops).toEqual(asDecoded(ops));
  });
});

describe('batch codec: what encodeBatch refuses rather than write garbage', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a fractional seq', { seq: 1.5 }],
    ['seq 0', { seq: 0 }],
    ['a seq beyond 2^53', { seq: 2 ** 53 }],
    ['a student ID with a space', { studentId: 'ada lovelace' }],
    ['an empty student ID', { studentId: '' }],
    ['a fractional time', { at: T + 0.5 }],
    ['a time before 2000', { at: 0 }],
    ['an unknown kind', { kind: 'check-up' }],
    ['a status on a check-in', { status: 'late' }],
    ['a status op without a status', { kind: 'status' }],
    ['a note without text', { kind: 'note' }],
    ['a note longer than MAX_NOTE_LENGTH', { kind: 'note', text: 'a'.repeat(MAX_NOTE_LENGTH + 1) }],
    ['a note with a lone surrogate, which UTF-8 cannot carry', { kind: 'note', text: 'bad \ud83d end' }],
    ['a negative base', { base: -1 }],
    ['a malformed opId', { opId: 'not-a-ulid' }],
    ['a field the format does not carry', { lane: 'door' }],
  ])('%s', (_name, change) => {
    const error = refusal(() => encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [checkIn(1), { ...checkIn(2), ...change } as Op] }));
    expect(error.code).toBe('invalid-body');
    expect(error.details?.path).toMatch(/^\$\.ops\[1\]/);
  });

  it('refuses a seq used twice in one batch', () => {
    expect(refusal(() => encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [checkIn(4), checkIn(5), checkIn(4)] })).details).toEqual({
      path: '$.ops[2].seq',
      problem: 'is repeated in this batch',
    });
  });

  it.each([['short'], ['has spaces in it'], ['x'.repeat(65)]])('refuses the device id %j', (deviceId) => {
    expect(refusal(() => encodeBatch({ deviceId, kioskId: KIOSK, ops: [] })).code).toBe('invalid-body');
  });
});

describe('batch codec: what decodeBatch refuses', () => {
  it('decodes the hand-made single check-in the refusals below start from', () => {
    expect(decodeBatch(checkInBody(), LIMITS).ops).toEqual([
      { seq: 1, kind: 'check-in', studentId: '100001', at: T, session: 'day', base: 0 },
    ]);
  });

  const invalidUtf8: Array<[string, number[]]> = [
    ['an over-long UTF-8 form', [0xc0, 0xaf]],
    ['a surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
    ['a code point beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a UTF-8 sequence cut short', [0x61, 0xe2, 0x82]],
    ['a stray continuation byte', [0x61, 0x80]],
  ];
  const afterIds = (tail: number[]) =>
    craft((w) => {
      w.bytes(new Uint8Array([0x44, 0x4c, CODEC_VERSION]));
      w.string(DEVICE, '$');
      w.string(KIOSK, '$');
      w.bytes(new Uint8Array(tail));
    });

  it.each<[string, Uint8Array, ErrorCode]>([
    ['an empty body', new Uint8Array(), 'invalid-body'],
    ['a JSON body', encodeUtf8('{"v":1}', '$'), 'invalid-body'],
    ['a body cut after the magic', new Uint8Array([0x44, 0x4c]), 'invalid-body'],
    ['a later version', checkInBody({ version: 2 }), 'unsupported-version'],
    ['version 0', checkInBody({ version: 0 }), 'unsupported-version'],
    ['a flag this version does not know', checkInBody({ flags: 1 | 16 }), 'invalid-body'],
    ['a count the body is too short to hold', checkInBody({ count: 1000 }), 'invalid-body'],
    ['a byte after the last column', new Uint8Array([...checkInBody(), 0]), 'invalid-body'],
    ['a body cut in the last column', checkInBody().subarray(0, checkInBody().length - 1), 'invalid-body'],
    ['a varint longer than 8 bytes', afterIds([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 'invalid-body'],
    ['a varint with a needless continuation byte', afterIds([0x81, 0x00]), 'invalid-body'],
    [
      'a device id that is not valid',
      craft((w) => (w.bytes(new Uint8Array([0x44, 0x4c, 1])), w.string('no spaces allowed', '$'))),
      'invalid-body',
    ],
    [
      'a seq repeated by a run that steps back',
      body({ count: 2 }, (w) => {
        for (const n of [5, 1]) w.varint(n, '$');
        w.signedVarint(0, '$');
        w.varint(1, '$');
      }),
      'invalid-body',
    ],
    ['a run of seqs longer than the ops left', body({}, (w) => (w.varint(1, '$'), w.varint(2, '$'))), 'invalid-body'],
    [
      'a seq that steps below 1',
      body({ count: 2 }, (w) => {
        for (const n of [1, 1]) w.varint(n, '$');
        w.signedVarint(-1, '$');
        w.varint(1, '$');
      }),
      'invalid-body',
    ],
    ['a kind it does not know', body({}, (w) => oneOp(w, { kindCode: 9 })), 'invalid-body'],
    [
      'a student ID that is not valid',
      body({ flags: 0 }, (w) => {
        for (const n of [1, 1]) w.varint(n, '$');
        w.byte(0);
        w.varint(1, '$');
        w.string('<script>', '$');
        w.varint(0, '$');
        w.varint(T, '$');
      }),
      'invalid-body',
    ],
    [
      'a student ID index outside its table',
      body({ flags: 0 }, (w) => {
        for (const n of [1, 1]) w.varint(n, '$');
        w.byte(0);
        w.varint(1, '$');
        w.string('A-1', '$');
        w.varint(1, '$');
        w.varint(T, '$');
      }),
      'invalid-body',
    ],
    ['a time outside 2000–2100', body({}, (w) => oneOp(w, { at: 1000 })), 'invalid-body'],
    ['a status it does not know', body({}, (w) => (oneOp(w, { kindCode: 2 }), w.byte(4))), 'invalid-body'],
    ['a note longer than MAX_NOTE_LENGTH', noteBody(encodeUtf8('a'.repeat(MAX_NOTE_LENGTH + 1), '$')), 'invalid-body'],
    ...invalidUtf8.map(([name, bytes]): [string, Uint8Array, ErrorCode] => [
      `a note with ${name}`,
      noteBody(new Uint8Array(bytes)),
      'invalid-body',
    ]),
  ])('%s', (_name, bytes, code) => {
    expect(refusal(() => decodeBatch(bytes, LIMITS)).code).toBe(code);
  });

  it('refuses more ops than the limit with too-many-ops, saying how many', () => {
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [1, 2, 3].map((seq) => checkIn(seq)) });
    const error = refusal(() => decodeBatch(bytes, { maxOps: 2 }));
    expect(error.code).toBe('too-many-ops');
    expect(error.details).toEqual({ max: 2, got: 3 });
  });

  it('refuses a count of a billion ops before allocating anything for them', () => {
    const bytes = craft((w) => header(w, { count: 1_000_000_000 }));
    expect(refusal(() => decodeBatch(bytes, { maxOps: 2_000_000_000 })).details).toMatchObject({ path: '$.ops' });
  });

  it('says where the problem is', () => {
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [checkIn(1), checkIn(2)] });
    expect(refusal(() => decodeBatch(bytes.subarray(0, bytes.length - 1), LIMITS)).details).toEqual({
      path: '$.ops[1].at',
      problem: 'ends before this value',
    });
  });
});

describe('varints underneath the codec', () => {
  it.each([0, 1, -1, 63, -64, 64, -65, 2 ** 31, -(2 ** 31), 2 ** 52, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])(
    'keeps the signed value %d exactly, in at most 8 bytes',
    (value) => {
      const bytes = craft((w) => w.signedVarint(value, '$'));
      expect(bytes.length).toBeLessThanOrEqual(8);
      expect(new ByteReader(bytes).signedVarint('$')).toBe(value);
    },
  );

  it('keeps 2^53 − 1 in 8 bytes and refuses 2^53', () => {
    const max = craft((w) => w.varint(Number.MAX_SAFE_INTEGER, '$'));
    expect(max.length).toBe(8);
    expect(new ByteReader(max).varint('$')).toBe(Number.MAX_SAFE_INTEGER);
    const beyond = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(refusal(() => new ByteReader(beyond).varint('$')).details).toEqual({ path: '$', problem: 'is a varint beyond 2^53' });
  });
});

const TIME = { min: 946_684_800_000, max: 4_102_444_800_000 };
const studentIdArb = fc.oneof(
  fc.integer({ min: 100001, max: 101500 }).map(String),
  fc.maxSafeNat().map(String),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
);
const sessionArb = fc.oneof(
  fc.constantFrom('day', 'P1', 'Maths 2'),
  fc.stringMatching(SESSION_PATTERN).filter((s) => s.length <= 32),
);
const kindArb = fc.oneof(
  fc.record({ kind: fc.constantFrom('check-in' as const, 'check-out' as const) }),
  fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(...ATTENDANCE_STATUSES) }),
  fc.record({ kind: fc.constant('note' as const), text: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }) }),
);
/** Ops with and without their optional fields, so defaults are exercised too. */
const opArb = fc
  .record(
    {
      seq: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
      opId: fc.stringMatching(OP_ID_PATTERN),
      studentId: studentIdArb,
      at: fc.oneof(fc.integer({ min: T - 3_600_000, max: T + 3_600_000 }), fc.integer(TIME)),
      session: sessionArb,
      base: fc.oneof(fc.constant(0), fc.maxSafeNat()),
      offset: fc.oneof(fc.constant(-1_250), fc.integer({ min: -MAX_CLOCK_OFFSET_MS, max: MAX_CLOCK_OFFSET_MS })),
      what: kindArb,
    },
    { requiredKeys: ['seq', 'studentId', 'at', 'what'] },
  )
  .map(({ what, ...op }) => ({ ...op, ...what }) as Op);

const batchArb: fc.Arbitrary<EncodedBatchInput> = fc
  .record({
    deviceId: fc.stringMatching(DEVICE_ID_PATTERN),
    kioskId: fc.stringMatching(DEVICE_ID_PATTERN),
    ops: fc.uniqueArray(opArb, { selector: (op) => op.seq, maxLength: 40 }),
    consecutiveFrom: fc.option(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER - 100 }), { nil: undefined }),
  })
  .map(({ consecutiveFrom, ...batch }) =>
    consecutiveFrom === undefined ? batch : { ...batch, ops: batch.ops.map((op, i) => ({ ...op, seq: consecutiveFrom + i })) },
  );

/** What every decode must do: give back valid ops, or throw a DoorlineError; never anything else. */
function decodesSafely(bytes: Uint8Array): void {
  let decoded: ReturnType<typeof decodeBatch>;
  try {
    decoded = decodeBatch(bytes, LIMITS);
  } catch (error) {
    expect(error).toBeInstanceOf(DoorlineError);
    return;
  }
  expect(decoded.deviceId).toMatch(DEVICE_ID_PATTERN);
  expect(decoded.kioskId).toMatch(DEVICE_ID_PATTERN);
  expect(new Set(decoded.ops.map((op) => op.seq)).size).toBe(decoded.ops.length);
  decoded.ops.forEach((op, i) => {
    assertOp(op, `$.ops[${i}]`);
    expect(op).not.toHaveProperty('opId');
  });
}

describe('batch codec: properties', () => {
  it('gives back every valid batch, without ULIDs and with defaults filled in', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        expect(decodeBatch(encodeBatch(batch), LIMITS)).toEqual({
          deviceId: batch.deviceId,
          kioskId: batch.kioskId,
          ops: asDecoded(batch.ops),
        });
      }),
    );
  });

  it('answers random bytes with valid ops or a DoorlineError', () => {
    const magic = [0x44, 0x4c, CODEC_VERSION];
    const anyBytes = fc.uint8Array({ maxLength: 200 });
    fc.assert(
      fc.property(
        fc.oneof(
          anyBytes,
          anyBytes.map((rest) => new Uint8Array([...magic, ...rest])),
        ),
        decodesSafely,
      ),
      { numRuns: 500 },
    );
  });

  it('answers mutated and truncated encodings with valid ops or a DoorlineError', () => {
    const mutation = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(batchArb, fc.array(mutation, { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }), (batch, mutations, cut) => {
        const bytes = encodeBatch(batch);
        for (const { at, value } of mutations) bytes[at % bytes.length] = value;
        decodesSafely(cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('clock columns', () => {
  const clocked = (op: Op, offset: number): Op => ({ ...op, offset });

  it('carries each op’s offset, and leaves it out where absent', () => {
    const ops = [clocked(checkIn(1), -7_200_000), checkIn(2), clocked(checkIn(3), -7_199_000), clocked(checkIn(4), 250)];
    expect(roundTrip(ops).ops).toEqual(asDecoded(ops));
  });

  it('writes no logical clock, even for an op an older worker stamped with one', () => {
    const stamped = { ...clocked(checkIn(1), -1_250), hlc: '001790000000000:0002' } as Op;
    expect([...encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [stamped] })]).toEqual([
      ...encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [clocked(checkIn(1), -1_250)] }),
    ]);
  });

  it('encodes a batch without clocks exactly as before', () => {
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [checkIn(1), checkIn(2)] });
    const flags = bytes[3 + 1 + DEVICE.length + 1 + KIOSK.length + 1];
    expect(flags).toBe(1);
    // The version-1 layout, column by column, with no clock columns after the last.
    const before = body({ count: 2 }, (w) => {
      for (const n of [1, 2, 0, 0]) w.varint(n, '$'); // one run of seqs from 1, two check-ins
      for (const n of [100001, 0, 1, T + 1000]) w.varint(n, '$'); // smallest ID, offsets from it, first time
      w.signedVarint(1000, '$');
    });
    expect([...bytes]).toEqual([...before]);
  });

  it('sets the clocks flag for an op with an offset', () => {
    const flagsOf = (op: Op) => encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [op] })[3 + 1 + DEVICE.length + 1 + KIOSK.length + 1];
    expect(flagsOf({ ...checkIn(1), offset: 0 })).toBe(1 | 8);
    expect(flagsOf(checkIn(1))).toBe(1);
  });

  it('costs less than half a byte an op after gzip on a realistic morning', async () => {
    const { gzipSync } = await import('node:zlib');
    const ops = Array.from({ length: 1000 }, (_, i) =>
      checkIn(i + 1, String(100001 + ((i * 37) % 600)), T + i * 2300 + ((i * 7919) % 1700)),
    );
    const plain = gzipSync(encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops })).length;
    const withClocks = gzipSync(encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: ops.map((op) => clocked(op, -1_250)) })).length;
    expect((withClocks - plain) / ops.length).toBeLessThan(0.5);
  });

  /** One check-in at T (as `oneOp` writes it) with the clocks flag, then `clocks` as its clock columns. */
  const clockBody = (clocks: (w: ByteWriter) => void) =>
    body({ flags: 1 | 8 }, (w) => {
      oneOp(w);
      clocks(w);
    });

  it('reads the logical clock an older worker wrote and drops it: nothing orders by it', () => {
    const bytes = clockBody((w) => {
      w.byte(3);
      w.signedVarint(-1_250, '$');
      w.signedVarint(0, '$');
      w.varint(2, '$');
    });
    expect(decodeBatch(bytes, LIMITS).ops).toEqual([{ ...checkIn(1, '100001', T), offset: -1_250 }]);
  });

  it.each<[string, (w: ByteWriter) => void]>([
    ['a body cut before the clock columns', () => {}],
    ['a body cut before the logical clock', (w) => (w.byte(3), w.signedVarint(0, '$'))],
    ['a body cut before the counter', (w) => (w.byte(2), w.signedVarint(0, '$'))],
    ['an offset of more than a year', (w) => (w.byte(1), w.signedVarint(MAX_CLOCK_OFFSET_MS + 1, '$'))],
    ['a counter beyond 9999', (w) => (w.byte(2), w.signedVarint(0, '$'), w.varint(10_000, '$'))],
    ['a logical clock before 1970', (w) => (w.byte(2), w.signedVarint(-T - 1, '$'), w.varint(0, '$'))],
    ['a logical clock too wide for its 15 digits', (w) => (w.byte(2), w.signedVarint(10 ** 15 - T, '$'), w.varint(0, '$'))],
    ['a byte after the clock columns', (w) => (w.byte(0), w.byte(0))],
  ])('refuses %s', (_name, clocks) => {
    expect(refusal(() => decodeBatch(clockBody(clocks), LIMITS)).code).toBe('invalid-body');
  });

  it('refuses a clock column with an unknown flag', () => {
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: [clocked(checkIn(1), 0)] });
    const tampered = Uint8Array.from(bytes);
    const at = tampered.length - 2; // presence, offset 0
    tampered[at] = 7;
    expect(refusal(() => decodeBatch(tampered, LIMITS)).code).toBe('invalid-body');
  });
});

describe('reason column', () => {
  const absent = (seq: number, reason?: string): Op => ({
    seq,
    kind: 'status',
    studentId: String(100000 + seq),
    at: T + seq * 1000,
    session: 'day',
    base: 0,
    status: 'absent',
    ...(reason === undefined ? {} : { reason }),
  });
  const leaving = (seq: number, reason?: string): Op => ({
    ...checkIn(seq),
    kind: 'check-out',
    ...(reason === undefined ? {} : { reason }),
  });

  it('carries an absence reason and a check-out reason, and leaves them out where there are none', () => {
    const ops = [absent(1, 'illness'), checkIn(2), leaving(3, 'appointment'), absent(4), absent(5, 'illness'), leaving(6)];
    expect(roundTrip(ops).ops).toEqual(asDecoded(ops));
  });

  it('encodes a batch without reasons exactly as before, so a server from before reasons reads it', () => {
    const ops = [absent(1), leaving(2), checkIn(3)];
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops });
    const expected = craft((w) => {
      header(w, { count: 3, flags: 1 });
      w.varint(1, '$'); // seq 1, a run of 3
      w.varint(3, '$');
      for (const kind of [2, 1, 0]) w.byte(kind);
      w.varint(100001, '$');
      for (const delta of [0, 1, 2]) w.varint(delta, '$');
      w.varint(T + 1000, '$');
      w.signedVarint(1000, '$');
      w.signedVarint(1000, '$');
      w.byte(2); // absent
    });
    expect(bytes).toEqual(expected);
  });

  it('writes each distinct reason once', () => {
    const many = Array.from({ length: 50 }, (_, i) => absent(i + 1, 'medical-appointment'));
    const bytes = encodeBatch({ deviceId: DEVICE, kioskId: KIOSK, ops: many });
    const text = new TextDecoder().decode(bytes);
    expect(text.split('medical-appointment').length - 1).toBe(1);
  });

  it.each<[string, (w: ByteWriter) => void]>([
    ['an index past its table', (w) => (w.varint(1, '$'), w.string('illness', '$'), w.varint(2, '$'))],
    ['more distinct reasons than ops', (w) => (w.varint(2, '$'), w.string('a', '$'), w.string('b', '$'), w.varint(1, '$'))],
    ['a reason code of the wrong shape', (w) => (w.varint(1, '$'), w.string('Not A Code', '$'), w.varint(1, '$'))],
    ['a body cut inside the column', (w) => w.varint(1, '$')],
  ])('refuses %s', (_name, reasons) => {
    const bytes = body({ flags: 1 | 16 }, (w) => {
      oneOp(w, { kindCode: 2 });
      w.byte(2); // absent
      reasons(w);
    });
    expect(refusal(() => decodeBatch(bytes, LIMITS)).code).toBe('invalid-body');
  });

  it('refuses a check-out reason that is not one of the kiosk’s, and a reason on a present mark', () => {
    expect(refusal(() => roundTrip([leaving(1, 'illness-of-a-cat')])).code).toBe('invalid-body');
    expect(refusal(() => roundTrip([{ ...absent(1, 'illness'), status: 'present' }])).code).toBe('invalid-body');
    expect(refusal(() => roundTrip([{ ...checkIn(1), reason: 'illness' }])).code).toBe('invalid-body');
  });
});
