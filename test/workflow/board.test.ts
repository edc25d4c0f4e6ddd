/**
 * The board over real cycles, and a what-if from a live cycle: the board
 * reads one status query per cycle and ranks them; the what-if runs the rest
 * of the year on a private server and leaves the live cycle as it was.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { board, circular, mailCircular } from '../../app/actions/board';
import { programmeSchema } from '../../domain/programme';
import { smtpTransport } from '../../infra/connection';
import { MailSink } from '../../infra/smtpSink';
import { openStore } from '../../store';
import { cycleSnapshot } from '../../app/actions/whatIf';
import type { AppContext } from '../../app/context';
import { loadPlan } from '../../client/planLoader';
import { scenarioSchema } from '../../client/simulate';
import { whatIf } from '../../client/whatIf';
import { monthTimetable } from '../../domain/calendar';
import { cycleWorkflowId } from '../../domain/names';
import type { Plan } from '../../domain/plan';
import { localToEpoch } from '../../domain/time';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { EvidenceStore } from '../../store/types';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery, submitReportUpdate } from '../../workflows/messages';
import { createTimeSkippingEnv, startHarness, tempDir, type Harness } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let h: Harness;
let seed: Plan;
let ctx: AppContext;
// Twenty units at twenty paces (the share of each January amount reported): the board must rank them by pace.
const paces: Record<string, number> = {
  'unit-slow': 0.4,
  'unit-fast': 1,
  'unit-mid': 0.8,
  ...Object.fromEntries([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.85, 0.9, 0.95].map((p) => [`unit-${Math.round(p * 100)}`, p])),
};
const byPace = Object.keys(paces).sort((a, b) => paces[b] - paces[a]);

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await startHarness(env);
  seed = loadPlan(SEED_PLAN_PATH);
  const year = seed.year;
  const start = new Date(localToEpoch(`${year}-01-20`, '00:00', seed.timeZone)).toISOString();
  const handles = await Promise.all(
    Object.keys(paces).map((id) => {
      const plan = { ...seed, unit: { id, name: { zh: id, en: id } } };
      return env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', { taskQueue: h.taskQueue, workflowId: cycleWorkflowId(id, year), args: [{ plan, options: { simulatedStart: start } }] });
    }),
  );
  const offset = (await handles[0].query(stateQuery)).clockOffsetMs;
  await env.sleep(monthTimetable(seed, 1).dispatchAt + 3_600_000 - ((await env.currentTimeMs()) + offset));
  for (const [i, id] of Object.keys(paces).entries()) {
    const share = paces[id] / 12; // January's share of each amount, at the unit's pace
    const values = ['t6-1', 't6-2', 't7-1', 't8-1', 't9-1'].map((t) => ({ targetId: t, value: Math.round(({ 't6-1': 267.9, 't6-2': 920, 't7-1': 3800, 't8-1': 4.3, 't9-1': 1100 } as Record<string, number>)[t] * share * 100) / 100 }));
    await handles[i].executeUpdate(submitReportUpdate, { args: [{ actor: { personId: 'pln-contact', via: 'api' }, officeId: 'planning', period: `${year}-01`, values, narrative: '', evidence: [] }] });
  }
  const now = await env.currentTimeMs();
  ctx = { client: env.client, namespace: 'default', taskQueue: h.taskQueue, evidence: {} as EvidenceStore, now: () => now };
});
function programmeFor(units: string[]) {
  return programmeSchema.parse({
    schemaVersion: 1,
    office: { id: 'perf-office', name: { zh: '绩效办', en: 'Performance Office' } },
    people: [{ personId: 'perf-director', name: '主任', role: 'director', email: 'jxb@example.test' }],
    units,
    circular: { recipients: ['perf-director'] },
  });
}

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

test('the board ranks real cycles by projected score, one status query each, and lists a unit with no cycle', async () => {
  const b = await board(ctx, { units: ['unit-slow', 'ghost-unit', 'unit-fast', 'unit-mid'] }, seed.year);
  expect(b.rows.map((r) => [r.rank, r.unitId, r.light])).toEqual([
    [1, 'unit-fast', 'green'],
    [2, 'unit-mid', 'amber'],
    [3, 'unit-slow', 'red'],
  ]);
  expect(b.gaps).toEqual([{ unitId: 'ghost-unit', problem: `no cycle for ${seed.year}` }]);
  expect(b.queries).toBe(4);
});

test('twenty units at twenty paces are ranked in the order of their pace, on the board and in the circular', async () => {
  const units = [...Object.keys(paces)].reverse(); // the programme's order is not the ranking
  const b = await board(ctx, { units }, seed.year);
  expect(b.rows.map((r) => r.unitId)).toEqual(byPace);
  expect(b.rows.map((r) => r.rank)).toEqual(byPace.map((_, i) => i + 1));
  const c = await circular(ctx, { ...programmeFor(units) }, `${seed.year}-01`, seed.year);
  const order = byPace.map((u) => c.html.indexOf(`>${u} ${u}<`));
  expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
  expect(c.csv.split('\r\n').slice(1, 21).map((line) => line.split(',')[1].replace(/"/g, '').split(' ')[0])).toEqual(byPace);
});

test('a what-if from a live cycle projects its appraisal and leaves the live cycle unchanged', async () => {
  const live = env.client.workflow.getHandle(cycleWorkflowId('unit-mid', seed.year));
  const before = { length: (await live.describe()).historyLength, state: await live.query(stateQuery) };
  const scenario = scenarioSchema.parse({ name: 'rural-social late and at 80%', offices: { 'rural-social': { mode: 'late', lateDays: 5 } }, achievementByOffice: { 'rural-social': 0.8 } });
  const r = await whatIf(await cycleSnapshot(ctx, { unitId: 'unit-mid', year: seed.year }), scenario);
  expect(r.from.workflowId).toBe(cycleWorkflowId('unit-mid', seed.year));
  // rural-social's 89 points at 80% and the rest on time: 680 - 0.2 x 89 = 662.2, excellent.
  expect(r.appraisal.total).toBeGreaterThan(600);
  expect(r.appraisal.grade).toBe('excellent');
  const after = { length: (await live.describe()).historyLength, state: await live.query(stateQuery) };
  expect(after).toEqual(before);
  console.log(`what-if: ${r.appraisal.total} / ${r.appraisal.maxPoints} ${r.appraisal.grade}; live history ${before.length} events before and after`);
});

test('the circular is mailed to the programme once: a second run finds it in the ledger and sends nothing', async () => {
  const store = await openStore({ dataDir: tempDir('circular-store'), legacy: false });
  const sink = await new MailSink().start();
  const transport = smtpTransport(sink.url);
  try {
    const programme = programmeFor(['unit-slow', 'unit-fast', 'unit-mid']);
    const withLedger = { ...ctx, ledger: store.ledger };
    const period = `${seed.year}-Q1`;
    const c = await circular(withLedger, programme, period, seed.year);
    const mail = { transport, from: 'kaohe@test.local', attachments: [], text: 'ranking' };
    expect((await mailCircular(withLedger, programme, period, c, mail)).status).toBe('sent');
    expect((await mailCircular(withLedger, programme, period, c, mail)).status).toBe('already-sent');
    await sink.waitFor((ms) => ms.length >= 1, 10_000, 'the circular');
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0].parsed.subject).toContain('绩效计划执行情况通报');
    expect(sink.messages[0].parsed.html).toMatch(/unit-fast[\s\S]*unit-mid[\s\S]*unit-slow/);
  } finally {
    transport.close?.();
    await sink.stop();
    await store.close();
  }
});
