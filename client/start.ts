/**
 * `npm start`: the whole thing on one machine. Starts the local Temporal dev
 * server (SQLite file under .data/) unless TEMPORAL_ADDRESS names a reachable
 * one, a local SMTP sink (mail kept as .eml files) unless SMTP_URL names a real
 * server, the worker, and the plan's cycle for the current year (once: the same
 * workflow id is never started twice). The server and the worker are
 * supervised: one that dies is named, restarted with backoff, and everything
 * stops cleanly if it keeps dying. Ctrl-C stops everything; the next
 * `npm start` continues the same cycles from the same SQLite file.
 *
 * Start-up time: the dev server is spawned first; what the worker needs loads while it boots, the
 * worker is created the moment it is up, and the web door loads while the worker reads its bundle.
 */
import { DateTime } from 'luxon';
import { bundleCacheDir, ConfigError, dataPaths, describeConfig, loadConfig, type AppConfig } from '../infra/config';
import { isPortOpen, waitForTemporal, type DevServer } from '../infra/devServer';
import { loadPlan, PlanError } from './planLoader';
import { runDevServer, stopLeftoverDevServer, waitForPortFree } from './startParts';
import { Supervisor } from './supervisor';
import { WORKFLOWS_PATH, workflowBundleFor } from '../worker/bundle';

const say = (line: string) => console.log(`[npm start] ${line}`);

/** The Temporal server this start uses; `spawned` is called once its process runs (or at once for an existing server). */
async function temporalServer(c: AppConfig, sup: Supervisor, spawned: () => void): Promise<{ address: string; note: string; uiUrl?: string }> {
  if (c.temporal.addressFromEnv) {
    spawned();
    await waitForTemporal(c.temporal.address, c.temporal.namespace, 10_000).catch((e) => {
      throw new ConfigError(`TEMPORAL_ADDRESS=${c.temporal.address} is not reachable (${(e as Error).message}): start that server, fix the address, or unset TEMPORAL_ADDRESS to run a local dev server`);
    });
    return { address: c.temporal.address, note: `an existing Temporal server at ${c.temporal.address} (namespace ${c.temporal.namespace})` };
  }
  const port = c.ports.devServer;
  const leftover = stopLeftoverDevServer(c);
  if (leftover) {
    say(`stopped the Temporal dev server an earlier npm start left running (pid ${leftover})`);
    await waitForPortFree(() => isPortOpen('127.0.0.1', port), 15_000);
  }
  if (await isPortOpen('127.0.0.1', port)) {
    throw new ConfigError(`port ${port} is taken by another program (not a server this npm start owns): stop it, or set DEV_SERVER_PORT (and DEV_SERVER_UI_PORT) to free ports`);
  }
  let server: DevServer | undefined;
  await sup.keep('the Temporal dev server', async () => {
    const r = await runDevServer(c, spawned);
    server = r.server;
    return r;
  });
  return { address: server!.address, note: `the local Temporal dev server (${server!.route} route), state in ${dataPaths(c.dataDir).temporal}/dev-server.sqlite`, uiUrl: server!.uiUrl };
}

async function mail(c: AppConfig, stops: (() => Promise<void>)[]) {
  const { smtpTransport } = await import('../infra/connection');
  if (c.smtp.url) return { transport: smtpTransport(c.smtp.url, c.smtp), note: `mail goes to ${describeConfig(c).smtp}` };
  const dir = dataPaths(c.dataDir).mail;
  const { MailSink } = await import('../infra/smtpSink');
  const sink = await new MailSink({ port: c.ports.smtpSink, dir, inMemory: false }).start();
  stops.push(() => sink.stop());
  return { transport: smtpTransport(sink.url, { maxConnections: c.smtp.maxConnections }), note: `mail lands in ${dir}/ as .eml files (local SMTP sink at ${sink.url}; set SMTP_URL for a real server)` };
}

/** The cached workflow bundle, found (or built) while the server boots; the worker then reads it from the cache. */
async function prepareBundle(c: AppConfig): Promise<void> {
  const cacheDir = bundleCacheDir(c);
  if (cacheDir) await workflowBundleFor({ workflowsPath: WORKFLOWS_PATH, cacheDir });
}

/** Load modules (synchronous work), then let the event loop turn once, so timers and sockets waiting meanwhile run. */
async function loadThenYield<T>(load: () => Promise<T>): Promise<T> {
  const loaded = await load();
  await new Promise((r) => setImmediate(r));
  return loaded;
}

