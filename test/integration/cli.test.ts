/**
 * `npm start` and the `cycle` command end to end, both spawned as real
 * processes: npm start brings up the dev server, the mail sink and the worker;
 * an office submits, the group leader approves and returns, the bureau runs the
 * appraisal; every refusal is one line with a meaningful exit code that changes
 * nothing; Ctrl-C stops it all and a second npm start finds the same cycles.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadPlan } from '../../client/planLoader';
import { openStore } from '../../store';
import type { CycleView } from '../../domain/view';
import { freePort } from '../../infra/devServer';
import { REPO_ROOT, SEED_PLAN_PATH } from '../../infra/paths';
import { stateQuery } from '../../workflows/messages';
import type { supervisionCycle } from '../../workflows/cycle';
import { MailFolder } from '../helpers/mailFolder';
import { tempDir } from '../helpers/temporal';

const UNIT = 'yiyang-st-bureau';
let dir: string;
let dataDir: string;
let ports: { temporal: number; ui: number; smtp: number };
let startEnv: NodeJS.ProcessEnv;
let cliEnv: NodeJS.ProcessEnv;
let stack: { proc: ChildProcess; out: () => string };
let connection: Connection;
let client: Client;
let mail: MailFolder;
const taskQueue = 'supervision-cycle';

function cycle(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin', 'cycle.js'), ...args], { env: cliEnv, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

/** `npm start`'s program, as `npm start` runs it after its set-up. */
async function npmStart(): Promise<{ proc: ChildProcess; out: () => string }> {
  let out = '';
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'client', 'start.js')], { env: startEnv, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Supervision cycle engine is running')) {
    if (proc.exitCode !== null) throw new Error(`npm start exited with ${proc.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, out: () => out };
}

async function ctrlC(p: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  p.kill('SIGINT');
  return exited;
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });
}

beforeAll(async () => {
  dir = tempDir('cli');
  dataDir = path.join(dir, 'data');
  ports = { temporal: await freePort(), ui: await freePort(), smtp: await freePort() };
  // npm start runs its own cycle for a unit of its own (so the test's cycle below has the seed unit to itself).
  const own = readFileSync(SEED_PLAN_PATH, 'utf8').replace('id: yiyang-st-bureau', 'id: npm-start-unit');
  startEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    DEV_SERVER_PORT: String(ports.temporal),
    DEV_SERVER_UI_PORT: String(ports.ui),
    SMTP_SINK_PORT: String(ports.smtp),
    PLAN_FILE: file('npm-start-plan.yaml', own),
    PLAN_YEAR: '2026',
    TEMPORAL_ADDRESS: '',
    SMTP_URL: '',
  };
  for (const k of ['TEMPORAL_ADDRESS', 'SMTP_URL']) delete startEnv[k];
  stack = await npmStart();
  connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  client = new Client({ connection });
  mail = new MailFolder(path.join(dataDir, 'mail'));
  cliEnv = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`, TEMPORAL_NAMESPACE: 'default', DATA_DIR: dataDir };
});

afterAll(async () => {
  await connection?.close();
  if (stack && stack.proc.exitCode === null) await ctrlC(stack.proc);
});

test('npm start says what runs where; the Web UI answers on loopback', async () => {
  const out = stack.out();
  expect(out).toContain('Temporal:  the local Temporal dev server (pypi route');
  expect(out).toContain(`Web UI:    http://127.0.0.1:${ports.ui}`);
  expect(out).toContain(`mail lands in ${path.join(dataDir, 'mail')}`);
  expect(out).toContain('cycle-npm-start-unit-2026');
  expect(out).toMatch(/plan year 2026: started/);
  expect(await httpStatus(`http://127.0.0.1:${ports.ui}/`)).toBe(200);
  expect(existsSync(path.join(dataDir, 'temporal', 'dev-server.sqlite'))).toBe(true);
});

