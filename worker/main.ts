/**
 * The worker on its own, for a deployment (docker-compose, a real cluster):
 * connects to TEMPORAL_ADDRESS and SMTP_URL, opens the application store
 * (DATABASE_URL, or SQLite in DATA_DIR) and runs until SIGINT/SIGTERM.
 */
import { ConfigError, describeConfig, loadConfig } from '../infra/config';
import { connectWorker, smtpTransport } from '../infra/connection';
import { openConfiguredStore, StoreError } from '../store';
import { createConfiguredWorker } from './worker';

async function main() {
  const config = loadConfig();
  if (!config.smtp.url) throw new ConfigError('SMTP_URL is not set: the standalone worker needs a mail server (e.g. smtp://mailpit:1025); `npm start` runs a local one for you');
  console.log('worker configuration:', describeConfig(config));
  const store = await openConfiguredStore(config);
  console.log(`store: ${store.backend}, schema version ${await store.version()}; imported from old files: ${store.imported.ledger} sent records, ${store.imported.evidence} evidence files`);
  const connection = await connectWorker(config);
  const worker = await createConfiguredWorker(config, connection, smtpTransport(config.smtp.url, config.smtp), store);
  console.log(`worker polling task queue "${config.taskQueue}" on ${config.temporal.address}`);
  await worker.run(); // the SDK shuts down gracefully on SIGINT/SIGTERM
  await connection.close();
  await store.close();
}

main().catch((e) => {
  console.error(e instanceof ConfigError || e instanceof StoreError ? `error: ${e.message}` : e);
  process.exit(1);
});
