/** `GET /api/stats?from=&to=`: each device's syncs per school day, for the admin and for monitoring tools. */
import type { ProtocolVersion } from './protocol.ts';

export interface DeviceDayStats {
  /** The school's date the batches arrived on, "YYYY-MM-DD". */
  date: string;
  schoolId: string;
  deviceId: string;
  kind: 'kiosk' | 'staff';
  /** The kiosk's name, or null for a staff browser. */
  deviceName: string | null;
  /** Every op the device's batches carried, duplicates and refusals included. */
  opsReceived: number;
  /** Ops the server had stored before, answered with their first receipt. */
  duplicates: number;
  /** Ops refused for good, each with a code. */
  refusals: number;
  /** Ops that opened a conflict for the office. */
  conflicts: number;
  /** The batches' bodies as they came over the wire, compressed or not. */
  bytesReceived: number;
}

export interface SyncStats {
  v: ProtocolVersion;
  type: 'sync-stats';
  from: string;
  to: string;
  /** By date, then device id. */
  days: DeviceDayStats[];
}