test('a day in the life, from the keyboard', async () => {
  // validate
  const v = await cycle('validate', SEED_PLAN_PATH);
  expect(v.code).toBe(0);
  expect(v.out).toContain('total: 680 points');

  // The cycle for 2026 runs on the plan clock three seconds before the December month-end dispatch
  // (a plan-clock offset, as simulations use), so the whole December-to-appraisal path runs in real time.
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  const handle = await client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue,
    workflowId: `cycle-${UNIT}-2026`,
    args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 11, 31, 0, 59, 57)).toISOString(), searchAttributes: true } }],
    // served by npm start's worker
  });
  const again = await cycle('start', SEED_PLAN_PATH, '--year', '2026');
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toContain('already running; nothing changed');

  await mail.waitFor((ms) => ms.filter((m) => m.header('x-cycle-id') === `cycle-${UNIT}-2026` && m.header('x-cycle-kind') === 'dispatch').length >= 4, 30_000, 'the December dispatch');

  const st = await cycle('status', UNIT, '--year', '2026', '--json');
  expect(st.code).toBe(0);
  const view = JSON.parse(st.out) as CycleView;
  expect(view.offices.find((o) => o.officeId === 'hi-tech-office')?.owes[0]).toMatchObject({ period: '2026-Q4', status: 'due' });
  const table = await cycle('status', UNIT, '--year', '2026');
  expect(table.out).toContain('hi-tech-office');
  expect(table.out).toContain('2026-Q4');

  // An office submits, with evidence stored outside history by its hash.
  const values = file('q4.json', { values: { 't1-1': 11, 't1-2': 21, 't4-1': 3, 't4-2': 3, 't4-3': 2 }, narrative: '四季度完成情况 <script>alert(1)</script>' });
  const evidence = file('证明材料.txt', 'evidence of Q4');
  const sub = await cycle('submit', UNIT, '--as', 'hto-contact', '--period', '2026-Q4', '--values', values, '--evidence', evidence, '--json');
  expect(sub.code).toBe(0);
  expect(JSON.parse(sub.out)).toMatchObject({ outcome: 'accepted', revision: 1, late: false });
  const s1 = await handle.query(stateQuery);
  const ref = s1.periods['2026-Q4'].offices['hi-tech-office'].report!.evidence[0];
  expect(ref.name).toBe('证明材料.txt');
  // The bytes are in the store (any door, any machine reads the same file), not in a folder of this machine.
  const store = await openStore({ dataDir, legacy: false });
  expect((await store.evidence.get(ref.sha256))?.bytes.toString()).toBe('evidence of Q4');
  await store.close();
  // The same report again is idempotent (person ids are case-insensitive at the door).
  const dup = await cycle('submit', UNIT, '--as', 'HTO-CONTACT', '--period', '2026-Q4', '--values', values, '--evidence', evidence, '--json');
  expect(JSON.parse(dup.out)).toMatchObject({ outcome: 'unchanged', revision: 1 });
  // Filed, not "nothing owed": awaiting the leader; and the audit log can be read before year-end.
  const filed = await cycle('status', UNIT, '--year', '2026', '--office', 'hi-tech-office');
  expect(filed.out).toMatch(/hi-tech-office\s+2026-Q4\s+submitted, revision 1, awaiting approval/);
  const auditNow = await cycle('audit', UNIT, '--year', '2026');
  expect(auditNow.code).toBe(0);
  expect(auditNow.out).toMatch(/hto-contact\s+submit\s+2026-Q4\/hi-tech-office\s+accepted revision 1/);

  // The deputy may not approve; the leader may.
  const before = await handle.query(stateQuery);
  const wrong = await cycle('approve', UNIT, '--as', 'tang-zhibin', '--office', 'hi-tech-office', '--quarter', '4', '--year', '2026');
  expect(wrong.code).toBe(2);
  expect(wrong.err.trim().split('\n')).toHaveLength(1);
  expect(wrong.err).toContain('NOT_AUTHORISED');
  expect(await handle.query(stateQuery)).toEqual(before);
  const ok = await cycle('approve', UNIT, '--as', 'yang-yaowu', '--office', 'hi-tech-office', '--quarter', 'Q4', '--year', '2026');
  expect(ok).toMatchObject({ code: 0 });
  expect(ok.out).toContain('approved');

  // 计划科 reports; the leader returns it with a comment; it gets a returned notice with a new deadline.
  const pv = file('planning.json', { values: { 't6-1': 270, 't6-2': 900, 't7-1': 3900, 't8-1': 4.4, 't9-1': 1000, 't3-1': 1, 't3-2': 5, 't3-3': 4 } });
  expect((await cycle('submit', UNIT, '--as', 'pln-contact', '--period', '2026-Q4', '--values', pv)).code).toBe(0);
  const ret = await cycle('return', UNIT, '--as', 'yang-yaowu', '--office', 'planning', '--quarter', '4', '--comment', '请补充佐证材料', '--year', '2026');
  expect(ret.code).toBe(0);
  expect(ret.out).toMatch(/returned, due again 2027-01-\d\d 18:00/);
  await mail.waitFor((ms) => ms.some((m) => m.header('x-cycle-kind') === 'returned'), 30_000, 'the returned notice');

  // The leader closes the check with the missing reports recorded: the year-end appraisal starts.
  const close = await cycle('close-check', UNIT, '--as', 'yang-yaowu', '--quarter', '2026-Q4', '--year', '2026');
  expect(close.code).toBe(0);
  expect(close.out).toContain('missing: rural-social, planning, achievements');
  await mail.waitFor((ms) => ms.filter((m) => m.header('x-cycle-kind') === 'finalRequest').length >= 3, 30_000, 'final-value requests');

  // The year-end declaration and final values; the leader verifies; the bureau runs the appraisal.
  expect((await cycle('declare', UNIT, '--as', 'pln-contact', '--points', '70', '--narrative', '省级科技进步奖', '--year', '2026')).code).toBe(0);
  const finals = file('final.json', { values: { 't1-1': 12, 't1-2': 22, 't4-1': 3, 't4-2': 3, 't4-3': 2 } });
  expect((await cycle('submit', UNIT, '--as', 'hto-contact', '--period', '2026-final', '--values', finals)).code).toBe(0);
  const verified = file('verified.json', { values: [{ targetId: 't1-1', value: 9, note: '统计局核定 9%' }] });
  const ver = await cycle('verify', UNIT, '--as', 'yang-yaowu', '--values', verified, '--municipal-grade', 'good', '--year', '2026');
  expect(ver).toMatchObject({ code: 0 });
  const notBureau = await cycle('appraise', UNIT, '--as', 'hto-head', '--year', '2026', '--finalize');
  expect(notBureau.code).toBe(2);
  // Without a flag it says what each would do and does nothing: offices were just told to report by a later date.
  const unsaid = await cycle('appraise', UNIT, '--as', 'yang-yaowu', '--year', '2026');
  expect(unsaid.code).toBe(1);
  expect(unsaid.err).toMatch(/say what to do: the final round is open until .*--finalize scores it now/);
  const appraise = await cycle('appraise', UNIT, '--as', 'yang-yaowu', '--year', '2026', '--finalize');
  expect(appraise.code).toBe(0);
  const result = await handle.result();
  // t1-1 scores on the verified 9% of 10%, not the reported 12%.
  expect(result.appraisal.targets.find((t) => t.targetId === 't1-1')).toMatchObject({ achieved: 9, source: 'verified', points: 45 });

  const md = await cycle('report', UNIT, '--year', '2026', '--format', 'md');
  expect(md.code).toBe(0);
  expect(md.out).toContain(`Total 总分: **${result.appraisal.total} / 680**`);
  expect(md.out).toContain('| approve | 2026-Q4/hi-tech-office |');
  const csv = await cycle('report', UNIT, '--year', '2026', '--format', 'csv');
  expect(csv.out.split('\n')[0]).toContain('"target","indicator"');
  const json = JSON.parse((await cycle('report', UNIT, '--year', '2026', '--format', 'json')).out);
  expect(json.reproducible).toBe(true);

  // After the appraisal, the cycle takes nothing more.
  const late = await cycle('submit', UNIT, '--as', 'hto-contact', '--period', '2026-final', '--values', finals);
  expect(late.code).toBe(2);
  expect(late.err).toMatch(/finished|appraised/);

  let listed: { workflowId: string; phase: string }[] = [];
  for (let i = 0; i < 40; i++) {
    listed = JSON.parse((await cycle('list', '--json')).out);
    if (listed.some((r) => r.phase === 'appraised')) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(listed).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ workflowId: `cycle-${UNIT}-2026`, phase: 'appraised' }),
      expect.objectContaining({ workflowId: 'cycle-npm-start-unit-2026', phase: 'running' }),
    ]),
  );
  // The report files and the mail are where npm start said.
  expect(readFileSync(path.join(dataDir, 'reports', `cycle-${UNIT}-2026`, 'appraisal.md'), 'utf8')).toContain('Audit log');
  await mail.waitFor((ms) => ms.filter((m) => m.header('x-cycle-kind') === 'appraisal').length === 5, 30_000, 'the appraisal mail');
});

