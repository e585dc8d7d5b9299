/**
 * Kiosk pairing and the device list: an admin makes a one-time code, the
 * kiosk's worker trades it for a device token, the admin sees every device
 * and can revoke one. The office imports a revoked kiosk's queue file.
 * Kiosks themselves (the places devices pair to) are added, renamed, set up
 * and retired here too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  assertPairingCodeRequest,
  assertPairRequest,
  assertQueueExport,
  type DeviceList,
  type DeviceSummary,
  type PairAnswer,
  type PairingCode,
} from '../../shared/account-protocol.ts';
import { DoorlineError, type OpErrorCode } from '../../shared/error-codes.ts';
import { expectRecord, expectString } from '../../shared/guard.ts';
import { assertSyncRequest, DEVICE_ID_PATTERN } from '../../shared/protocol-guards.ts';
import { LIMITS } from '../../shared/limits.ts';
import { PROTOCOL_VERSION, type ReceiptRun, type SyncResponse } from '../../shared/protocol.ts';
import { fromRuns, toRuns } from '../../shared/receipts.ts';
import { AttemptLimiter } from '../auth/attempt-limiter.ts';
import { ADMIN_ROLES, OFFICE_ROLES, type Auth, type StaffPrincipal } from '../auth/principal.ts';
import type { AdminActor } from '../admin-log.ts';
import { newSecret, normalizePairingCode, sha256 } from '../auth/secrets.ts';
import { createPairingCode } from '../pairing.ts';
import { ingestBatch } from '../ingest.ts';
import { deviceConfig, findKiosk, schoolInfo } from '../school-queries.ts';
import { isSilentKiosk } from '../../shared/kiosk-silence.ts';
import { bodyOf } from '../request-body.ts';
import { writtenBy, type Announcer } from '../events/announce.ts';
import { assertKioskChange, assertNewKiosk, type KioskAnswer, type KioskList } from '../../shared/people-protocol.ts';
import { addKiosk, changeKiosk, listKiosks, retireKiosk } from '../kiosks.ts';

function kioskIdParam(request: FastifyRequest): string {
  const params: unknown = request.params;
  expectRecord(params, '$params', ['kioskId'], [], 'invalid-query');
  expectString(params.kioskId, '$params.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN }, 'invalid-query');
  return params.kioskId;
}

type LinkLabel = NonNullable<DeviceSummary['link']>['label'];

/** "code@epoch ms,…" as the device sent it (routes/sync.ts checked it) → its failures, newest first. */
function failuresOf(column: string | null): DeviceSummary['failures'] {
  if (column === null) return null;
  if (column === '') return [];
  return column.split(',').map((failure) => {
    const [code = '', at = '0'] = failure.split('@');
    return { code, at: Number(at) };
  });
}

function actorOf(staff: StaffPrincipal): AdminActor {
  return { staffId: staff.staffId, name: staff.name, schoolId: staff.schoolId };
}

