/**
 * `npm start` supervises what it runs: a Temporal server that dies is named,
 * restarted on the same SQLite file, and the cycle command works again; a
 * start that is itself killed (SIGKILL) takes its server with it, and the next
 * start does not trip over anything left behind; a bad plan starts nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort, isPortOpen } from '../../infra/devServer';
import { REPO_ROOT } from '../../infra/paths';
import { tempDir } from '../helpers/temporal';

let env: NodeJS.ProcessEnv;
let dataDir: string;

function start(): { proc: ChildProcess; out: () => string; until: (text: string | RegExp, ms?: number) => Promise<void> } {
  let out = '';
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'client', 'start.js')], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const until = async (text: string | RegExp, ms = 90_000) => {
    const deadline = Date.now() + ms;
    while (!(typeof text === 'string' ? out.includes(text) : text.test(out))) {
      if (Date.now() > deadline) throw new Error(`npm start never said ${text}:\n${out}`);
      if (proc.exitCode !== null && !out.match(text)) throw new Error(`npm start exited (${proc.exitCode}) before saying ${text}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { proc, out: () => out, until };
}

function cycle(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin', 'cycle.js'), ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const serverPid = () => (JSON.parse(readFileSync(path.join(dataDir, 'temporal', 'dev-server.pid'), 'utf8')) as { pid: number }).pid;

beforeAll(async () => {
  const dir = tempDir('start-supervision');
  dataDir = path.join(dir, 'data');
  const [temporal, ui, smtp, web] = [await freePort(), await freePort(), await freePort(), await freePort()];
  env = { ...process.env, DATA_DIR: dataDir, DEV_SERVER_PORT: String(temporal), DEV_SERVER_UI_PORT: String(ui), SMTP_SINK_PORT: String(smtp), WEB_PORT: String(web), TEMPORAL_ADDRESS: '', SMTP_URL: '' };
  delete env.TEMPORAL_ADDRESS;
  delete env.SMTP_URL;
});

test('a killed Temporal server is named, restarted on the same file, and the cycle answers again', async () => {
  const s = start();
  try {
    await s.until('Supervision cycle engine is running');
    const pid = serverPid();
    process.kill(pid, 'SIGKILL');
    await s.until(/the Temporal dev server stopped \(killed by SIGKILL; its log is .*\); restarting in 1 s/);
    await s.until('the Temporal dev server is running again');
    expect(serverPid()).not.toBe(pid);
    const status = await cycle('status', 'yiyang-st-bureau', '--json');
    expect(status.err).toBe('');
    expect(JSON.parse(status.out).unit.id).toBe('yiyang-st-bureau');
    // No repeated gRPC warnings while it was down: the supervisor's line says it once.
    expect(s.out().match(/WARN/g) ?? []).toHaveLength(0);
  } finally {
    s.proc.kill('SIGINT');
    await new Promise((r) => s.proc.once('exit', r));
  }
});

test('npm start killed with SIGKILL takes its server along; the next start comes up on the same data', async () => {
  const s = start();
  await s.until('Supervision cycle engine is running');
  const pid = serverPid();
  s.proc.kill('SIGKILL');
  await new Promise((r) => s.proc.once('exit', r));
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(alive(pid)).toBe(false);
  const again = start();
  try {
    await again.until('Supervision cycle engine is running');
    expect(again.out()).toContain('already-running');
    expect(again.out()).not.toContain('left from another run');
  } finally {
    again.proc.kill('SIGINT');
    await new Promise((r) => again.proc.once('exit', r));
  }
  expect(existsSync(path.join(dataDir, 'temporal', 'dev-server.pid'))).toBe(false);
});

test('a bad plan file is the one thing said, and nothing starts', async () => {
  const planFile = path.join(path.dirname(dataDir), 'bad-plan.yaml');
  writeFileSync(planFile, 'unit:\n  id: x\n  points: [not, a, number\n');
  const saved = env;
  env = { ...env, PLAN_FILE: planFile };
  try {
    const s = start();
    const code = await new Promise<number | null>((r) => s.proc.once('exit', r));
    expect(code).toBe(1);
    expect(s.out()).toMatch(/^error: .*bad-plan\.yaml: 1 problem found/m);
    expect(s.out()).toMatch(/bad-plan\.yaml:4 \(plan\): is not valid YAML/);
    expect(s.out()).not.toContain('stopping:'); // only the plan's error, not a shutdown report
    expect(s.out()).not.toContain('engine is running');
    // No server was left behind: no pid file, and its port is free.
    expect(existsSync(path.join(dataDir, 'temporal', 'dev-server.pid'))).toBe(false);
    expect(await isPortOpen('127.0.0.1', Number(env.DEV_SERVER_PORT))).toBe(false);
  } finally {
    env = saved;
  }
});
