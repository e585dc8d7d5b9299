/** Starts Doorline: configuration, database, demo school, HTTP. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DoorlineError } from '../shared/error-codes.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { migrate, openDatabase } from './db/open-database.ts';
import { ensureFirstAdmin } from './auth/accounts.ts';
import { DEMO_ACCOUNTS, demoPairingCode, ensureDemoAccounts, ensureDemoSchool } from './demo-school.ts';

// The bundle lives in dist/server/; the app root is two folders up.
const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const config = loadConfig(process.env, appRoot);
  const db = openDatabase(config.database);
  await migrate(db);
  const seed = config.seedDemo ? await ensureDemoSchool(db) : undefined;
  // Before the demo accounts: a fresh server always gets its own admin with a one-time password.
  const firstAdmin = await ensureFirstAdmin(db);
  if (config.seedDemo) await ensureDemoAccounts(db);
  const pairing = config.seedDemo ? await demoPairingCode(db) : null;
  const app = await buildApp({ db, publicDir: config.publicDir, logLevel: process.env.LOG_LEVEL ?? 'warn', trustProxy: config.trustProxy });

  const close = async (): Promise<void> => {
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);

  const address = await app.listen({ port: config.port, host: config.host });
  const port = new URL(address).port;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  if (seed) {
    console.log(
      seed.created
        ? `Created the demo school "${seed.schoolName}" with ${seed.studentCount} students and the kiosk "${seed.kioskName}".`
        : `Using "${seed.schoolName}" (${seed.studentCount} students) from ${config.database.file}.`,
    );
  }
  const base = `http://${shown}:${port}`;
  console.log(`Doorline is listening on ${base}`);
  if (firstAdmin) {
    console.log(`First start: sign in at ${base}/sign-in as "${firstAdmin.email}" with the one-time password ${firstAdmin.password}`);
    console.log('  (shown only now; you choose a new password at the first sign-in).');
  }
  if (seed) console.log(`Demo accounts (sign-in / password): ${DEMO_ACCOUNTS.map((a) => `${a.email} / ${a.password}`).join(', ')}`);
  if (pairing)
    console.log(
      `Open the door kiosk at ${base}/kiosk and pair it as "${pairing.kioskName}" with the code ${pairing.code} (valid 24 hours).`,
    );
  console.log(`Teachers take the roll at ${base}/roll; the office works at ${base}/office; admins pair kiosks at ${base}/admin.`);
}

main().catch((error: unknown) => {
  if (error instanceof DoorlineError) console.error(`doorline: ${error.message} [${error.code}]`);
  else console.error('doorline: could not start:', error);
  process.exit(1);
});
