import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  test: {
    root,
    projects: [
      {
        test: {
          name: 'unit',
          root,
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
          // Beside the server project (two databases) on two shared cores, the outbox's IndexedDB tests can take over 5 s.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'server',
          root,
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          // Finds PostgreSQL once; each file then gets a database of its own there, dropped after it.
          globalSetup: ['tests/support/postgres-global-setup.ts'],
          setupFiles: ['tests/support/server-setup.ts'],
          // Sign-in tests hash with scrypt on purpose, on a machine with two shared cores.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root,
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One browser at a time: the machine has two cores.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
