/** The admin log's one writer: every change a person makes to the school's students, staff and kiosks, in the change's own transaction. */
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';

export interface AdminActor {
  /** Null for the command line (`npm run doorline -- import-roster`), which no staff member signs in to. */
  staffId: string | null;
  name: string;
  schoolId: string;
}

export interface AdminLogEntry {
  /** Such as "student-added" or "kiosk-retired". */
  action: string;
  /** What it was done to: a student number, an email, a kiosk's name. */
  subject: string;
  /** What changed, as the log keeps it. */
  details: Record<string, unknown>;
}

export async function logAdminAction(db: Kysely<Database>, actor: AdminActor, entry: AdminLogEntry, now: number): Promise<void> {
  await db
    .insertInto('admin_log')
    .values({
      school_id: actor.schoolId,
      at: now,
      actor_id: actor.staffId,
      actor_name: actor.name,
      action: entry.action,
      subject: entry.subject,
      details: JSON.stringify(entry.details),
    })
    .execute();
}

/** `{ field: { from, to } }` for each field whose value differs; an empty object when nothing did. */
export function changedFields<T extends object>(before: T, after: T): Record<string, { from: unknown; to: unknown }> {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(after)) {
    const from: unknown = (before as Record<string, unknown>)[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) changed[field] = { from, to };
  }
  return changed;
}
