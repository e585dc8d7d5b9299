/**
 * `WORKERS=N`: the primary process forks N server processes that share the
 * port (node:cluster hands connections out in turn) and does nothing else:
 * it holds no database pool and serves no request. A process that dies is
 * replaced after a pause that grows while they keep dying (1 s doubling to
 * 30 s), so a crash loop does not spin; a process that stops because the
 * configuration is wrong stops them all, since every other would fail alike.
 * SIGTERM or SIGINT asks each process to finish what it holds and exit.
 */
import cluster from 'node:cluster';

const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;
/** A process that ran this long before dying counts as a fresh start, not part of a crash loop. */
const STEADY_MS = 60_000;
/** The exit code of a process whose configuration is wrong (see main.ts). */
const CONFIG_EXIT_CODE = 2;

/** Forks `count` workers; resolves with the shared port once every one is listening. */
export function superviseWorkers(count: number): Promise<number> {
  let stopping = false;
  let crashesInARow = 0;
  const startedAt = new Map<number, number>();
  const fork = (): void => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };
  const running = (): number => Object.keys(cluster.workers ?? {}).length;
  const stopAll = (code: number): void => {
    stopping = true;
    process.exitCode = code;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (running() === 0) process.exit(code);
  };
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));

  return new Promise((resolve) => {
    const listening = new Set<number>();
    let port: number | null = null;
    cluster.on('listening', (worker, address) => {
      listening.add(worker.id);
      port ??= address.port;
      if (listening.size === count) resolve(port);
    });
    cluster.on('exit', (worker, code, signal) => {
      const ranFor = Date.now() - (startedAt.get(worker.id) ?? Date.now());
      startedAt.delete(worker.id);
      if (stopping) {
        if (running() === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      if (code === CONFIG_EXIT_CODE) {
        console.error('Doorline: a server process refused its configuration; stopping every process.');
        stopAll(CONFIG_EXIT_CODE);
        return;
      }
      crashesInARow = ranFor >= STEADY_MS ? 1 : crashesInARow + 1;
      const pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (crashesInARow - 1));
      console.error(
        `Doorline: a server process stopped (${signal ?? `exit code ${code}`}); starting another in ${Math.round(pause / 1000)} s.`,
      );
      setTimeout(() => {
        if (!stopping) fork();
      }, pause);
    });
    for (let i = 0; i < count; i++) fork();
  });
}
