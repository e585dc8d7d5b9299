import { describe, expect, it } from 'vitest';
import { readQueueFile } from '../../src/ui/queue-file.ts';

const NOW = Date.UTC(2026, 10, 24, 10, 0);
const file = {
  v: 1,
  type: 'queue-export',
  deviceId: 'device-0001',
  kioskId: 'kiosk-0001',
  schoolName: 'Riverside',
  kioskName: 'Main entrance',
  exportedAt: Date.UTC(2026, 10, 24, 8, 30),
  ops: [{}, {}, {}],
};

describe('reading a kiosk’s saved check-ins before importing them', () => {
  it('describes the file and hands its contents on unchanged', () => {
    const read = readQueueFile(JSON.stringify(file), 'Europe/London', NOW);
    expect(read).toEqual({ ok: true, body: file, description: 'From “Main entrance”, saved today 08:30: 3 check-ins.' });
  });

  it('says so, in words, when the file is not JSON', () => {
    const read = readQueueFile('{"v":1,"type":"queue-exp', 'Europe/London', NOW);
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.problem).toMatch(/could not be read: it may be damaged or cut short/);
  });

  it.each([['{"a":1}'], ['[]'], ['"queue-export"'], ['{"type":"queue-export"}']])(
    'refuses a file that is not a kiosk’s queue: %s',
    (text) => {
      const read = readQueueFile(text, 'Europe/London', NOW);
      expect(read.ok ? '' : read.problem).toMatch(/^This file is not a kiosk's saved check-ins/);
    },
  );
});
