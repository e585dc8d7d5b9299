import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { e2eVerdict } from './e2e/support/chromium-check.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// Without Chromium the end-to-end files are left out with one line, or, under CI=true, fail in their global set-up.
const e2e = e2eVerdict(process.env);
if ('skip' in e2e) console.warn(e2e.skip);

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
          // A file's set-up seeds a school or two (600 students each) on both databases.
          hookTimeout: 30_000,
        },
      },
      ...('skip' in e2e
        ? []
        : [
            {
              test: {
                name: 'e2e',
                root,
                include: ['tests/e2e/**/*.test.ts'],
                environment: 'node',
                globalSetup: ['tests/e2e/support/chromium-check.ts'],
                // One browser at a time: the machine has two cores.
                fileParallelism: false,
                testTimeout: 120_000,
                hookTimeout: 60_000,
              },
            },
          ]),
    ],
  },
});
