/** The one upgrade path. Migrations are append-only: never edit one that has shipped. */
import type { Kysely, Migration } from 'kysely';

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
      await db.schema.alterTable('ops').addColumn('session', 'text', (c) => c.notNull().defaultTo('day')).execute();
      await db.schema.alterTable('ops').addColumn('mark_status', 'text').execute();
      await db.schema.alterTable('ops').addColumn('note_text', 'text').execute();
      await db.schema.alterTable('ops').addColumn('base_version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
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
};
