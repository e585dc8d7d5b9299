/** Messages between pages and the service worker (postMessage). */
import { expectOneOf, expectRecord } from './guard.ts';
import type { ErrorCode } from './error-codes.ts';
import { PROTOCOL_VERSION, type ProtocolVersion } from './protocol.ts';

/**
 * idle: nothing waiting. sending: a drain is running. waiting-for-network: the
 * last attempt could not reach the server. held: the server refused the batch
 * and a person must act (see lastError).
 */
export type SyncPhase = 'idle' | 'sending' | 'waiting-for-network' | 'held';

export interface WorkerStatus {
  v: ProtocolVersion;
  type: 'status';
  phase: SyncPhase;
  /** Check-ins saved on this device and not yet acknowledged by the server. */
  waiting: number;
  /** Ops the server refused for good, kept for the office. */
  deadLetters: number;
  /** Students in the roster cached on this device. */
  rosterSize: number;
  lastError: ErrorCode | null;
  /** When the server last acknowledged a batch, epoch ms. */
  lastSyncAt: number | null;
}

export type PageMessage = { v: ProtocolVersion; type: 'sync-now' } | { v: ProtocolVersion; type: 'status-please' };
export type WorkerMessage = WorkerStatus;

export function pageMessage(type: PageMessage['type']): PageMessage {
  return { v: PROTOCOL_VERSION, type };
}

export function assertPageMessage(value: unknown): asserts value is PageMessage {
  expectRecord(value, '$', ['v', 'type']);
  expectOneOf(value.type, '$.type', ['sync-now', 'status-please']);
}

export function assertWorkerMessage(value: unknown): asserts value is WorkerMessage {
  expectRecord(value, '$', ['v', 'type', 'phase', 'waiting', 'deadLetters', 'rosterSize', 'lastError', 'lastSyncAt'], [], 'bad-response');
  expectOneOf(value.type, '$.type', ['status'], 'bad-response');
  expectOneOf(value.phase, '$.phase', ['idle', 'sending', 'waiting-for-network', 'held'], 'bad-response');
}
