/**
 * Records workflow histories for the replay tests: on purpose only, never as a
 * side effect of `npm test`. A history recorded with one version of the code
 * must keep replaying on every later version, so existing files are never
 * overwritten unless --force is given.
 *
 *   npm run histories:regenerate -- --code v1 --out test/histories/v1
 *   npm run histories:regenerate -- --code current --out test/histories/v2
 *   npm run histories:regenerate -- --code current --out test/histories/v3   (rules v3: early warning, 签收, 批示, merges)
 *   npm run histories:regenerate -- --code current --out test/histories/v4   (off-peak continue-as-new, patches kept in state)
 *
 * --code v1 records with the frozen pre-batching workflow (test/fixtures/v1),
 * --code current with workflows/. Two cycles are recorded: a full simulated year
 * (late and silent offices, a returned report) and a cycle stopped mid-year.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { loadPlan } from '../../client/planLoader';
import { historyByRun, runSimulation, scenarioSchema } from '../../client/simulate';
import { SEED_PLAN_PATH, REPO_ROOT } from '../../infra/paths';
import { createTimeSkippingEnv, startHarness } from '../helpers/temporal';
import { acknowledgeUpdate, instructUpdate, stateQuery, submitReportUpdate } from '../../workflows/messages';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const code = arg('code');
  const out = arg('out');
  if ((code !== 'v1' && code !== 'current') || !out) throw new Error('usage: regenerate --code v1|current --out DIR [--force]');
  const dir = path.resolve(out);
  if (existsSync(dir) && readdirSync(dir).length && !process.argv.includes('--force')) {
    throw new Error(`${dir} already holds histories: they must keep replaying, so they are not overwritten (pass --force if you really mean to)`);
  }
  mkdirSync(dir, { recursive: true });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowsPath = code === 'v1' ? path.join(REPO_ROOT, 'test', 'fixtures', 'v1') : path.join(REPO_ROOT, 'workflows');
  const bundle = await bundleWorkflowCode({ workflowsPath: path.join(workflowsPath, 'index.ts'), logger: new DefaultLogger('WARN') });
  const env = await createTimeSkippingEnv();
  const h = await startHarness(env, undefined, { bundle });
  const plan = loadPlan(SEED_PLAN_PATH);
  const save = async (name: string, workflowId: string) => {
    const runs = await historyByRun(env.client, workflowId);
    for (const [i, r] of runs.entries()) {
      const history = await env.client.workflow.getHandle(workflowId, r.runId).fetchHistory();
      const file = path.join(dir, `${name}.run${String(i + 1).padStart(2, '0')}.json`);
      // protobufjs's own JSON form (longs as strings, bytes as base64); read back with History.fromObject.
      writeFileSync(file, `${JSON.stringify({ workflowId, runId: r.runId, history })}\n`);
      console.log(`wrote ${path.relative(REPO_ROOT, file)} (${r.events} events)`);
    }
  };
  try {
    const year = await runSimulation({
      env,
      taskQueue: h.taskQueue,
      plan,
      workflowId: `replay-year-${code}`,
      scenario: scenarioSchema.parse({
        name: 'replay-year',
        offices: { achievements: { mode: 'late', lateDays: 3 }, 'rural-social': { mode: 'missing' } },
        returnFirst: [{ officeId: 'hi-tech-office', period: '2013-Q2' }],
      }),
    });
    await save('full-year', year.workflowId);

    const mid = await env.client.workflow.start('supervisionCycle', {
      taskQueue: h.taskQueue,
      workflowId: `replay-mid-year-${code}`,
      args: [{ plan, options: { simulatedStart: '2013-04-20T00:00:00.000Z' } }],
    });
    await env.sleep(75 * 86_400_000); // through the April, May and June dispatches and their chasing
    await mid.query(stateQuery);
    if (code === 'current') {
      // The people's newer actions, so later code must replay them too: 签收, 批示 and a report merged into its previous revision.
      const hto = { personId: 'hto-contact', via: 'web' as const };
      await mid.executeUpdate(acknowledgeUpdate, { args: [{ actor: hto, officeId: 'hi-tech-office', period: '2013-05' }] });
      await mid.executeUpdate(instructUpdate, { args: [{ actor: { personId: plan.assessmentGroup.approvers[0], via: 'web' }, officeId: 'hi-tech-office', targetId: 't1-1', text: '请加快进度 Please speed up' }] });
      await mid.executeUpdate(submitReportUpdate, { args: [{ actor: hto, officeId: 'hi-tech-office', period: '2013-05', values: [{ targetId: 't1-1', value: 4 }], mode: 'merge' }] });
      await mid.executeUpdate(submitReportUpdate, { args: [{ actor: hto, officeId: 'hi-tech-office', period: '2013-05', values: [{ targetId: 't1-2', value: 7 }], mode: 'merge' }] });
    }
    await mid.terminate('stopped mid-year for the replay tests');
    await save('mid-year', mid.workflowId);
  } finally {
    await h.stop();
    await env.teardown();
  }
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