async function main() {
  const t0 = Date.now();
  const config = loadConfig();
  const probe = loadPlan(config.plan.file); // fail fast on a bad plan before starting anything
  const year = config.plan.year ?? DateTime.now().setZone(probe.timeZone).year;
  // The plan run for this year can still fail (no holiday data for it): before anything starts, too.
  const plan = year === probe.year ? probe : loadPlan(config.plan.file, { year });

  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    if (why) console.error(`error: ${why}`);
    console.log('\nstopping: web, worker, store, mail sink, Temporal server …');
    await sup.stopAll((name, e) => console.error(`  while stopping ${name}: ${e.message}`));
    for (const s of stops.reverse()) await s().catch((e: Error) => console.error(`  while stopping: ${e.message}`));
    console.log('stopped. `npm start` again continues the same cycles.');
    process.exit(code);
  };
  const sup = new Supervisor({ log: say, giveUp: (why) => void stopAll(1, why) });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    let spawned: () => void = () => undefined;
    const serverSpawned = new Promise<void>((r) => (spawned = r));
    const booting = temporalServer(config, sup, spawned);
    booting.catch(() => undefined).finally(spawned); // awaited below; a failure meanwhile must not count as unhandled
    // The server boots while everything else loads: its process must run before the first load blocks the loop.
    // A server that cannot start at all (its port taken) is reported now, before anything else starts.
    await Promise.race([serverSpawned, booting]);
    // The worker is the slowest part to create and can start the moment the server is up, so what it needs loads
    // first (the worker SDK, the store, the mail sink), then the web door, all while the server boots. Each load
    // blocks the event loop, so it turns between them: the server's readiness poll runs meanwhile.
    const { DefaultLogger, Runtime } = await loadThenYield(() => import('@temporalio/worker'));
    // The core's connection warnings would repeat every second while a server restarts; the supervisor says it once.
    // Signals are ours: the SDK must not shut the worker down behind the supervisor's back.
    try {
      Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(config.logLevel), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
    } catch {
      // Only on the SDK's own dev-server route (no provisioned binary), which installs the default runtime first.
    }
    const [{ runWorker }, { openConfiguredStore }] = await loadThenYield(() => Promise.all([import('./startWorker'), import('../store')]));
    const opened = openConfiguredStore(config).then((s) => (stops.push(() => s.close()), s));
    const ready = Promise.all([booting, opened, mail(config, stops), prepareBundle(config)]);
    ready.catch(() => undefined); // awaited below
    // The web door loads while the server is still booting (the main thread would otherwise wait idle), so that
    // once it answers nothing blocks the loop while the worker connects and is created.
    const [{ startWeb }, { connectClient }, { appContext }, { startCycle }] = await loadThenYield(() =>
      Promise.all([import('../web/start'), import('../infra/connection'), import('../app/context'), import('../app/actions/admin')]),
    );
    const [temporal, store, m] = await ready;
    const cfg: AppConfig = { ...config, temporal: { ...config.temporal, address: temporal.address, connectionOptions: { ...config.temporal.connectionOptions, address: temporal.address } } };
    const worker = sup.keep('the worker', () => runWorker(cfg, m.transport, store));
    worker.catch(() => undefined); // awaited below
    const client = await connectClient(cfg);
    stops.push(() => client.connection.close());
    const app = appContext(client, cfg, store);
    const programme = cfg.programmeFile ? (await import('./commands/board')).loadProgramme(cfg.programmeFile) : undefined;
    const [web, outcome] = await Promise.all([
      startWeb({ app, auth: store.auth, mail: { transport: m.transport, from: cfg.mailFrom }, publicUrl: cfg.web.publicUrl, host: cfg.web.host, port: cfg.web.port, trustProxy: cfg.web.trustProxy, programme }),
      startCycle(app, plan),
    ]);
    stops.push(() => web.close());
    await worker;
    console.log(`
Supervision cycle engine is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s).
  Temporal:  ${temporal.note}
  Web UI:    ${temporal.uiUrl ? `${temporal.uiUrl}/namespaces/${cfg.temporal.namespace}/workflows (operator console)` : '(none: the server is not local)'}
  Web:       ${cfg.web.publicUrl} (offices, the group leader and the bureau sign in with their e-mail address)
  Worker:    task queue "${cfg.taskQueue}", namespace "${cfg.temporal.namespace}"
  Store:     ${store.backend === 'sqlite' ? `SQLite in ${dataPaths(cfg.dataDir).database}` : `PostgreSQL at ${describeConfig(cfg).database}`}${store.imported.ledger || store.imported.evidence ? ` (imported ${store.imported.ledger} sent records and ${store.imported.evidence} evidence files from the old folders)` : ''}
  Mail:      ${m.note}
  Cycle:     ${outcome.workflowId} for ${plan.unit.name.zh} (${plan.unit.name.en}), plan year ${plan.year}: ${outcome.status}
             plan file ${config.plan.file}${year !== probe.year ? ` (its ${probe.year} plan run for ${year})` : ''}
  Try:       npx cycle status ${plan.unit.id} --year ${plan.year}
             npx cycle list
  Stop:      Ctrl-C (running \`npm start\` again continues the same cycles)
`);
  } catch (e) {
    await stopAll(1, wholeMessage(e) ? e.message : (e as Error).message.split('\n')[0]);
  }
}

/** Errors whose whole message is for the user (a bad setting, a bad plan). */
const wholeMessage = (e: unknown): e is ConfigError | PlanError => e instanceof ConfigError || e instanceof PlanError;

main().catch((e) => {
  console.error(`error: ${wholeMessage(e) ? e.message : (e as Error).message}`);
  process.exit(1);
});
