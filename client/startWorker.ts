/** The worker `npm start` runs and supervises (loaded once the Temporal server is on its way: the worker SDK takes a while to load). */
import type { NativeConnection } from '@temporalio/worker';
import type { MailTransport } from '../activities';
import type { AppConfig } from '../infra/config';
import { connectWorker } from '../infra/connection';
import type { Store } from '../store/types';
import { createConfiguredWorker } from '../worker/worker';
import type { Running } from './supervisor';

export async function runWorker(c: AppConfig, transport: MailTransport, store: Store): Promise<Running> {
  const connection: NativeConnection = await connectWorker(c);
  const worker = await createConfiguredWorker(c, connection, transport, store);
  const run = worker.run();
  const ended = run.then(
    () => 'it shut down',
    (e) => (e as Error).message.split('\n')[0],
  );
  return {
    ended,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      await connection.close();
    },
  };
}
