/** One-time pairing codes: made by an admin (or at demo start-up), traded once for a device token. */
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { newPairingCode, normalizePairingCode, sha256 } from './auth/secrets.ts';

/** A pairing code is typed within minutes of being shown. */
const PAIRING_CODE_LIFETIME_MS = 15 * 60 * 1000;

export async function createPairingCode(
  db: Kysely<Database>,
  input: { schoolId: string; kioskId: string; createdBy: string; now: number; lifetimeMs?: number },
): Promise<{ code: string; expiresAt: number }> {
  const code = newPairingCode();
  const expiresAt = input.now + (input.lifetimeMs ?? PAIRING_CODE_LIFETIME_MS);
  await db
    .insertInto('pairing_codes')
    .values({
      code_hash: sha256(normalizePairingCode(code)),
      school_id: input.schoolId,
      kiosk_id: input.kioskId,
      created_by: input.createdBy,
      created_at: input.now,
      expires_at: expiresAt,
    })
    .execute();
  return { code, expiresAt };
}
