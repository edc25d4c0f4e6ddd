/**
 * A plan with 40 offices: the board and an office page render for it (their timings are `npm run bench`'s
 * section 9, never asserted here).
 */
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

test('the board and office pages render for 4 and for 40 offices', async () => {
  const seed = await benchWebPages({ app: h.app, auth: h.store.auth, ref: REF, officeId: 'hi-tech-office', email: 'yangyaowu@kjj.yiyang.example', requests: 3 });
  const big = planWithOffices(loadPlan(SEED_PLAN_PATH, { year: YEAR }), 40);
  big.unit.id = 'bench-40-offices';
  const handle = await h.dev.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.app.taskQueue,
    workflowId: cycleWorkflowId(big.unit.id, YEAR),
    args: [{ plan: big, options: { simulatedStart: new Date(Date.UTC(YEAR, 2, 31, 0, 59, 57)).toISOString() } }],
  });
  for (let i = 0; i < 300 && !(await handle.query(stateQuery)).periods[`${YEAR}-Q1`]; i++) await new Promise((r) => setTimeout(r, 200));
  // benchWebPages fails on any answer but 200: three requests of each page are the check.
  const forty = await benchWebPages({ app: h.app, auth: h.store.auth, ref: { unitId: big.unit.id, year: YEAR }, officeId: 'office-40', email: 'yangyaowu@kjj.yiyang.example', requests: 3 });
  expect(big.offices).toHaveLength(40);
  // Offices whose co-owned targets open after March are not dispatched yet; most are.
  expect(Object.keys((await handle.query(stateQuery)).periods[`${YEAR}-Q1`].offices).length).toBeGreaterThan(20);
  for (const r of [seed, forty]) expect([r.board.n, r.office.n]).toEqual([3, 3]);
});
