/** Tells every open page how the outbox stands, and what the change feed brought. */
import type { ChangesPulled, WorkerStatus } from '../src/shared/worker-messages.ts';

async function toEveryPage(clients: Clients, message: WorkerStatus | ChangesPulled): Promise<void> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) client.postMessage(message);
}

export function broadcast(clients: Clients, status: WorkerStatus): Promise<void> {
  return toEveryPage(clients, status);
}

export function broadcastChanges(clients: Clients, pulled: ChangesPulled): Promise<void> {
  return toEveryPage(clients, pulled);
}
