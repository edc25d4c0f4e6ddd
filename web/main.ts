/**
 * `npm run web`: the web door on its own, against the Temporal server and
 * store the configuration names (by default those `npm start` runs).
 */
import { appContext } from '../app/context';
import { ConfigError, loadConfig } from '../infra/config';
import { connectClient, smtpTransport } from '../infra/connection';
import { openConfiguredStore } from '../store';
import { startWeb } from './start';
import { loadProgramme } from '../client/commands/board';

async function main() {
  const config = loadConfig();
  const client = await connectClient(config);
  const store = await openConfiguredStore(config);
  // Without SMTP_URL, mail goes to the local sink `npm start` runs.
  const transport = smtpTransport(config.smtp.url ?? `smtp://127.0.0.1:${config.ports.smtpSink}`, config.smtp);
  const web = await startWeb({
    app: appContext(client, config, store),
    auth: store.auth,
    mail: { transport, from: config.mailFrom },
    publicUrl: config.web.publicUrl,
    host: config.web.host,
    port: config.web.port,
    trustProxy: config.web.trustProxy,
    programme: config.programmeFile ? loadProgramme(config.programmeFile) : undefined,
  });
  console.log(`Web door: ${web.url} (people open ${config.web.publicUrl}); store: ${store.backend}`);
  const stop = async () => {
    await web.close();
    transport.close?.();
    await store.close();
    await client.connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `web: ${(e as Error).message}`);
  process.exit(1);
});
