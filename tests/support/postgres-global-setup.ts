/**
 * Once per run of the server project: is PostgreSQL there? Its runs of the
 * contract suite are required under CI (CI=true), and skipped, saying so,
 * on a machine without it.
 */
import type { TestProject } from 'vitest/node';
import { postgresHost, postgresProblem } from './postgres-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether the server tests run on PostgreSQL as well as on SQLite. */
    postgres: boolean;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const problem = await postgresProblem();
  if (problem !== null && process.env.CI === 'true') {
    throw new Error(`PostgreSQL is required under CI=true but is not reachable at ${postgresHost()}: ${problem}`);
  }
  if (problem !== null)
    console.log(`PostgreSQL is not reachable at ${postgresHost()}: its runs are skipped (CI=true makes them required). (${problem})`);
  project.provide('postgres', problem === null);
}
