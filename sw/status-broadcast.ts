/** Tells every open page how the outbox stands. */
import type { WorkerStatus } from '../src/shared/worker-messages.ts';

export async function broadcast(clients: Clients, status: WorkerStatus): Promise<void> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) client.postMessage(status);
}
