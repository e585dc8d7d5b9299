/** Limits shared by the worker (which must never build a batch the server refuses) and the server. */
export const LIMITS = {
  /** Most ops one `POST /api/sync` may carry. */
  maxOpsPerBatch: 2000,
  /** Largest request body the server reads, in bytes, as it arrives (compressed or not). */
  maxBodyBytes: 1024 * 1024,
  /** Largest request body after decompression: a gzip bomb stops here. */
  maxInflatedBytes: 4 * 1024 * 1024,
  /** Longest student ID a kiosk accepts (barcodes included). */
  maxStudentIdLength: 64,
  /** Op ids are ULIDs: 26 Crockford base32 characters. */
  opIdLength: 26,
  /** Device ids are UUIDs. */
  maxDeviceIdLength: 64,
  /** Longest note a person can attach to a student's day. */
  maxNoteLength: 2000,
  /** Longest session (period) name. */
  maxSessionLength: 32,
  /** Longest reason code (src/shared/reasons.ts). */
  maxReasonLength: 32,
  /** An op's time may be this far from the server's clock, either way (a kiosk can sit offline for weeks). */
  maxClockSkewMs: 400 * 24 * 60 * 60 * 1000,
} as const;
