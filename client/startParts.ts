/** The parts `npm start` runs, each startable again by the supervisor: the local Temporal dev server and the worker. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dataPaths, type AppConfig } from '../infra/config';
import { startDevServer, type DevServer } from '../infra/devServer';
import { readProvisioned } from '../infra/provision';
import type { Running } from './supervisor';

const pidFile = (c: AppConfig) => path.join(dataPaths(c.dataDir).temporal, 'dev-server.pid');

/**
 * A dev server an earlier `npm start` left running (it was killed before it could stop it, on a system without
 * setpriv) is stopped, so this start owns its server. Only one whose pid file names our SQLite file is touched.
 */
export function stopLeftoverDevServer(c: AppConfig): number | undefined {
  const file = pidFile(c);
  if (!existsSync(file)) return undefined;
  try {
    const { pid, dbFile } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; dbFile: string };
    const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    if (!cmdline.includes(dbFile)) return undefined;
    process.kill(pid, 'SIGTERM');
    return pid;
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

export async function waitForPortFree(isOpen: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while ((await isOpen()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

export async function runDevServer(c: AppConfig, onSpawn?: () => void): Promise<Running & { server: DevServer; dbFile: string }> {
  const dir = dataPaths(c.dataDir).temporal;
  const dbFile = path.join(dir, 'dev-server.sqlite');
  const server = await startDevServer({
    dbFile,
    port: c.ports.devServer,
    uiPort: c.ports.devServerUi,
    logFile: path.join(dir, 'server.log'),
    server: readProvisioned('dev'),
    sqliteSynchronous: c.temporal.sqliteSynchronous,
    dieWithParent: true,
    onSpawn,
  });
  if (server.pid) writeFileSync(pidFile(c), JSON.stringify({ pid: server.pid, dbFile }));
  const ended = server.exited.then(({ code, signal }) => (signal ? `killed by ${signal}` : `exit code ${code}`) + `; its log is ${path.join(dir, 'server.log')}`);
  return {
    server,
    dbFile,
    ended,
    stop: async () => {
      await server.stop();
      rmSync(pidFile(c), { force: true });
    },
  };
}
