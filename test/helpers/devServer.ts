/** Test harness on the real dev server (Temporal CLI, SQLite file): server, mail sink, client, workers. */
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ensureSearchAttributes } from '../../client/cycles';
import { smtpTransport } from '../../infra/connection';
import { freePort, startDevServer, type DevServer } from '../../infra/devServer';
import { requireProvisioned } from '../../infra/provision';
import { MailSink } from '../../infra/smtpSink';
import type { Store } from '../../store/types';
import { createCycleWorker } from '../../worker/worker';
import { quietRuntime, tempDir, workflowBundle } from './temporal';

export interface DevHarness {
  dir: string;
  dbFile: string;
  port: number;
  server: DevServer;
  sink: MailSink;
  client: Client;
  /** Start an in-process worker (the current code unless a bundle is given); stop it with its `stop`. */
  startWorker(opts: { taskQueue: string; bundle?: WorkflowBundleWithSourceMap; ledgerDir?: string; identity?: string; store?: Store; reportsDir?: string }): Promise<{ worker: Worker; stop(): Promise<void> }>;
  /** Kill the server as a crash would and start it again on the same SQLite file. */
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDevHarness(name: string): Promise<DevHarness> {
  quietRuntime();
  const dir = tempDir(name);
  const dbFile = path.join(dir, 'temporal.sqlite');
  const port = await freePort();
  const provisioned = requireProvisioned('dev');
  const start = () => startDevServer({ dbFile, port, server: provisioned, logFile: path.join(dir, 'server.log') });
  const sink = await new MailSink().start();
  const h: DevHarness = {
    dir,
    dbFile,
    port,
    server: await start(),
    sink,
    client: undefined as unknown as Client,
    async startWorker(opts) {
      const connection = await NativeConnection.connect({ address: h.server.address });
      const transport = smtpTransport(sink.url);
      const worker = await createCycleWorker({
        connection,
        namespace: 'default',
        taskQueue: opts.taskQueue,
        transport,
        mailFrom: 'group@test.local',
        ledgerDir: opts.ledgerDir ?? path.join(dir, 'ledger'),
        store: opts.store,
        reportsDir: opts.reportsDir ?? path.join(dir, 'reports'),
        workflowBundle: opts.bundle ?? (await workflowBundle()),
        tuning: opts.identity ? { identity: opts.identity } : undefined,
      });
      const running = worker.run();
      return {
        worker,
        async stop() {
          worker.shutdown();
          await running;
          transport.close?.();
          await connection.close();
        },
      };
    },
    async restartServer() {
      await h.client.connection.close();
      await h.server.kill();
      h.server = await start();
      h.client = new Client({ connection: await Connection.connect({ address: h.server.address }) });
    },
    async stop() {
      await h.client.connection.close().catch(() => undefined);
      await sink.stop();
      await h.server.stop();
    },
  };
  h.client = new Client({ connection: await Connection.connect({ address: h.server.address }) });
  await ensureSearchAttributes(h.client, 'default');
  return h;
}
