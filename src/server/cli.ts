/**
 * Doorline's command line, for jobs such as the nightly roster import:
 *
 *   npm run doorline -- import-roster PATH [--school NAME] [--time-zone ZONE] [--dry-run]
 *
 * It opens the server's database (DATABASE_URL, or the SQLite file) and
 * migrates it, then prints ONE JSON line with what was (or, with --dry-run,
 * would be) imported and every problem. Exit codes: 0 imported (or checked,
 * with --dry-run, without problems); 1 the export has problems, nothing
 * changed; 2 the command or configuration is wrong; 3 the database cannot be
 * reached.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DoorlineError, type ErrorCode } from '../shared/error-codes.ts';
import { loadConfig } from './config.ts';
import { connectDatabase, migrate } from './db/open-database.ts';
import { readExportPath } from './roster/export-files.ts';
import { isOneRosterExport, readOneRoster } from './roster/oneroster-reader.ts';
import { runRosterImport } from './roster/roster-import.ts';
import { problem } from './roster/roster-problems.ts';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = 'usage: doorline import-roster PATH [--school NAME] [--time-zone ZONE] [--dry-run]';

class UsageError extends Error {}

async function importRoster(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { school: { type: 'string' }, 'time-zone': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [where, ...extra] = parsed.positionals;
  if (where === undefined || extra.length > 0) throw new UsageError('name one .zip file or folder');
  const dryRun = parsed.values['dry-run'] === true;
  const files = await readExportPath(where).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${where}: ${error.code ?? error.message}`);
  });
  const db = await connectDatabase(loadConfig(process.env, appRoot).database);
  try {
    await migrate(db);
    const incoming =
      files !== null && isOneRosterExport(files)
        ? readOneRoster(files, parsed.values.school === undefined ? {} : { school: parsed.values.school })
        : { schools: [], problems: [problem('not-an-export', path.basename(where))] };
    const hash = createHash('sha256');
    for (const [name, bytes] of [...(files ?? new Map<string, Uint8Array>())].sort(([a], [b]) => a.localeCompare(b)))
      hash.update(name).update(bytes);
    const report = await runRosterImport(db, incoming, {
      apply: !dryRun,
      fileHash: hash.digest('hex'),
      actor: { id: null, name: 'Roster import (command line)' },
      now: Date.now(),
      create: { timeZone: parsed.values['time-zone'] },
    });
    const line = {
      dryRun,
      schools: report.schools.map((s) => ({
        sourcedId: s.sourcedId,
        name: s.name,
        created: s.created,
        students: s.students,
        homerooms: s.homerooms,
        staff: s.staff,
      })),
      problems: report.problems,
    };
    console.log(JSON.stringify(line));
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

/** Which exit code a failure gets: see the header. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = { 'invalid-config': 2, 'database-unsupported': 2, 'database-unreachable': 3 };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import-roster') return importRoster(rest);
  throw new UsageError(command === undefined ? 'name a command' : `unknown command "${command}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`doorline: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof DoorlineError) {
      console.error(`doorline: ${error.message} [${error.code}]`);
      process.exitCode = EXIT_CODES[error.code] ?? 1;
    } else {
      console.error('doorline: the command failed:', error);
      process.exitCode = 1;
    }
  },
);