test('refusals are one line, non-zero, and change nothing', async () => {
  const cases: { args: string[]; code: number; says: RegExp }[] = [
    { args: ['status', 'no-such-unit'], code: 3, says: /no cycle for unit "no-such-unit"/ },
    { args: ['status', UNIT, '--year', '20x6'], code: 1, says: /--year 20x6 is not a year/ },
    { args: ['submit', UNIT, '--as', 'hto-contact', '--period', '2026-05', '--values', file('bad.json', { values: { 't1-1': 'lots' } })], code: 1, says: /not a finite number/ },
    { args: ['submit', UNIT, '--as', 'hto-contact', '--period', '2026-05', '--values', path.join(dir, 'missing.json')], code: 1, says: /no such file/ },
    { args: ['submit', UNIT, '--as', 'hto-contact', '--period', '2026-05', '--values', file('broken.json', '{ "values": ')], code: 1, says: /not valid JSON/ },
    { args: ['approve', UNIT, '--as', 'yang-yaowu', '--office', 'planning', '--quarter', '7', '--year', '2026'], code: 1, says: /--quarter 7 is not a quarter/ },
    { args: ['validate', file('broken-plan.yaml', 'schemaVersion: 1\nyear: 20\n')], code: 1, says: /broken-plan.yaml/ },
    { args: ['approve', UNIT, '--office', 'planning', '--quarter', '1'], code: 1, says: /--as/ },
  ];
  for (const c of cases) {
    const r = await cycle(...c.args);
    expect({ args: c.args.join(' '), code: r.code }).toEqual({ args: c.args.join(' '), code: c.code });
    expect(r.err).toMatch(c.says);
    if (c.code !== 1 || !c.args.includes('validate')) expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(2);
  }
});

test('Ctrl-C stops everything cleanly; a second npm start continues the same cycles from the same SQLite file', async () => {
  await connection.close();
  const code = await ctrlC(stack.proc);
  expect(code).toBe(0);
  expect(stack.out()).toContain('stopped. `npm start` again continues the same cycles.');
  expect(await httpStatus(`http://127.0.0.1:${ports.ui}/`)).toBe(0);
  stack = await npmStart();
  expect(stack.out()).toMatch(/cycle-npm-start-unit-2026 .*plan year 2026: already-running/);
  connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  client = new Client({ connection });
  expect((await client.workflow.getHandle('cycle-npm-start-unit-2026').describe()).status.name).toBe('RUNNING');
  expect((await client.workflow.getHandle(`cycle-${UNIT}-2026`).describe()).status.name).toBe('COMPLETED');
});
