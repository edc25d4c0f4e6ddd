/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: found in
 * /usr/lib/postgresql/<v>/bin (installed with apt-get when missing and we
 * are root), initialised in a temporary folder, started on a free loopback
 * port and removed again by `stop()`. As root the server runs as the
 * `postgres` user, because PostgreSQL refuses to run as root.
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './devServer';

const PG_ROOT = '/usr/lib/postgresql';
const FIX = 'install PostgreSQL (as root: apt-get update && apt-get install -y postgresql) and run the tests again';

export interface PgCluster {
  port: number;
  dir: string;
  /** URL of a database on this cluster (user `app`, no password: trust on loopback). */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stop the server (fast shutdown); its folder stays until `stop`. */
  halt(): void;
  start(): void;
  stop(): void;
}

function binDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(PG_ROOT, versions[0], 'bin');
}

/** Find PostgreSQL's programs, installing them with apt-get as root when they are missing. */
export function findOrInstallPostgres(): string {
  const found = binDir();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/initdb) and this is not root: ${FIX}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'postgresql']]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}): ${FIX}`);
  }
  const installed = binDir();
  if (!installed) throw new Error(`apt-get installed postgresql but ${PG_ROOT}/*/bin/initdb is still missing: ${FIX}`);
  return installed;
}

function runAs(): Pick<SpawnSyncOptions, 'uid' | 'gid'> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export interface PgClusterOptions {
  /** Keep fsync and synchronous commit on (benchmarks); tests turn them off for speed. */
  durable?: boolean;
}

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = findOrInstallPostgres();
  const user = runAs();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const run = (prog: string, args: string[]) => {
    const r = spawnSync(path.join(bin, prog), args, { ...user, cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${prog} failed (${(r.stderr || r.stdout || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}); see ${log}: ${FIX}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'app', '-E', 'UTF8', '--no-sync']);
  if (!opts.durable) writeFileSync(path.join(data, 'postgresql.auto.conf'), 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n');
  if (user.uid !== undefined) chownSync(path.join(data, 'postgresql.auto.conf'), user.uid, user.gid!);
  const port = await freePort();
  const url = (db: string) => `postgres://app@127.0.0.1:${port}/${db}`;
  const cluster: PgCluster = {
    port,
    dir,
    url,
    async createDatabase(name) {
      const c = new Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    start: () => run('pg_ctl', ['-D', data, '-l', log, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', '-t', '60', 'start']),
    halt: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    stop() {
      try {
        cluster.halt();
      } catch {
        // already stopped (a test halted it): removing the folder is all that is left
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
