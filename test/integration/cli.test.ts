/**
 * The `cycle` command end to end, spawned as a real process against the real
 * dev server: an office submits, the group leader approves and returns, the
 * bureau runs the appraisal, and every refusal is one line with a meaningful
 * exit code that changes nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadPlan } from '../../client/planLoader';
import { ensureSearchAttributes } from '../../client/cycles';
import type { CycleView } from '../../domain/view';
import { freePort, startDevServer, type DevServer } from '../../infra/devServer';
import { REPO_ROOT, SEED_PLAN_PATH } from '../../infra/paths';
import { requireProvisioned } from '../../infra/provision';
import { MailSink } from '../../infra/smtpSink';
import { smtpTransport } from '../../infra/connection';
import { createCycleWorker } from '../../worker/worker';
import { stateQuery } from '../../workflows/messages';
import type { supervisionCycle } from '../../workflows/cycle';
import { quietRuntime, tempDir, workflowBundle } from '../helpers/temporal';

const UNIT = 'yiyang-st-bureau';
let server: DevServer;
let sink: MailSink;
let connection: Connection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let dir: string;
let cliEnv: NodeJS.ProcessEnv;
const taskQueue = `cli-${Date.now()}`;

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

beforeAll(async () => {
  quietRuntime();
  dir = tempDir('cli');
  const port = await freePort();
  server = await startDevServer({ dbFile: path.join(dir, 'temporal.sqlite'), port, server: requireProvisioned('dev'), logFile: path.join(dir, 'server.log') });
  sink = await new MailSink().start();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  expect(await ensureSearchAttributes(client, 'default')).toBe(true);
  nativeConnection = await NativeConnection.connect({ address: server.address });
  worker = await createCycleWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    transport: smtpTransport(sink.url),
    mailFrom: 'group@test.local',
    ledgerDir: path.join(dir, 'ledger'),
    reportsDir: path.join(dir, 'reports'),
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  cliEnv = { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: taskQueue, DATA_DIR: path.join(dir, 'data'), EVIDENCE_DIR: path.join(dir, 'evidence') };
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await sink?.stop();
  await server?.stop();
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
  });
  const again = await cycle('start', SEED_PLAN_PATH, '--year', '2026');
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toContain('already running; nothing changed');

  await sink.waitFor((ms) => ms.filter((m) => m.header('x-cycle-kind') === 'dispatch').length >= 4, 30_000, 'the December dispatch');

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
  expect(existsSync(path.join(dir, 'evidence', ref.sha256.slice(0, 2), ref.sha256))).toBe(true);
  // The same report again is idempotent.
  const dup = await cycle('submit', UNIT, '--as', 'hto-contact', '--period', '2026-Q4', '--values', values, '--evidence', evidence, '--json');
  expect(JSON.parse(dup.out)).toMatchObject({ outcome: 'unchanged', revision: 1 });

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
  await sink.waitFor((ms) => ms.some((m) => m.header('x-cycle-kind') === 'returned'), 30_000, 'the returned notice');

  // The leader closes the check with the missing reports recorded: the year-end appraisal starts.
  const close = await cycle('close-check', UNIT, '--as', 'yang-yaowu', '--quarter', '2026-Q4', '--year', '2026');
  expect(close.code).toBe(0);
  expect(close.out).toContain('missing: rural-social, planning, achievements');
  await sink.waitFor((ms) => ms.filter((m) => m.header('x-cycle-kind') === 'finalRequest').length >= 3, 30_000, 'final-value requests');

  // The year-end declaration and final values; the leader verifies; the bureau runs the appraisal.
  expect((await cycle('declare', UNIT, '--as', 'pln-contact', '--points', '70', '--narrative', '省级科技进步奖', '--year', '2026')).code).toBe(0);
  const finals = file('final.json', { values: { 't1-1': 12, 't1-2': 22, 't4-1': 3, 't4-2': 3, 't4-3': 2 } });
  expect((await cycle('submit', UNIT, '--as', 'hto-contact', '--period', '2026-final', '--values', finals)).code).toBe(0);
  const verified = file('verified.json', { values: [{ targetId: 't1-1', value: 9, note: '统计局核定 9%' }] });
  const ver = await cycle('verify', UNIT, '--as', 'yang-yaowu', '--values', verified, '--municipal-grade', 'good', '--year', '2026');
  expect(ver).toMatchObject({ code: 0 });
  const notBureau = await cycle('appraise', UNIT, '--as', 'hto-head', '--year', '2026');
  expect(notBureau.code).toBe(2);
  const appraise = await cycle('appraise', UNIT, '--as', 'yang-yaowu', '--year', '2026');
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
  expect(listed).toEqual([expect.objectContaining({ workflowId: `cycle-${UNIT}-2026`, phase: 'appraised' })]);
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
