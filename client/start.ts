/**
 * `npm start`: the whole thing on one machine. Starts the local Temporal dev
 * server (SQLite file under .data/) unless TEMPORAL_ADDRESS names a reachable
 * one, a local SMTP sink (mail kept as .eml files) unless SMTP_URL names a real
 * server, the worker, and the seed plan's cycle for the current year (once:
 * the same workflow id is never started twice). Ctrl-C stops everything; the
 * next `npm start` continues the same cycles from the same SQLite file.
 */
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { DefaultLogger, Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import { PlanError, loadPlan } from './planLoader';
import { ensureSearchAttributes, startCycle } from './cycles';
import { ConfigError, describeConfig, loadConfig } from '../infra/config';
import { connectClient, connectWorker, smtpTransport } from '../infra/connection';
import { isPortOpen, startDevServer, waitForTemporal, type DevServer } from '../infra/devServer';
import { SEED_PLAN_PATH } from '../infra/paths';
import { readProvisioned } from '../infra/provision';
import { MailSink } from '../infra/smtpSink';
import { createCycleWorker } from '../worker/worker';

const DEV_PORT = Number(process.env.DEV_SERVER_PORT ?? 7233);
const UI_PORT = Number(process.env.DEV_SERVER_UI_PORT ?? DEV_PORT + 1000);
const SINK_PORT = Number(process.env.SMTP_SINK_PORT ?? 2525);

async function main() {
  const t0 = Date.now();
  // The SDK's own start-up chatter (bundling, state changes) would bury the summary below.
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN') });
  const config = loadConfig();
  const planFile = path.resolve(process.env.PLAN_FILE ?? SEED_PLAN_PATH);
  const probe = loadPlan(planFile); // fail fast on a bad plan before starting anything
  const year = Number(process.env.PLAN_YEAR ?? DateTime.now().setZone(probe.timeZone).year);
  const plan = loadPlan(planFile, { year });

  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping: worker, mail sink, Temporal server …');
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        console.error(`  while stopping: ${(e as Error).message}`);
      }
    }
    console.log('stopped. `npm start` again continues the same cycles.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let server: DevServer | undefined;
  let address = config.temporal.address;
  let uiUrl: string | undefined;
  let serverNote: string;
  if (config.temporal.addressFromEnv) {
    try {
      await waitForTemporal(address, config.temporal.namespace, 10_000);
    } catch (e) {
      throw new ConfigError(`TEMPORAL_ADDRESS=${address} is not reachable (${(e as Error).message}): start that server, fix the address, or unset TEMPORAL_ADDRESS to run a local dev server`);
    }
    serverNote = `an existing Temporal server at ${address} (namespace ${config.temporal.namespace})`;
  } else if (await isPortOpen('127.0.0.1', DEV_PORT)) {
    address = `127.0.0.1:${DEV_PORT}`;
    await waitForTemporal(address, config.temporal.namespace, 10_000).catch(() => {
      throw new ConfigError(`port ${DEV_PORT} is taken by something that is not a Temporal server: free it or set DEV_SERVER_PORT`);
    });
    serverNote = `a Temporal server already listening on ${address} (left from another run?)`;
    uiUrl = `http://127.0.0.1:${UI_PORT}`;
  } else {
    const dbFile = path.join(config.dataDir, 'temporal', 'dev-server.sqlite');
    const provisioned = readProvisioned('dev');
    server = await startDevServer({ dbFile, port: DEV_PORT, uiPort: UI_PORT, logFile: path.join(config.dataDir, 'temporal', 'server.log'), server: provisioned });
    cleanups.push(() => server!.stop());
    address = server.address;
    uiUrl = server.uiUrl;
    serverNote = `the local Temporal dev server (${server.route} route), state in ${dbFile}`;
  }
  const cfg = { ...config, temporal: { ...config.temporal, address, connectionOptions: { ...config.temporal.connectionOptions, address } } };

  let mailNote: string;
  let transport;
  if (config.smtp.url) {
    transport = smtpTransport(config.smtp.url, config.smtp);
    mailNote = `mail goes to ${describeConfig(config).smtp}`;
  } else {
    const dir = path.join(config.dataDir, 'mail');
    const sink = await new MailSink({ port: SINK_PORT, dir }).start();
    cleanups.push(() => sink.stop());
    transport = smtpTransport(sink.url);
    mailNote = `mail lands in ${dir}/ as .eml files (local SMTP sink at ${sink.url}; set SMTP_URL for a real server)`;
  }

  const client = await connectClient(cfg);
  const searchAttributes = await ensureSearchAttributes(client, config.temporal.namespace);
  const connection: NativeConnection = await connectWorker(cfg);
  const worker: Worker = await createCycleWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    transport,
    mailFrom: config.mailFrom,
    ledgerDir: config.ledgerDir,
    reportsDir: config.reportsDir,
  });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });
  running.catch((e) => {
    console.error(`worker stopped: ${(e as Error).message}`);
    void stopAll(1);
  });

  const outcome = await startCycle(client, plan, { taskQueue: config.taskQueue, searchAttributes });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`
Supervision cycle engine is running (ready in ${seconds} s).
  Temporal:  ${serverNote}
  Web UI:    ${uiUrl ?? '(none: the server is not local)'}${uiUrl ? `/namespaces/${config.temporal.namespace}/workflows` : ''}
  Worker:    task queue "${config.taskQueue}", namespace "${config.temporal.namespace}"
  Mail:      ${mailNote}
  Cycle:     ${outcome.workflowId} for ${plan.unit.name.zh} (${plan.unit.name.en}), plan year ${plan.year}: ${outcome.status}
             plan file ${planFile}${year !== probe.year ? ` (its ${probe.year} plan run for ${year})` : ''}
  Try:       npx cycle status ${plan.unit.id} --year ${plan.year}
             npx cycle list
  Stop:      Ctrl-C (running \`npm start\` again continues the same cycles)
`);
}

main().catch((e) => {
  if (e instanceof ConfigError || e instanceof PlanError) console.error(`error: ${e.message}`);
  else console.error(e);
  process.exit(1);
});
