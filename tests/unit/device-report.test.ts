import { describe, expect, it } from 'vitest';
import { deviceHeaders } from '../../sw/device-report.ts';

const queue = [
  { seq: 1, queuedAt: 1_790_000_001_000 },
  { seq: 2, queuedAt: 1_790_000_002_000 },
  { seq: 3, queuedAt: 1_790_000_003_000 },
];
const sources = {
  credentials: { headers: async () => ({ authorization: 'Bearer dld_token' }) },
  outbox: { backlog: async () => ({ depth: queue.length, oldestAt: queue[0]?.queuedAt ?? null }) },
  feed: { cursor: async () => '42' },
  now: () => 1_790_000_100_000,
};

describe('the device report', () => {
  it('says on a pull what the queue holds, and nothing of its health', async () => {
    const headers = await deviceHeaders(sources);
    expect(headers).toMatchObject({ 'x-doorline-queue': '3;1790000001000', 'x-doorline-cursor': '42' });
    expect(headers['x-doorline-health']).toBeUndefined();
  });

  it('says on a batch what stays once its ops are through, and the device’s health', async () => {
    const held = { depth: 1, oldestAt: 1_790_000_003_000 };
    const headers = await deviceHeaders({ ...sources, held, health: Promise.resolve('62;fair;1000;') });
    expect(headers).toMatchObject({ 'x-doorline-queue': '1;1790000003000', 'x-doorline-health': '62;fair;1000;' });
    const all = await deviceHeaders({ ...sources, held: { depth: 0, oldestAt: null }, health: Promise.resolve('62;fair;1000;') });
    expect(all['x-doorline-queue']).toBe('0;0');
  });
});
