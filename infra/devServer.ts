/**
 * Runs the local Temporal dev server (`temporal server start-dev`) with its
 * state in a SQLite file, on loopback, with the Web UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { requireProvisioned, type ProvisionedServer } from './provision';
import { SEARCH_ATTRIBUTES } from '../domain/names';

export interface DevServerOptions {
  dbFile: string;
  /** End the server when this process ends, however it ends (npm start; tests that kill servers on purpose do not). */
  dieWithParent?: boolean;
  /** SQLite `synchronous` pragma (TEMPORAL_SQLITE_SYNCHRONOUS); NORMAL by default. */
  sqliteSynchronous?: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  namespace?: string;
  /** Where the server's own log goes. */
  logFile?: string;
  server?: ProvisionedServer;
  /** Called once the server's process is started, before it is ready (on the SDK's route: as the SDK starts it). */
  onSpawn?: () => void;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  route: string;
  pid?: number;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Hard kill, as a crash would (for fault tests). */
  kill(): Promise<void>;
  /** Settles when the server process ends, by itself or stopped; how it ended. */
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/**
 * SQLite pragmas: WAL plus synchronous=NORMAL makes file persistence about ten
 * times faster; a committed transaction survives a process crash, though the
 * last few may be lost on power loss. Set TEMPORAL_SQLITE_SYNCHRONOUS=FULL to trade speed for that.
 */
export function sqlitePragmas(synchronous = 'NORMAL'): string[] {
  return ['journal_mode=WAL', `synchronous=${synchronous}`, 'busy_timeout=10000'];
}

export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Wait until a Temporal frontend answers at `address` and `namespace` exists. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the Temporal server exited with code ${child.exitCode} while starting`);
    // A closed port is cheap to see: poll it often, and ask for the namespace only once something listens.
    if (Number.isInteger(port) && !(await isPortOpen(host, port, 200))) {
      last = `nothing listens on ${address} yet`;
      await new Promise((r) => setTimeout(r, 25));
      continue;
    }
    try {
      const { Connection } = await import('@temporalio/client');
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await conn.close();
      }
    } catch (e) {
      last = (e as Error).message;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`the Temporal server at ${address} did not become ready within ${timeoutMs / 1000}s (${last})`);
}

function searchAttributeArgs(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const server = opts.server ?? requireProvisioned('dev');
  const namespace = opts.namespace ?? 'default';
  mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const extraArgs = [...sqlitePragmas(opts.sqliteSynchronous).flatMap((p) => ['--sqlite-pragma', p]), ...searchAttributeArgs(), '--log-level', 'warn'];
  const address = `127.0.0.1:${opts.port}`;
  const uiUrl = opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined;

  if (server.route === 'sdk') {
    // The SDK downloads and runs the CLI itself; it stops it with SIGKILL on teardown.
    // Loaded only on this route: @temporalio/testing brings the whole worker SDK with it (about 0.4 s).
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    opts.onSpawn?.();
    const env = await TestWorkflowEnvironment.createLocal({
      server: { ip: '127.0.0.1', port: opts.port, dbFilename: opts.dbFile, namespace, ui: !!opts.uiPort, uiPort: opts.uiPort, extraArgs },
    });
    let ended: (v: { code: number | null; signal: string | null }) => void = () => undefined;
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => (ended = r));
    const stop = () => env.teardown().then(() => ended({ code: 0, signal: null }));
    return { address, namespace, uiUrl, route: 'sdk', stop, kill: stop, exited };
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--db-filename', opts.dbFile, '--namespace', namespace, ...extraArgs];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch'] : ['--headless']));
  let out: number | 'ignore' = 'ignore';
  if (opts.logFile) {
    mkdirSync(path.dirname(opts.logFile), { recursive: true });
    out = openSync(opts.logFile, 'a');
  }
  const [cmd, ...cmdArgs] = [...(opts.dieWithParent ? dieWithParent('SIGTERM') : []), server.path as string, ...args];
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', out, out] });
  if (typeof out === 'number') closeSync(out);
  opts.onSpawn?.();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    await waitForTemporal(address, namespace, 60_000, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}${opts.logFile ? `; see ${opts.logFile}` : ''}`);
  }
  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    address,
    namespace,
    uiUrl,
    route: server.route,
    pid: child.pid,
    stop: () => signalAndWait('SIGTERM', 10_000),
    kill: () => signalAndWait('SIGKILL', 0),
    exited,
  };
}

/**
 * The command prefix that ends a server with `signal` when whoever started it ends, even one killed with SIGKILL:
 * the kernel's parent-death signal (setpriv --pdeathsig, util-linux), where it exists; nothing elsewhere.
 */
export function dieWithParent(signal: 'SIGTERM' | 'SIGKILL'): string[] {
  return existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', signal, '--'] : [];
}

/**
 * A free TCP port on loopback, for a server started a moment later (tests, the bench). It is taken below the
 * kernel's ephemeral range: a port from that range (what listening on port 0 gives) can be taken meanwhile as the
 * local end of some outgoing connection, and the server then fails with "address already in use".
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const from = Math.max(1024, low - 12_000);
  for (let tries = 0; tries < 50 && from < low; tries++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (await canListen(port)) return port;
  }
  return listenOnce(0);
}

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return listenOnce(port).then(
    () => true,
    () => false,
  );
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const got = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(got));
    });
  });
}
