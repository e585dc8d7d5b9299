/** Messages between pages and the service worker (postMessage). */
import { expectFields, expectOneOf, expectRecord } from './guard.ts';
import { expectReadableVersion, expectVersion } from './protocol-guards.ts';
import type { ErrorCode, OpErrorCode } from './error-codes.ts';
import type { OpKind } from './attendance-model.ts';
import { PROTOCOL_VERSION, type ProtocolVersion } from './protocol.ts';

/**
 * idle: nothing waiting. sending: a drain is running. waiting-for-network: the
 * last attempt could not reach the server. held: the server refused the batch
 * and a person must act (see lastError).
 */
export type SyncPhase = 'idle' | 'sending' | 'waiting-for-network' | 'held';

export type LaneName = 'roll' | 'door' | 'notes';

/** How far a drain has got. */
export interface SyncProgress {
  lane: LaneName;
  /** Ops acknowledged in this drain. */
  done: number;
  /** Ops this drain set out to send (grows if more are saved meanwhile). */
  total: number;
  bytesSent: number;
  /** Ops per second acknowledged so far. */
  rate: number;
  etaSeconds: number | null;
}

export interface NetworkQualityReport {
  score: number;
  label: 'offline' | 'poor' | 'fair' | 'good';
  saveData: boolean;
}

export interface StorageReport {
  usage: number;
  quota: number;
}

/** An op the server refused for good, as the office needs to see it. */
export interface DeadLetterSummary {
  seq: number;
  kind: OpKind;
  studentId: string;
  at: number;
  code: OpErrorCode;
}

export interface WorkerStatus {
  v: ProtocolVersion;
  type: 'status';
  phase: SyncPhase;
  progress: SyncProgress | null;
  quality: NetworkQualityReport | null;
  storage: StorageReport | null;
  /** The most recent refusals, newest first (at most 20). */
  recentDeadLetters: DeadLetterSummary[];
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

/**
 * After a pull of the change feed: how much came down. New conflicts are
 * announced once per pull, however many ops opened them.
 */
export interface ChangesPulled {
  v: ProtocolVersion;
  type: 'changes-pulled';
  /** Records that changed on this device's copy of today. */
  records: number;
  /** Conflicts opened since the last pull, and resolved since. */
  conflictsOpened: number;
  conflictsResolved: number;
}

export type WorkerMessage = WorkerStatus | ChangesPulled;

export function pageMessage(type: PageMessage['type']): PageMessage {
  return { v: PROTOCOL_VERSION, type };
}

export function assertPageMessage(value: unknown): asserts value is PageMessage {
  expectRecord(value, '$', ['v', 'type']);
  expectVersion(value, '$');
  expectOneOf(value.type, '$.type', ['sync-now', 'status-please']);
}

/**
 * What a page reads from the worker. A newer worker takes over at once while
 * older pages stay open, so fields it adds are ignored; the ones a page needs
 * are still checked.
 */
export function assertWorkerMessage(value: unknown): asserts value is WorkerMessage {
  expectFields(value, '$', ['v', 'type']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['status', 'changes-pulled'], 'bad-response');
  if (value.type === 'changes-pulled') {
    expectFields(value, '$', ['records', 'conflictsOpened', 'conflictsResolved']);
    return;
  }
  expectFields(value, '$', [
    'phase',
    'progress',
    'quality',
    'storage',
    'recentDeadLetters',
    'waiting',
    'deadLetters',
    'rosterSize',
    'lastError',
    'lastSyncAt',
  ]);
  expectOneOf(value.phase, '$.phase', ['idle', 'sending', 'waiting-for-network', 'held'], 'bad-response');
}
