/**
 * The one upgrade path, for SQLite and PostgreSQL alike. Migrations are
 * append-only: never edit one that has shipped. Where SQLite needs SQL of
 * its own (a table rebuild, an autoincrement key), the migration branches on
 * the database and PostgreSQL gets the equivalent.
 */
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';

const onPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export const MIGRATIONS: Record<string, Migration> = {
  '0001-walking-skeleton': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('schools')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('bell_time', 'text', (c) => c.notNull())
        .addColumn('roster_version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('students')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_number', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('homeroom', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('students_school_number', ['school_id', 'student_number'])
        .execute();

      await db.schema
        .createTable('kiosks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('kiosk_id', 'text', (c) => c.notNull().references('kiosks.id'))
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('ops')
        .addColumn('op_id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.references('devices.id'))
        .addColumn('seq', 'bigint')
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('student_number', 'text', (c) => c.notNull())
        .addColumn('device_time', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('code', 'text')
        .addUniqueConstraint('ops_device_seq', ['device_id', 'seq'])
        .execute();

      await db.schema
        .createTable('attendance')
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('session', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('check_in_at', 'bigint')
        .addColumn('check_in_op_id', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('attendance_pk', ['school_id', 'student_id', 'date', 'session'])
        .execute();

      await db.schema.createIndex('attendance_by_school_date').on('attendance').columns(['school_id', 'date']).execute();
    },
  },
  '0002-op-kinds': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('ops')
        .addColumn('session', 'text', (c) => c.notNull().defaultTo('day'))
        .execute();
      await db.schema.alterTable('ops').addColumn('mark_status', 'text').execute();
      await db.schema.alterTable('ops').addColumn('note_text', 'text').execute();
      await db.schema
        .alterTable('ops')
        .addColumn('base_version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('attendance').addColumn('check_out_at', 'bigint').execute();
      await db.schema.alterTable('attendance').addColumn('check_out_op_id', 'text').execute();
      await db.schema
        .createTable('notes')
        .addColumn('op_id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('session', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('written_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notes_by_record').on('notes').columns(['school_id', 'student_id', 'date', 'session']).execute();
    },
  },

  '0003-accounts-and-pairing': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('staff')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('staff_schools')
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addPrimaryKeyConstraint('staff_schools_pk', ['staff_id', 'school_id'])
        .execute();
      await db.schema
        .createTable('staff_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('pairing_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('kiosk_id', 'text', (c) => c.notNull().references('kiosks.id'))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('used_by_device', 'text')
        .execute();
      // Devices gain pairing, and staff browsers become devices too (no kiosk), so
      // kiosk_id loses NOT NULL. SQLite cannot relax a column in place: the table is
      // rebuilt (https://www.sqlite.org/lang_altertable.html#otheralter). Kysely runs
      // SQLite migrations outside a transaction, so this one brings its own.
      // PostgreSQL relaxes the column in place, inside the migration's transaction.
      if (onPostgres(db)) {
        await db.schema
          .alterTable('devices')
          .alterColumn('kiosk_id', (c) => c.dropNotNull())
          .execute();
        await db.schema
          .alterTable('devices')
          .addColumn('kind', 'text', (c) => c.notNull().defaultTo('kiosk'))
          .addColumn('token_hash', 'text', (c) => c.unique())
          .addColumn('paired_at', 'bigint')
          .addColumn('paired_by', 'text')
          .addColumn('revoked_at', 'bigint')
          .addColumn('revoked_by', 'text')
          .addColumn('app_version', 'text')
          .addColumn('queue_depth', 'integer')
          .addColumn('oldest_waiting_at', 'bigint')
          .addColumn('staff_id', 'text')
          .execute();
      } else await rebuildDevices(db);
      await db.schema.createIndex('devices_by_school').on('devices').columns(['school_id']).execute();
      await db.schema.alterTable('ops').addColumn('actor_kind', 'text').execute();
      await db.schema.alterTable('ops').addColumn('actor_id', 'text').execute();
    },
  },

  '0004-merge-audit-changes': {
    async up(db: Kysely<unknown>) {
      // Who set a record's status, and whether they knew of a door check-in: the merge rules need both.
      await db.schema
        .alterTable('attendance')
        .addColumn('status_by', 'text', (c) => c.notNull().defaultTo('door'))
        .execute();
      await db.schema
        .alterTable('attendance')
        .addColumn('status_saw_check_in', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('attendance')
        .addColumn('status_by_name', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('attendance').addColumn('last_actor_id', 'text').execute();
      await db.schema.alterTable('ops').addColumn('corrected_time', 'bigint').execute();
      await db.schema.alterTable('ops').addColumn('clock_offset', 'bigint').execute();
      await db.schema.alterTable('ops').addColumn('hlc', 'text').execute();
      await db.schema.alterTable('ops').addColumn('rule', 'text').execute();
      await db.schema.alterTable('ops').addColumn('conflict_id', 'text').execute();
      await db.schema
        .alterTable('notes')
        .addColumn('author', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .createTable('conflicts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('session', 'text', (c) => c.notNull())
        .addColumn('op_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('base', 'text', (c) => c.notNull())
        .addColumn('local', 'text', (c) => c.notNull())
        .addColumn('server', 'text', (c) => c.notNull())
        .addColumn('suggestion', 'text', (c) => c.notNull())
        .addColumn('confidence', 'real', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('local_by', 'text', (c) => c.notNull())
        .addColumn('server_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addColumn('resolved_by', 'text')
        .addColumn('resolution', 'text')
        .addColumn('note', 'text')
        .execute();
      await db.schema.createIndex('conflicts_open').on('conflicts').columns(['school_id', 'status', 'created_at']).execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', onPostgres(db) ? 'bigint' : 'integer', (c) => autoIncrementKey(db, c))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('session', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('op_id', 'text')
        .addColumn('rule', 'text')
        .addColumn('note', 'text')
        .addColumn('before', 'text', (c) => c.notNull())
        .addColumn('after', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_by_record')
        .on('audit_log')
        .columns(['school_id', 'student_id', 'date', 'session', 'version'])
        .execute();
      // The change feed: paged by this sequence number, never by a clock.
      await db.schema
        .createTable('changes')
        .addColumn('seq', onPostgres(db) ? 'bigint' : 'integer', (c) => autoIncrementKey(db, c))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('changes_by_school').on('changes').columns(['school_id', 'seq']).execute();
    },
  },

  '0005-change-origin': {
    async up(db: Kysely<unknown>) {
      // The device whose op made a change, and whether that device already holds the result:
      // the feed leaves such echoes out of that device's pulls (on a slow link every byte counts).
      await db.schema.alterTable('changes').addColumn('origin_device', 'text').execute();
      await db.schema
        .alterTable('changes')
        .addColumn('echo', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },

  '0006-no-logical-clock': {
    async up(db: Kysely<unknown>) {
      // Ops are ordered by (device, seq) and by corrected time; the logical clock stored here was never read.
      await db.schema.alterTable('ops').dropColumn('hlc').execute();
    },
  },

  '0007-failed-attempts': {
    async up(db: Kysely<unknown>) {
      // Sign-in and pairing limits count here, not in a process's memory: every process behind a load balancer sees one count.
      await db.schema
        .createTable('failed_attempts')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('failed_attempts_by_key').on('failed_attempts').columns(['scope', 'key_hash', 'at']).execute();
    },
  },

  '0008-keys-lead-with-the-day': {
    async up(db: Kysely<unknown>) {
      // A record's key and its audit and note indexes led with the student's random id, so each op of a batch
      // dirtied a different page of a tree that grows all year. Led by (school, date, session), a morning's
      // writes land together at the end of each tree, whatever the year holds before them.
      if (onPostgres(db)) {
        await sql`alter table attendance drop constraint attendance_pk`.execute(db);
        await sql`alter table attendance add constraint attendance_pk primary key (school_id, date, session, student_id)`.execute(db);
      } else await rebuildAttendance(db);
      await db.schema.dropIndex('attendance_by_school_date').ifExists().execute();
      await db.schema.dropIndex('audit_by_record').execute();
      await db.schema
        .createIndex('audit_by_record')
        .on('audit_log')
        .columns(['school_id', 'date', 'session', 'student_id', 'version'])
        .execute();
      await db.schema.dropIndex('notes_by_record').execute();
      await db.schema.createIndex('notes_by_record').on('notes').columns(['school_id', 'date', 'session', 'student_id']).execute();
    },
  },

  '0009-known-sign-in-addresses': {
    async up(db: Kysely<unknown>) {
      // Where each person last signed in: strangers' failures elsewhere never stop them there.
      await db.schema
        .createTable('known_sign_in_addresses')
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
        .addColumn('address_hash', 'text', (c) => c.notNull())
        .addColumn('last_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('known_sign_in_addresses_key', ['staff_id', 'address_hash'])
        .execute();
    },
  },

  '0010-a-school-of-its-own': {
    async up(db: Kysely<unknown>) {
      // What a real school sets up for itself instead of the demo's fixed day: when the day starts, how long after the
      // bell a check-in is still on time, its periods, its days without school, and the ids its SIS knows things by.
      await db.schema.alterTable('schools').addColumn('source_id', 'text').execute();
      await db.schema
        .alterTable('schools')
        .addColumn('day_start', 'text', (c) => c.notNull().defaultTo('07:30'))
        .execute();
      await db.schema
        .alterTable('schools')
        .addColumn('late_grace_minutes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // ISO weekdays (1 Monday … 7 Sunday) without school, comma-separated.
      await db.schema
        .alterTable('schools')
        .addColumn('weekdays_off', 'text', (c) => c.notNull().defaultTo('6,7'))
        .execute();
      await db.schema
        .alterTable('schools')
        .addColumn('settings_version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('schools_by_source').on('schools').column('source_id').unique().execute();

      await db.schema
        .createTable('school_periods')
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('school_periods_key', ['school_id', 'name'])
        .execute();
      await db.schema
        .createTable('school_closures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('first_day', 'text', (c) => c.notNull())
        .addColumn('last_day', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('school_closures_by_school').on('school_closures').columns(['school_id', 'first_day']).execute();

      await db.schema
        .createTable('homerooms')
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('homerooms_key', ['school_id', 'name'])
        .execute();
      await db.schema.createIndex('homerooms_by_source').on('homerooms').columns(['school_id', 'source_id']).unique().execute();
      await sql`INSERT INTO homerooms (school_id, name, created_at)
                SELECT school_id, homeroom, MIN(created_at) FROM students GROUP BY school_id, homeroom`.execute(db);

      await db.schema.alterTable('students').addColumn('source_id', 'text').execute();
      await db.schema
        .alterTable('students')
        .addColumn('given_name', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('students')
        .addColumn('family_name', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('students').addColumn('grade', 'text').execute();
      // Set when the student left the school: kept with all their history, off the kiosks' roster.
      await db.schema.alterTable('students').addColumn('left_at', 'bigint').execute();
      await db.schema.alterTable('students').addColumn('updated_at', 'bigint').execute();
      await db.schema.createIndex('students_by_source').on('students').columns(['school_id', 'source_id']).unique().execute();

      await db.schema.alterTable('staff').addColumn('source_id', 'text').execute();
      await db.schema.alterTable('staff').addColumn('deactivated_at', 'bigint').execute();
      await db.schema.createIndex('staff_by_source').on('staff').column('source_id').unique().execute();
      await db.schema
        .createTable('staff_homerooms')
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('homeroom', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('staff_homerooms_key', ['staff_id', 'school_id', 'homeroom'])
        .execute();

      // A kiosk is retired rather than deleted: its devices' history stays readable.
      await db.schema.alterTable('kiosks').addColumn('retired_at', 'bigint').execute();
      await db.schema
        .alterTable('kiosks')
        .addColumn('scan_mode', 'text', (c) => c.notNull().defaultTo('keyboard'))
        .execute();
      await db.schema
        .alterTable('kiosks')
        .addColumn('direction', 'text', (c) => c.notNull().defaultTo('entrance'))
        .execute();

      // Everything a person changes outside attendance (students, staff, kiosks, settings, imports), append-only.
      await db.schema
        .createTable('admin_log')
        .addColumn('id', onPostgres(db) ? 'bigint' : 'integer', (c) => autoIncrementKey(db, c))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_log_by_school').on('admin_log').columns(['school_id', 'at']).execute();
    },
  },

  '0011-sessions-before-a-school': {
    async up(db: Kysely<unknown>) {
      // The first admin of an empty server signs in before any school exists, to create one: their session acts for
      // no school until then. SQLite cannot relax a column in place, so the table is rebuilt (as 0003 did for devices).
      if (onPostgres(db)) {
        await db.schema
          .alterTable('staff_sessions')
          .alterColumn('school_id', (c) => c.dropNotNull())
          .execute();
      } else await rebuildStaffSessions(db);
      // Every school before set-up kept the fixed periods P1–P6: they stay its timetable (with the demo's times, which
      // an admin can change), so its period registers stay on the roll.
      const times = [
        ['P1', '08:10', '09:00'],
        ['P2', '09:05', '09:55'],
        ['P3', '10:15', '11:05'],
        ['P4', '11:10', '12:00'],
        ['P5', '13:00', '13:50'],
        ['P6', '13:55', '14:45'],
      ];
      const { rows } = await sql<{ id: string }>`SELECT id FROM schools
        WHERE NOT EXISTS (SELECT 1 FROM school_periods WHERE school_periods.school_id = schools.id)`.execute(db);
      for (const { id } of rows)
        for (const [position, [name, startsAt, endsAt]] of times.entries())
          await sql`INSERT INTO school_periods (school_id, name, starts_at, ends_at, position)
                    VALUES (${id}, ${name}, ${startsAt}, ${endsAt}, ${position})`.execute(db);
    },
  },

  '0012-op-ids-per-school': {
    async up(db: Kysely<unknown>) {
      // An op id is the sending device's to choose: one school's ops never collide with, or reveal, another's.
      // Notes are keyed by the op that wrote them, so they follow.
      if (onPostgres(db)) {
        await sql`alter table ops drop constraint ops_pkey`.execute(db);
        await sql`alter table ops add constraint ops_pkey primary key (school_id, op_id)`.execute(db);
        await sql`alter table notes drop constraint notes_pkey`.execute(db);
        await sql`alter table notes add constraint notes_pkey primary key (school_id, op_id)`.execute(db);
      } else await rebuildOpsAndNotes(db);
    },
  },

  '0013-change-numbers-per-school': {
    async up(db: Kysely<unknown>) {
      // A school's changes are numbered by a counter on its own row, taken by each writer under the school's row lock:
      // the cursors a device or a page is given count that school's changes only, not every school's on the server.
      // Rows already written keep the number they had (their seq), so every cursor a device holds stays good.
      await db.schema
        .alterTable('schools')
        .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('changes')
        .addColumn('school_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`UPDATE changes SET school_seq = seq`.execute(db);
      await sql`UPDATE schools SET change_seq = COALESCE((SELECT MAX(seq) FROM changes WHERE changes.school_id = schools.id), 0)`.execute(
        db,
      );
      await db.schema.dropIndex('changes_by_school').execute();
      await db.schema.createIndex('changes_by_school_seq').on('changes').columns(['school_id', 'school_seq']).execute();
    },
  },

  '0014-retention': {
    async up(db: Kysely<unknown>) {
      // How long the school keeps its records (src/shared/retention.ts): by default this school year and the last.
      await db.schema
        .alterTable('schools')
        .addColumn('keep_school_years', 'integer', (c) => c.notNull().defaultTo(2))
        .execute();
      await db.schema
        .alterTable('schools')
        .addColumn('school_year_starts', 'text', (c) => c.notNull().defaultTo('08-01'))
        .execute();
      await db.schema
        .alterTable('schools')
        .addColumn('refused_keep_days', 'integer', (c) => c.notNull().defaultTo(30))
        .execute();
      // Pruning finds the oldest rows of a school by time.
      await db.schema.createIndex('ops_by_school_received').on('ops').columns(['school_id', 'received_at']).execute();
      await db.schema.createIndex('admin_log_by_school_at').on('admin_log').columns(['school_id', 'at']).execute();
    },
  },

  '0015-emergency-roll-calls': {
    async up(db: Kysely<unknown>) {
      // One row per roll call (src/shared/roll-call.ts); starts made while it runs join it.
      await db.schema
        .createTable('roll_calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('ended_by', 'text')
        .execute();
      await db.schema.createIndex('roll_calls_by_school_date').on('roll_calls').columns(['school_id', 'date']).execute();
      // The found ticks: one per student and roll call, the earliest kept. By card number, as the ops are, so a
      // roster change never breaks a roll call already taken.
      await db.schema
        .createTable('roll_call_ticks')
        .addColumn('roll_call_id', 'text', (c) => c.notNull().references('roll_calls.id'))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_number', 'text', (c) => c.notNull())
        .addColumn('found_at', 'bigint', (c) => c.notNull())
        .addColumn('found_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('roll_call_ticks_pk', ['roll_call_id', 'student_number'])
        .execute();
    },
  },

  '0016-reasons': {
    async up(db: Kysely<unknown>) {
      // The school's absence reasons (src/shared/reasons.ts); a school with none listed has the defaults. A reason taken off the list is kept, retired:
      // a device that offered it before it heard of the change still sends it, and that mark is taken.
      await db.schema
        .createTable('absence_reasons')
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('absence_reasons_pk', ['school_id', 'code'])
        .execute();
      // A record keeps its absence reason's code and the words it was marked with, and why the student checked out.
      await db.schema.alterTable('attendance').addColumn('status_reason', 'text').execute();
      await db.schema.alterTable('attendance').addColumn('status_reason_text', 'text').execute();
      await db.schema.alterTable('attendance').addColumn('check_out_reason', 'text').execute();
      await db.schema.alterTable('ops').addColumn('reason', 'text').execute();
    },
  },

  '0017-device-health': {
    async up(db: Kysely<unknown>) {
      // What a device reports of its health with each batch (src/shared/sync-headers.ts HEALTH_HEADER).
      for (const [column, type] of [
        ['link_score', 'integer'],
        ['link_label', 'text'],
        ['storage_free', 'bigint'],
        ['recent_failures', 'text'],
      ] as const)
        await db.schema.alterTable('devices').addColumn(column, type).execute();
      // Counted in each batch's transaction, one row per device and school day, for GET /api/stats.
      await db.schema
        .createTable('device_stats')
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('ops_received', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('refusals', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('conflicts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('bytes_received', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('device_stats_pkey', ['school_id', 'date', 'device_id'])
        .execute();
    },
  },

  '0018-roll-call-undo': {
    async up(db: Kysely<unknown>) {
      // A marshal can undo a tick (src/shared/roll-call.ts): the latest tick, where later than the first, and the latest undo.
      await db.schema.alterTable('roll_call_ticks').addColumn('last_found_at', 'bigint').execute();
      await db.schema
        .createTable('roll_call_undos')
        .addColumn('roll_call_id', 'text', (c) => c.notNull().references('roll_calls.id'))
        .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
        .addColumn('student_number', 'text', (c) => c.notNull())
        .addColumn('undone_at', 'bigint', (c) => c.notNull())
        .addColumn('undone_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('roll_call_undos_pk', ['roll_call_id', 'student_number'])
        .execute();
    },
  },
};

/**
 * A key the database numbers itself: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT
 * (64-bit, never reused), PostgreSQL's bigint identity.
 */
function autoIncrementKey(db: Kysely<unknown>, column: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return onPostgres(db) ? column.primaryKey().generatedByDefaultAsIdentity() : column.primaryKey().autoIncrement();
}

/** 0003 on SQLite: `devices` rebuilt with `kiosk_id` nullable and the pairing columns. */
async function rebuildDevices(db: Kysely<unknown>): Promise<void> {
  await rebuildingTables(db, 'devices', async () => {
    await db.schema
      .createTable('devices_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
      .addColumn('kiosk_id', 'text', (c) => c.references('kiosks.id'))
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('kiosk'))
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('paired_at', 'bigint')
      .addColumn('paired_by', 'text')
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_by', 'text')
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('app_version', 'text')
      .addColumn('queue_depth', 'integer')
      .addColumn('oldest_waiting_at', 'bigint')
      .addColumn('staff_id', 'text')
      .execute();
    await sql`INSERT INTO devices_next (id, school_id, kiosk_id, first_seen_at, last_seen_at, last_seq)
            SELECT id, school_id, kiosk_id, first_seen_at, last_seen_at, last_seq FROM devices`.execute(db);
    await sql`DROP TABLE devices`.execute(db);
    await sql`ALTER TABLE devices_next RENAME TO devices`.execute(db);
  });
}

/** 0011 on SQLite: `staff_sessions` rebuilt with `school_id` nullable, every session kept. */
async function rebuildStaffSessions(db: Kysely<unknown>): Promise<void> {
  await rebuildingTables(db, 'staff_sessions', async () => {
    await db.schema
      .createTable('staff_sessions_next')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('school_id', 'text', (c) => c.references('schools.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO staff_sessions_next (id_hash, staff_id, school_id, created_at, expires_at)
            SELECT id_hash, staff_id, school_id, created_at, expires_at FROM staff_sessions`.execute(db);
    await sql`DROP TABLE staff_sessions`.execute(db);
    await sql`ALTER TABLE staff_sessions_next RENAME TO staff_sessions`.execute(db);
  });
}

/**
 * 0008 on SQLite: `attendance` rebuilt under its new key, every row kept.
 * SQLite cannot change a primary key in place (https://www.sqlite.org/lang_altertable.html#otheralter).
 */
async function rebuildAttendance(db: Kysely<unknown>): Promise<void> {
  await rebuildingTables(db, 'attendance', async () => {
    await db.schema
      .createTable('attendance_next')
      .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
      .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('session', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('check_in_at', 'bigint')
      .addColumn('check_in_op_id', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('check_out_at', 'bigint')
      .addColumn('check_out_op_id', 'text')
      .addColumn('status_by', 'text', (c) => c.notNull().defaultTo('door'))
      .addColumn('status_saw_check_in', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('status_by_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('last_actor_id', 'text')
      .addPrimaryKeyConstraint('attendance_pk', ['school_id', 'date', 'session', 'student_id'])
      .execute();
    const columns = sql.raw(
      'school_id, student_id, date, session, status, check_in_at, check_in_op_id, version, updated_at, ' +
        'check_out_at, check_out_op_id, status_by, status_saw_check_in, status_by_name, last_actor_id',
    );
    await sql`INSERT INTO attendance_next (${columns}) SELECT ${columns} FROM attendance ORDER BY school_id, date, session, student_id`.execute(
      db,
    );
    await sql`DROP TABLE attendance`.execute(db);
    await sql`ALTER TABLE attendance_next RENAME TO attendance`.execute(db);
  });
}

/**
 * 0012 on SQLite: `ops` and `notes` rebuilt keyed by (school_id, op_id), every row kept.
 * SQLite cannot change a primary key in place (https://www.sqlite.org/lang_altertable.html#otheralter).
 */
async function rebuildOpsAndNotes(db: Kysely<unknown>): Promise<void> {
  await rebuildingTables(db, 'ops', async () => {
    await db.schema
      .createTable('ops_next')
      .addColumn('op_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('seq', 'bigint')
      .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('student_number', 'text', (c) => c.notNull())
      .addColumn('device_time', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('session', 'text', (c) => c.notNull().defaultTo('day'))
      .addColumn('mark_status', 'text')
      .addColumn('note_text', 'text')
      .addColumn('base_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('actor_kind', 'text')
      .addColumn('actor_id', 'text')
      .addColumn('corrected_time', 'bigint')
      .addColumn('clock_offset', 'bigint')
      .addColumn('rule', 'text')
      .addColumn('conflict_id', 'text')
      .addPrimaryKeyConstraint('ops_pkey', ['school_id', 'op_id'])
      .addUniqueConstraint('ops_device_seq', ['device_id', 'seq'])
      .execute();
    const opColumns = sql.raw(
      'op_id, device_id, seq, school_id, kind, student_number, device_time, received_at, status, code, session, mark_status, ' +
        'note_text, base_version, actor_kind, actor_id, corrected_time, clock_offset, rule, conflict_id',
    );
    await sql`INSERT INTO ops_next (${opColumns}) SELECT ${opColumns} FROM ops`.execute(db);
    await db.schema
      .createTable('notes_next')
      .addColumn('op_id', 'text', (c) => c.notNull())
      .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
      .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('session', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('written_at', 'bigint', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull().defaultTo(''))
      .addPrimaryKeyConstraint('notes_pkey', ['school_id', 'op_id'])
      .execute();
    const noteColumns = sql.raw('op_id, school_id, student_id, date, session, text, device_id, written_at, author');
    await sql`INSERT INTO notes_next (${noteColumns}) SELECT ${noteColumns} FROM notes`.execute(db);
    // The indexes go with the old tables; the ones the queries lean on are made again.
    const indexes = await sql<{ name: string; sql: string }>`
    SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('ops', 'notes') AND sql IS NOT NULL`.execute(db);
    await sql`DROP TABLE ops`.execute(db);
    await sql`DROP TABLE notes`.execute(db);
    await sql`ALTER TABLE ops_next RENAME TO ops`.execute(db);
    await sql`ALTER TABLE notes_next RENAME TO notes`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
  });
}

/**
 * SQLite's way to change what ALTER TABLE cannot (https://www.sqlite.org/lang_altertable.html#otheralter):
 * `rebuild` makes the new tables, copies every row and renames them into place, in one transaction with foreign
 * keys off, and every reference must still hold before it commits.
 */
async function rebuildingTables(db: Kysely<unknown>, what: string, rebuild: () => Promise<void>): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  await sql`BEGIN`.execute(db);
  try {
    await rebuild();
    const broken = await sql`PRAGMA foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error(`${what} rebuild broke ${broken.rows.length} references`);
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db);
    throw error;
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}
