/** The web bench, run small: board and office pages for the seed plan and for 40 offices, against a static file. */
import { benchWebPages, planWithOffices } from '../../bench/web';
import { loadPlan } from '../../client/planLoader';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { cycleWorkflowId } from '../../domain/names';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery } from '../../workflows/messages';
import { REF, startWebHarness, YEAR, type WebHarness } from './harness';

let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness('web-bench');
});
afterAll(() => h?.stop());

test('board and office pages answer within a second at p95, for 4 and for 40 offices', async () => {
  const seed = await benchWebPages({ app: h.app, auth: h.store.auth, ref: REF, officeId: 'hi-tech-office', email: 'yangyaowu@kjj.yiyang.example', requests: 40 });
  const big = planWithOffices(loadPlan(SEED_PLAN_PATH, { year: YEAR }), 40);
  big.unit.id = 'bench-40-offices';
  const handle = await h.dev.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.app.taskQueue,
    workflowId: cycleWorkflowId(big.unit.id, YEAR),
    args: [{ plan: big, options: { simulatedStart: new Date(Date.UTC(YEAR, 2, 31, 0, 59, 57)).toISOString() } }],
  });
  for (let i = 0; i < 300 && !(await handle.query(stateQuery)).periods[`${YEAR}-Q1`]; i++) await new Promise((r) => setTimeout(r, 200));
  const forty = await benchWebPages({ app: h.app, auth: h.store.auth, ref: { unitId: big.unit.id, year: YEAR }, officeId: 'office-40', email: 'yangyaowu@kjj.yiyang.example', requests: 40 });
  console.log(`web bench (ms)\n  seed plan:  static p50 ${seed.static.p50} p95 ${seed.static.p95}; board p50 ${seed.board.p50} p95 ${seed.board.p95}; office p50 ${seed.office.p50} p95 ${seed.office.p95}\n  40 offices: static p50 ${forty.static.p50} p95 ${forty.static.p95}; board p50 ${forty.board.p50} p95 ${forty.board.p95}; office p50 ${forty.office.p50} p95 ${forty.office.p95}`);
  expect(big.offices).toHaveLength(40);
  // Offices whose co-owned targets open after March are not dispatched yet; most are.
  expect(Object.keys((await handle.query(stateQuery)).periods[`${YEAR}-Q1`].offices).length).toBeGreaterThan(20);
  for (const r of [seed, forty]) {
    expect(r.board.p95).toBeLessThan(1000);
    expect(r.office.p95).toBeLessThan(1000);
  }
});
