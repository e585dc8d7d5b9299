import { describe, expect, it } from 'vitest';
import { DoorlineError } from '../../src/shared/error-codes.ts';
import { assertChangePage } from '../../src/shared/office-guards.ts';
import { assertKioskConfig, assertMarkInput, assertSyncResponse, expectVersion } from '../../src/shared/protocol-guards.ts';
import { PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import type { WorkerStatus } from '../../src/shared/worker-messages.ts';
import { assertPageMessage, assertWorkerMessage } from '../../src/shared/worker-messages.ts';
import { networkText } from '../../src/ui/kiosk-text.ts';
import { rollNetworkText } from '../../src/ui/staff-text.ts';
import { readSyncAnswer } from '../../sw/sync-client.ts';
import { idleStatus } from '../support/worker-status.ts';

const codeOf = (check: () => void): string | undefined => {
  try {
    check();
  } catch (error) {
    if (error instanceof DoorlineError) return error.code;
    throw error;
  }
  return undefined;
};

const answer = {
  v: 1,
  type: 'sync-result',
  receipts: [
    { n: 2, status: 'applied' },
    { n: 1, status: 'duplicate', original: { status: 'merged', rule: 'door-times' } },
  ],
  serverTime: 1_790_000_000_000,
};
const page = {
  v: 1,
  type: 'changes',
  cursor: '41',
  more: false,
  serverTime: 1_790_000_000_000,
  changes: [
    {
      kind: 'record',
      studentId: '100001',
      date: '2026-09-21',
      session: 'day',
      status: 'present',
      checkInAt: 1_790_000_000_000,
      checkOutAt: null,
      version: 3,
    },
    { kind: 'roster', version: '7' },
  ],
};
const status = idleStatus();
const config = {
  v: 1,
  type: 'kiosk-config',
  school: { id: 'school-1', name: 'Hill School', timeZone: 'Europe/London', bellTime: '08:30' },
  kiosk: { id: 'kiosk-1', name: 'Front door' },
  rosterVersion: '7',
  syncLimits: { maxBodyBytes: 1_048_576, maxOps: 2000 },
};

describe('reading what a newer peer sends', () => {
  it('ignores a field a newer server adds to its sync answer, its receipts and their outcomes', () => {
    const newer = {
      ...answer,
      hint: 'slow down',
      receipts: [
        { n: 2, status: 'applied', at: 5 },
        { n: 1, status: 'duplicate', firstSeen: 1, original: { status: 'merged', rule: 'door-times', why: 'x' } },
      ],
    };
    expect(codeOf(() => assertSyncResponse(newer))).toBeUndefined();
  });

  it('still refuses a sync answer that lacks a field it needs', () => {
    const { serverTime: _gone, ...partial } = answer;
    expect(codeOf(() => assertSyncResponse(partial))).toBe('bad-response');
    expect(codeOf(() => assertSyncResponse({ ...answer, receipts: [{ n: 1, status: 'merged' }] }))).toBe('bad-response');
  });

  it('ignores a field a newer server adds to a change page and to its changes', () => {
    const newer = { ...page, region: 'north', changes: page.changes.map((c) => ({ ...c, by: 'office' })) };
    assertChangePage(newer);
    expect(newer.changes).toHaveLength(2);
  });

  it('skips a kind of change it does not know and keeps the rest of the page', () => {
    const newer = { ...page, changes: [{ kind: 'bell-moved', at: '08:40' }, ...page.changes] };
    assertChangePage(newer);
    expect(newer.changes.map((c) => c.kind)).toEqual(['record', 'roster']);
  });

  it('still refuses a known change with a field missing', () => {
    const broken = {
      ...page,
      changes: [
        { kind: 'record', studentId: '100001', date: '2026-09-21', session: 'day', status: 'present', checkInAt: null, version: 3 },
      ],
    };
    expect(codeOf(() => assertChangePage(broken))).toBe('bad-response');
  });

  it('ignores a field a newer worker adds to its status', () => {
    expect(codeOf(() => assertWorkerMessage({ ...status, battery: 0.4 }))).toBeUndefined();
    expect(
      codeOf(() =>
        assertWorkerMessage({ v: 1, type: 'changes-pulled', records: 1, conflictsOpened: 0, conflictsResolved: 0, notesPulled: 2 }),
      ),
    ).toBeUndefined();
  });

  it('still refuses a status with a required field missing', () => {
    const { waiting: _gone, ...partial } = status;
    expect(codeOf(() => assertWorkerMessage(partial))).toBe('bad-response');
  });

  it('ignores a field a newer server adds to the kiosk config', () => {
    expect(codeOf(() => assertKioskConfig({ ...config, theme: 'dark', school: { ...config.school, motto: 'Onwards' } }))).toBeUndefined();
  });

  it('says the device needs an update when the answer is in a newer protocol version', () => {
    expect(codeOf(() => assertSyncResponse({ ...answer, v: PROTOCOL_VERSION + 1 }))).toBe('update-required');
    expect(codeOf(() => assertChangePage({ ...page, v: PROTOCOL_VERSION + 1 }))).toBe('update-required');
    expect(codeOf(() => assertWorkerMessage({ ...status, v: PROTOCOL_VERSION + 1 }))).toBe('update-required');
  });
});

describe('a worker older than the server', () => {
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

  it('hears update-required when the server no longer takes its version, and its pages say so in their own words', async () => {
    const refusal = json({ error: { code: 'update-required', message: 'This device needs an update: reload the page.' } }, 400);
    await expect(readSyncAnswer(refusal)).rejects.toMatchObject({ code: 'update-required' });
    const held = { phase: 'held', lastError: 'update-required' } as unknown as WorkerStatus;
    expect(networkText(true, held)).toBe('This kiosk needs an update — reload the page');
    expect(rollNetworkText(true, held)).toBe('This device needs an update — reload the page; marks are kept here');
  });

  it('hears update-required when the server answers in a newer version, and keeps an answer with a new field', async () => {
    await expect(readSyncAnswer(json({ ...answer, v: PROTOCOL_VERSION + 1 }))).rejects.toMatchObject({ code: 'update-required' });
    await expect(readSyncAnswer(json({ ...answer, hint: 'slow down' }))).resolves.toMatchObject({ receipts: answer.receipts });
  });
});

describe('guarding input', () => {
  const mark = { v: 1, opId: '01JF0000000000000000000001', kind: 'check-in', studentId: '100001', at: 1_790_000_000_000 };

  it('refuses a request with a field it does not know', () => {
    expect(codeOf(() => assertMarkInput(mark))).toBeUndefined();
    expect(codeOf(() => assertMarkInput({ ...mark, colour: 'red' }))).toBe('invalid-body');
    expect(codeOf(() => assertPageMessage({ v: 1, type: 'sync-now', urgent: true }))).toBe('invalid-body');
  });

  it('tells a device older than the oldest version the server takes to update, and a newer one that the server is older', () => {
    expect(codeOf(() => expectVersion({ v: PROTOCOL_VERSION }, '$'))).toBeUndefined();
    expect(codeOf(() => expectVersion({ v: 0 }, '$'))).toBe('update-required');
    expect(codeOf(() => expectVersion({ v: PROTOCOL_VERSION + 1 }, '$'))).toBe('unsupported-version');
    expect(codeOf(() => expectVersion({ v: '1' }, '$'))).toBe('invalid-body');
  });
});
