/** A worker's status message as pages receive it: nothing waiting, nothing wrong; tests override what they are about. */
import type { WorkerStatus } from '../../src/shared/worker-messages.ts';

export function idleStatus(overrides: Partial<WorkerStatus> = {}): WorkerStatus {
  return {
    v: 1,
    type: 'status',
    phase: 'idle',
    progress: null,
    quality: null,
    storage: null,
    recentDeadLetters: [],
    waiting: 0,
    deadLetters: 0,
    rosterSize: 600,
    lastError: null,
    lastSyncAt: null,
    ...overrides,
  };
}
