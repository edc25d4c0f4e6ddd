/**
 * The worker-crash scenario, shared by the SQLite and PostgreSQL ledger
 * tests: on the real dev server with a real SMTP server, the worker process
 * is killed with SIGKILL in the middle of a month-end dispatch for 24 cycles,
 * at three different points, and restarted. Every office receives exactly one
 * dispatch (counted from the mail received), and no report is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlan } from '../../client/planLoader';
import { REPO_ROOT, SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery, submitReportUpdate } from '../../workflows/messages';
import type { DevHarness } from '../helpers/devServer';

const CYCLES = 24;
const OFFICES = 4;

export interface CrashLedger {
  /** Extra environment for the worker: where its store is. */
  env: Record<string, string>;
  /** How many messages the ledger records as sent. */
  countSent(): Promise<number>;
}

export async function sigkillMidDispatch(h: DevHarness, ledger: CrashLedger): Promise<void> {
  const taskQueue = `crash-${Date.now()}`;
  const countLedger = ledger.countSent;
  const logFile = openSync(path.join(h.dir, 'worker.log'), 'a');
  let worker: ChildProcess | undefined;
  let generation = 0;
  const startWorker = () => {
    generation++;
    worker = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'worker', 'main.js')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: h.server.address,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        SMTP_URL: h.sink.url,
        SMTP_MAX_CONNECTIONS: '1',
        ...ledger.env,
        REPORTS_DIR: path.join(h.dir, 'reports'),
      },
      stdio: ['ignore', logFile, logFile],
    });
  };
  const kill = async () => {
    const w = worker!;
    const gone = new Promise((r) => w.once('exit', r));
    w.kill('SIGKILL');
    await gone;
  };

  // Crash points: as the first message is being handed over (nothing sent yet), in the middle of the stream,
  // and after the last message is in the ledger but (most likely) before the activities' completions reach the server.
  const killAtMailFrom = new Set([1, 40]);
  const kills: string[] = [];
  let pending: Promise<void> = Promise.resolve();
  h.sink.messages.length = 0;
  h.sink.options.onMailFrom = async (n) => {
    if (killAtMailFrom.has(n)) {
      killAtMailFrom.delete(n);
      kills.push(`at MAIL FROM #${n} (${h.sink.messages.length} delivered)`);
      pending = kill().then(() => new Promise((r) => setTimeout(r, 500))).then(startWorker);
      throw Object.assign(new Error('connection lost'), { responseCode: 421 });
    }
    await new Promise((r) => setTimeout(r, 15)); // a slow server, so kills land mid-stream
  };

  startWorker();
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  const handles = [];
  for (let i = 0; i < CYCLES; i++) {
    handles.push(
      await h.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
        taskQueue,
        workflowId: `crash-${i}-${Date.now()}`,
        // Each cycle's plan clock stands 4 s before the December dispatch when it starts.
        args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 11, 31, 0, 59, 56)).toISOString() } }],
      }),
    );
  }
  const ids = new Set(handles.map((x) => x.workflowId));
  const mine = () => h.sink.messages.filter((m) => ids.has(m.header('x-cycle-id') ?? ''));

  // The third crash: as soon as every dispatch is in the ledger.
  const deadline = Date.now() + 240_000;
  while ((await countLedger()) < CYCLES * OFFICES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await pending;
  kills.push(`after all ${await countLedger()} messages were in the ledger`);
  await kill();
  // A report filed while no worker runs waits for the next one, and is not lost.
  const report = handles[0].executeUpdate(submitReportUpdate, {
    args: [{ actor: { personId: 'hto-contact', via: 'api' }, officeId: 'hi-tech-office', period: '2026-Q4', values: [{ targetId: 't1-1', value: 10 }], narrative: 'filed during the outage' }],
  });
  await new Promise((r) => setTimeout(r, 1000));
  startWorker();
  expect(await report).toMatchObject({ outcome: 'accepted' });

  // Let retries and timeouts play out, then count what arrived.
  for (let i = 0; i < 240 && mine().length < CYCLES * OFFICES; i++) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 3000)); // anything doubled would arrive now
  try {
    expect(kills).toHaveLength(3);
    expect(generation).toBe(4);
    const count = new Map<string, number>();
    for (const m of mine()) {
      expect(m.header('x-cycle-kind')).toBe('dispatch');
      const k = `${m.header('x-cycle-id')}/${m.header('x-cycle-office')}`;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    expect(count.size).toBe(CYCLES * OFFICES);
    expect([...count.entries()].filter(([, n]) => n !== 1)).toEqual([]); // names any office mailed twice
    for (const handle of handles) {
      const s = await handle.query(stateQuery);
      expect(Object.keys(s.periods['2026-Q4'].offices).sort()).toEqual(['achievements', 'hi-tech-office', 'planning', 'rural-social']);
    }
    const s0 = await handles[0].query(stateQuery);
    expect(s0.periods['2026-Q4'].offices['hi-tech-office'].report?.narrative).toBe('filed during the outage');
  } finally {
    for (const handle of handles) await handle.terminate('test done').catch(() => undefined);
    await kill().catch(() => undefined);
  }
}
