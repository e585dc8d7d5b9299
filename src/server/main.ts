/** Starts Doorline: configuration, database, demo school, HTTP (in one process, or in WORKERS processes under cluster.ts). */
import cluster from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DoorlineError, type ErrorCode } from '../shared/error-codes.ts';
import { messageOf } from '../shared/error-messages.ts';
import { buildApp } from './app.ts';
import { superviseWorkers } from './cluster.ts';
import { loadConfig, type Config } from './config.ts';
import { connectDatabase, migrate, underStartUpLock, type Db } from './db/open-database.ts';
import { ensureFirstAdmin } from './auth/accounts.ts';
import { DEMO_ACCOUNTS, demoPairingCode, ensureDemoAccounts, ensureDemoSchool } from './demo-school.ts';

// The bundle lives in dist/server/; the app root is two folders up.
const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

type StartUp = Awaited<ReturnType<typeof prepareDatabase>>;

/** Migrates and seeds; several processes starting together on one PostgreSQL database: one does it, the others then find it done. */
async function prepareDatabase(config: Config) {
  const db = await connectDatabase(config.database);
  const facts = await underStartUpLock(db, async (db) => {
    await migrate(db);
    const seed = config.seedDemo ? await ensureDemoSchool(db) : undefined;
    // Before the demo accounts: a fresh server always gets its own admin with a one-time password.
    const firstAdmin = await ensureFirstAdmin(db);
    const demoAccounts = config.seedDemo ? await ensureDemoAccounts(db, Date.now(), config.demoPasswords) : [];
    const pairing = config.seedDemo ? await demoPairingCode(db) : null;
    return { seed, firstAdmin, demoAccounts, pairing };
  });
  return { db, ...facts };
}

/** Records older than a school keeps are deleted at start-up and every six hours (retention.ts). */
const PRUNE_EVERY_MS = 6 * 3_600_000;

/** Serves HTTP on an open database until SIGTERM or SIGINT, then finishes what it holds. */
async function serve(config: Config, db: Db): Promise<string> {
  const app = await buildApp({
    db,
    publicDir: config.publicDir,
    logLevel: config.logLevel,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    publicOrigin: config.publicOrigin,
    pruneEveryMs: PRUNE_EVERY_MS,
  });
  const close = async (): Promise<void> => {
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  return app.listen({ port: config.port, host: config.host });
}

/** What a person starting the server needs to know, printed once however many processes serve. */
function announce(config: Config, port: number, startUp: Omit<StartUp, 'db'>): void {
  const { seed, firstAdmin, demoAccounts, pairing } = startUp;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  if (seed) {
    console.log(
      seed.created
        ? `Created the demo school "${seed.schoolName}" with ${seed.studentCount} students and the kiosk "${seed.kioskName}".`
        : `Using "${seed.schoolName}" (${seed.studentCount} students) from ${config.database.kind === 'sqlite' ? config.database.file : config.database.shown}.`,
    );
  }
  const listening = `http://${shown}:${port}`;
  console.log(
    `Doorline is listening on ${listening}${config.workers > 1 ? ` (${config.workers} server processes)` : ''}${config.publicOrigin ? ` (opened at ${config.publicOrigin})` : ''}`,
  );
  const base = config.publicOrigin ?? listening;
  if (firstAdmin) {
    console.log(`First start: sign in at ${base}/sign-in as "${firstAdmin.email}" with the one-time password ${firstAdmin.password}`);
    console.log('  (shown only now; you choose a new password at the first sign-in).');
    if (!seed) console.log(`  There is no school yet: after signing in you are taken to ${base}/setup to create yours.`);
  }
  if (demoAccounts.length > 0) {
    console.log(`Demo accounts (sign-in / password): ${demoAccounts.map((a) => `${a.email} / ${a.password}`).join(', ')}`);
    console.log('  (their passwords are shown only now; an admin can set new ones on the staff page).');
  } else if (seed) console.log(`Demo accounts: ${DEMO_ACCOUNTS.map((a) => a.email).join(', ')} (passwords as shown at the first start).`);
  if (pairing)
    console.log(
      `Open the door kiosk at ${base}/kiosk and pair it as "${pairing.kioskName}" with the code ${pairing.code} (valid 15 minutes; an admin makes new ones at ${base}/admin).`,
    );
  console.log(`Teachers take the roll at ${base}/roll; the office works at ${base}/office; admins pair kiosks at ${base}/admin.`);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, appRoot);
  if (cluster.isWorker) {
    // The primary has migrated and seeded, and speaks for every process.
    await serve(config, await connectDatabase(config.database));
    return;
  }
  const { db, ...startUp } = await prepareDatabase(config);
  if (config.workers === 1) {
    announce(config, Number(new URL(await serve(config, db)).port), startUp);
    return;
  }
  // The primary only forks and watches: its pool goes before the workers open theirs.
  await db.destroy();
  announce(config, await superviseWorkers(config.workers), startUp);
}

/**
 * Exit codes, for whoever supervises the process: 2 the configuration is
 * wrong (fix the environment), 3 the database cannot be reached (it may
 * come up: retrying makes sense), 1 anything else.
 */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = { 'invalid-config': 2, 'database-unsupported': 2, 'database-unreachable': 3 };

main().catch((error: unknown) => {
  if (error instanceof DoorlineError) {
    console.error(`Doorline cannot start: ${messageOf(error)} [${error.code}]`);
    process.exit(EXIT_CODES[error.code] ?? 1);
  }
  console.error('Doorline cannot start:', error);
  process.exit(1);
});
