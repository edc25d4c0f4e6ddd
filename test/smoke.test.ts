import { loadPlan } from '../client/planLoader';
import { SEED_PLAN_PATH } from '../infra/paths';
import { BUILT_IN_SCENARIOS, historyByRun, mailLog, runSimulation } from '../client/simulate';
import { createTimeSkippingEnv, startHarness } from './helpers/temporal';

test('smoke: a year all on time', async () => {
  const env = await createTimeSkippingEnv();
  const h = await startHarness(env);
  try {
    const plan = loadPlan(SEED_PLAN_PATH);
    const t0 = Date.now();
    const { result, workflowId } = await runSimulation({ env, taskQueue: h.taskQueue, plan, scenario: BUILT_IN_SCENARIOS['all-on-time'], onMonth: (m) => console.log('month', m, Date.now() - t0) });
    console.log(result.appraisal.total, result.appraisal.grade);
    const runs = await historyByRun(env.client, workflowId);
    console.log(runs);
    const log = mailLog(h.sink.messages);
    const counts: Record<string, number> = {};
    for (const m of log) counts[`${m.office}/${m.kind}`] = (counts[`${m.office}/${m.kind}`] ?? 0) + 1;
    console.log(counts);
    expect(result.appraisal.total).toBe(680);
  } finally {
    await h.stop();
    await env.teardown();
  }
});