export function deviceRoutes(app: FastifyInstance, auth: Auth, announcer: Announcer): void {
  const { db } = auth;
  // Ten wrong codes from one address in 15 minutes: wait. 40-bit codes then take lifetimes to guess.
  const pairingGuesses = new AttemptLimiter(db, { scope: 'pairing:address', maxFailures: 10, windowMs: 15 * 60 * 1000 });

  app.post('/api/pairing-codes', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const body = bodyOf(request);
    assertPairingCodeRequest(body);
    const { school, kiosk } = await findKiosk(db, body.kioskId).catch(() => {
      throw new DoorlineError('kiosk-not-found', { kioskId: body.kioskId });
    });
    if (school.id !== admin.schoolId) throw new DoorlineError('kiosk-not-found', { kioskId: body.kioskId });
    const { retired_at } = await db.selectFrom('kiosks').select('retired_at').where('id', '=', kiosk.id).executeTakeFirstOrThrow();
    if (retired_at !== null) throw new DoorlineError('kiosk-retired', { kioskId: body.kioskId });
    const { code, expiresAt } = await createPairingCode(db, {
      schoolId: school.id,
      kioskId: kiosk.id,
      createdBy: admin.staffId,
      now: auth.now(),
    });
    const answer: PairingCode = { v: PROTOCOL_VERSION, type: 'pairing-code', code, kioskId: kiosk.id, kioskName: kiosk.name, expiresAt };
    void reply.status(201).header('cache-control', 'no-store');
    return answer;
  });

  app.post('/api/pair', async (request, reply) => {
    const body = bodyOf(request);
    assertPairRequest(body);
    const now = auth.now();
    const wait = await pairingGuesses.retryAfter(request.ip, now);
    if (wait > 0) {
      void reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new DoorlineError('too-many-attempts', { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    const token = newSecret('dld');
    const paired = await db.transaction().execute(async (trx) => {
      const code = await trx
        .selectFrom('pairing_codes')
        .selectAll()
        .where('code_hash', '=', sha256(normalizePairingCode(body.code)))
        .executeTakeFirst();
      if (!code || code.used_at !== null || Number(code.expires_at) <= now) return null;
      const kiosk = await trx.selectFrom('kiosks').select('retired_at').where('id', '=', code.kiosk_id).executeTakeFirst();
      if (!kiosk || kiosk.retired_at !== null) return null;
      const existing = await trx.selectFrom('devices').select(['school_id', 'kind']).where('id', '=', body.deviceId).executeTakeFirst();
      // An id that sends for another school, or as a person's staff browser, stays theirs. The answer is the one a
      // colleague gets for a staff browser's id, so it says nothing of which school, if any, holds the id.
      if (existing && (existing.school_id !== code.school_id || existing.kind !== 'kiosk'))
        throw new DoorlineError('device-taken', { deviceId: body.deviceId });
      // Only the first of two kiosks typing the same code at once finds it unused.
      const taken = await trx
        .updateTable('pairing_codes')
        .set({ used_at: now, used_by_device: body.deviceId })
        .where('code_hash', '=', code.code_hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return null;
      const pairing = {
        kind: 'kiosk' as const,
        kiosk_id: code.kiosk_id,
        token_hash: sha256(token),
        paired_at: now,
        paired_by: code.created_by,
        revoked_at: null,
        revoked_by: null,
        last_seen_at: now,
        app_version: body.appVersion,
        staff_id: null,
      };
      // Pairing again (after a revocation, say) keeps the device's id, so its old ops stay its own.
      if (existing) await trx.updateTable('devices').set(pairing).where('id', '=', body.deviceId).execute();
      else
        await trx
          .insertInto('devices')
          .values({ id: body.deviceId, school_id: code.school_id, first_seen_at: now, last_seq: 0, ...pairing })
          .execute();
      return code;
    });
    if (!paired) {
      await pairingGuesses.fail(request.ip, now);
      throw new DoorlineError('pairing-code-invalid');
    }
    await announcer.announce(paired.school_id, { deviceId: body.deviceId });
    const answer: PairAnswer = {
      v: PROTOCOL_VERSION,
      type: 'paired',
      deviceId: body.deviceId,
      token,
      config: await deviceConfig(db, paired.school_id, paired.kiosk_id),
    };
    void reply.header('cache-control', 'no-store');
    return answer;
  });

  app.get('/api/devices', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const rows = await db
      .selectFrom('devices')
      .leftJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
      .leftJoin('staff', 'staff.id', 'devices.staff_id')
      .select([
        'devices.id',
        'devices.kind',
        'devices.kiosk_id',
        'kiosks.name as kiosk_name',
        'devices.paired_at',
        'devices.last_seen_at',
        'devices.app_version',
        'devices.queue_depth',
        'devices.oldest_waiting_at',
        'devices.revoked_at',
        'devices.link_score',
        'devices.link_label',
        'devices.storage_free',
        'devices.recent_failures',
        'staff.name as staff_name',
      ])
      .where('devices.school_id', '=', admin.schoolId)
      .orderBy('devices.last_seen_at', 'desc')
      .execute();
    // Only kiosks in use can be paired; a retired kiosk's devices still show, by its name.
    const kiosks = await db
      .selectFrom('kiosks')
      .select(['id', 'name'])
      .where('school_id', '=', admin.schoolId)
      .where('retired_at', 'is', null)
      .orderBy('name')
      .execute();
    // What each device sent that was refused for good: the kiosk no longer shows this to students, staff see it here.
    const refusedRows = await db
      .selectFrom('ops')
      .select(['device_id', 'student_number', 'code', 'device_time'])
      .where('school_id', '=', admin.schoolId)
      .where('status', '=', 'rejected')
      .where('device_id', 'is not', null)
      .orderBy('received_at', 'desc')
      .execute();
    const refused = new Map<string, NonNullable<DeviceSummary['refused']>>();
    for (const row of refusedRows) {
      const entry = refused.get(row.device_id as string) ?? { count: 0, recent: [] };
      entry.count += 1;
      if (entry.recent.length < 5)
        entry.recent.push({
          studentId: row.student_number,
          code: (row.code ?? 'invalid-body') as OpErrorCode,
          at: Number(row.device_time),
        });
      refused.set(row.device_id as string, entry);
    }
    const num = (value: number | null) => (value === null ? null : Number(value));
    const now = auth.now();
    const school = await schoolInfo(db, admin.schoolId);
    const list: DeviceList = {
      v: PROTOCOL_VERSION,
      type: 'devices',
      devices: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        kioskId: r.kiosk_id,
        kioskName: r.kiosk_name,
        pairedAt: num(r.paired_at),
        lastSeenAt: Number(r.last_seen_at),
        appVersion: r.app_version,
        queueDepth: num(r.queue_depth),
        oldestWaitingAt: num(r.oldest_waiting_at),
        revokedAt: num(r.revoked_at),
        refused: refused.get(r.id) ?? { count: 0, recent: [] },
        link: r.link_score === null ? null : { score: Number(r.link_score), label: r.link_label as LinkLabel },
        storageFree: num(r.storage_free),
        failures: failuresOf(r.recent_failures),
        signedIn: r.kind === 'staff' ? r.staff_name : null,
        silent: r.kind === 'kiosk' && r.revoked_at === null && isSilentKiosk(Number(r.last_seen_at), now, school),
      })),
      kiosks,
    };
    void reply.header('cache-control', 'no-store');
    return list;
  });

  app.post('/api/devices/:deviceId/revoke', { onRequest: auth.before(ADMIN_ROLES) }, async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const params: unknown = request.params;
    expectRecord(params, '$params', ['deviceId'], [], 'invalid-query');
    expectString(params.deviceId, '$params.deviceId', { max: 64, pattern: DEVICE_ID_PATTERN }, 'invalid-query');
    const now = auth.now();
    const result = await db
      .updateTable('devices')
      .set({ revoked_at: now, revoked_by: admin.staffId })
      .where('id', '=', params.deviceId)
      .where('school_id', '=', admin.schoolId)
      .where('kind', '=', 'kiosk')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new DoorlineError('device-not-found', { deviceId: params.deviceId });
    await announcer.announce(admin.schoolId, { deviceId: params.deviceId });
    // The token hash stays, so the kiosk is told "revoked" rather than "unknown" and keeps its queue.
    return reply.status(204).send();
  });

  app.get('/api/kiosks', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const list: KioskList = { v: PROTOCOL_VERSION, type: 'kiosks', kiosks: await listKiosks(db, admin.schoolId) };
    void reply.header('cache-control', 'no-store');
    return list;
  });

  app.post('/api/kiosks', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const body = bodyOf(request);
    assertNewKiosk(body);
    const answer: KioskAnswer = { v: PROTOCOL_VERSION, type: 'kiosk', kiosk: await addKiosk(db, actorOf(admin), body, auth.now()) };
    void reply.status(201).header('cache-control', 'no-store');
    return answer;
  });

  app.post('/api/kiosks/:kioskId', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const kioskId = kioskIdParam(request);
    const body = bodyOf(request);
    assertKioskChange(body);
    const kiosk = await changeKiosk(db, actorOf(admin), kioskId, body, auth.now());
    const answer: KioskAnswer = { v: PROTOCOL_VERSION, type: 'kiosk', kiosk };
    void reply.header('cache-control', 'no-store');
    return answer;
  });

  app.post('/api/kiosks/:kioskId/retire', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const kioskId = kioskIdParam(request);
    const { kiosk, revoked } = await retireKiosk(db, actorOf(admin), kioskId, auth.now());
    for (const deviceId of revoked) await announcer.announce(admin.schoolId, { deviceId });
    const answer: KioskAnswer = { v: PROTOCOL_VERSION, type: 'kiosk', kiosk };
    void reply.header('cache-control', 'no-store');
    return answer;
  });

  app.post('/api/queue-imports', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const body = bodyOf(request);
    assertQueueExport(body);
    const device = await db
      .selectFrom('devices')
      .leftJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
      .select(['devices.kind', 'devices.kiosk_id', 'devices.revoked_at', 'kiosks.name as kiosk_name'])
      .where('devices.id', '=', body.deviceId)
      .where('devices.school_id', '=', staff.schoolId)
      .executeTakeFirst();
    if (!device || device.kind !== 'kiosk') throw new DoorlineError('device-not-found', { deviceId: body.deviceId });
    // A kiosk still paired sends its own queue; only an unpaired one's file is taken.
    if (device.revoked_at === null) throw new DoorlineError('device-not-revoked', { deviceId: body.deviceId });
    // The same envelope checks as a sync batch: identities whole, at most a batch's worth of ops.
    // A file may hold more than one batch's worth: it goes in as several batches, each checked whole.
    const sender = {
      kind: 'import' as const,
      schoolId: staff.schoolId,
      deviceId: body.deviceId,
      kioskId: device.kiosk_id,
      actorId: staff.staffId,
      name: device.kiosk_name ?? 'Kiosk',
      importedBy: staff.name,
    };
    const receipts: ReceiptRun[] = [];
    for (let i = 0; i < body.ops.length || i === 0; i += LIMITS.maxOpsPerBatch) {
      const batch = {
        v: body.v,
        type: 'sync',
        deviceId: body.deviceId,
        kioskId: body.kioskId,
        ops: body.ops.slice(i, i + LIMITS.maxOpsPerBatch),
      };
      assertSyncRequest(batch);
      const result = await ingestBatch(db, sender, { deviceId: body.deviceId, ops: batch.ops }, {}, auth.now());
      receipts.push(...result.receipts);
    }
    const answer: SyncResponse = { v: PROTOCOL_VERSION, type: 'sync-result', receipts: toRuns(fromRuns(receipts)), serverTime: auth.now() };
    await announcer.announce(staff.schoolId, writtenBy(answer.receipts));
    void reply.header('cache-control', 'no-store');
    return answer;
  });
}
