/**
 * 1. plan-year: the seed plan's year driven by runSimulation on the time-skipping server, beside a
 * baseline workflow that plays back the same timers, activity groups (sending the same e-mails),
 * updates and continue-as-new points (read from the real run's history) with no domain logic.
 */
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadPlan } from '../client/planLoader';
import { BUILT_IN_SCENARIOS, runSimulation } from '../client/simulate';
import type { MailTransport } from '../activities';
import { smtpTransport } from '../infra/connection';
import { SEED_PLAN_PATH } from '../infra/paths';
import { MailSink } from '../infra/smtpSink';
import { createTimeSkippingEnvironment } from '../infra/testServer';
import { openStore } from '../store';
import { createCycleWorker } from '../worker/worker';
import { createBaselineActivities, type BaselineMailInput } from './baselineActivities';
import { pokeUpdate, type BaselineStep, type baselineYear } from './baselineWorkflows';
import { bundles } from './bundles';
import { CONFIG, log } from './config';
import { fmt, results, row } from './report';
import { instrumentDriver } from './yearDriver';
import { deriveScript, eventAccounting } from './yearHistory';
import { historyChain, median, onCleanup, ratio, round, type HistoryEvent } from './util';

export async function yearBench(dir: string) {
  const env = await createTimeSkippingEnvironment();
  const stopEnv = onCleanup('time-skipping server', () => env.teardown());
  const sink = await new MailSink().start();
  const stopSink = onCleanup('mail sink (year)', () => sink.stop());
  const transport = smtpTransport(sink.url);
  // What the plan-year's worker sent, by key: a local activity's input is not in the history, so the
  // baseline's script finds the e-mails to send here.
  const sentByKey = new Map<string, BaselineMailInput>();
  const recording: MailTransport = {
    sendMail: (m) => {
      const key = (m.headers as Record<string, string> | undefined)?.['X-Cycle-Key'];
      if (key) sentByKey.set(key, { key, to: m.to as string[], cc: m.cc as string[], subject: String(m.subject), text: String(m.text), html: String(m.html) });
      return transport.sendMail(m);
    },
  };
  const b = await bundles(dir);
  const plan = loadPlan(SEED_PLAN_PATH);
  // The product's default store (SQLite) holds the sent ledger and the report index, as in `cycle simulate` and
  // `npm start`; until round ten this bench's year ran on the ledger folder of earlier versions (an fsync per write).
  const yearStore = (name: string) => openStore({ dataDir: path.join(dir, name), legacy: false });
  const store = await yearStore('year-store');
  const unStore = onCleanup('year store', () => store.close());
  const namespace = env.namespace ?? 'default';
  const cycleWorker = await createCycleWorker({
    connection: env.nativeConnection,
    namespace,
    taskQueue: 'bench-year',
    transport: recording,
    mailFrom: 'assessment-group@bench.local',
    store,
    dataDir: path.join(dir, 'year-store'),
    workflowBundle: { code: b.cycle.code },
  });
  const scriptedMails = new Map<string, BaselineMailInput[]>();
  const baseWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace,
    taskQueue: 'bench-year-baseline',
    workflowBundle: { code: b.baseline.code },
    // The baseline's mail activities send what the real plan-year's sent (filled in once its history is read).
    activities: createBaselineActivities({ transport, scriptedMails }),
  });
  const running = Promise.all([cycleWorker.run(), baseWorker.run()]);
  const stopWorkers = async () => {
    if (cycleWorker.getState() === 'RUNNING') cycleWorker.shutdown();
    if (baseWorker.getState() === 'RUNNING') baseWorker.shutdown();
    await running;
  };
  const unWorkers = onCleanup('year workers', stopWorkers);
  const { driver, instrumentedStart, restore, envProxy } = instrumentDriver(env);
  const wf = env.client.workflow;
  const realMs: number[] = [];
  const baseMs: number[] = [];
  // The first year of each worker is a warm-up (JIT, first connections): reported on its own, not in the medians.
  const firstMs = { real: 0, baseline: 0 };
  let realChain: HistoryEvent[][] | undefined;
  let script: BaselineStep[][] | undefined;
  let baseId = '';
  try {
    for (let r = -1; r < CONFIG.runs; r++) {
      const t = performance.now();
      wf.start = instrumentedStart;
      let sim;
      try {
        sim = await runSimulation({ env: envProxy, taskQueue: 'bench-year', plan, scenario: BUILT_IN_SCENARIOS['all-on-time'], workflowId: `bench-year-${r}-${Date.now().toString(36)}` });
      } finally {
        restore();
      }
      const ms = performance.now() - t;
      if (!realChain) {
        realChain = await historyChain(env.client, sim.workflowId, (sim.handle as unknown as { firstExecutionRunId: string }).firstExecutionRunId);
        const derived = deriveScript(realChain, sentByKey);
        script = derived.script;
        for (const [ref, mails] of derived.mails) scriptedMails.set(ref, mails);
      }
      baseId = `bench-year-baseline-${r}-${Date.now().toString(36)}`;
      const tb = performance.now();
      const bh = await env.client.workflow.start<typeof baselineYear>('baselineYear', { taskQueue: 'bench-year-baseline', workflowId: baseId, args: [{ runs: script! }] });
      await pokeInTurn(env, baseId, script!, await env.currentTimeMs());
      await bh.result();
      const bms = performance.now() - tb;
      if (r < 0) {
        [firstMs.real, firstMs.baseline] = [ms, bms];
        for (const v of Object.values(driver)) [v.n, v.ms] = [0, 0];
        log(`  plan-year warm-up (each worker's first): ${fmt(ms / 1000, 2)} s (baseline ${fmt(bms / 1000, 2)} s)`);
        continue;
      }
      realMs.push(ms);
      baseMs.push(bms);
      log(`  plan-year ${r + 1}/${CONFIG.runs}: ${fmt(ms / 1000, 2)} s (baseline ${fmt(bms / 1000, 2)} s)`);
    }
    // Before/after: the same plan-year on a transport without TCP_NODELAY (the product's default before round two).
    const mailsDefault = sink.messages.filter((m) => m.header('x-bench-key') === undefined).length;
    const noDelayMs: number[] = [];
    {
      const transport2 = smtpTransport(sink.url, undefined, { noDelay: false });
      const store3 = await yearStore('year-store-nodelay');
      const unStore3 = onCleanup('year store (without TCP_NODELAY)', () => store3.close());
      const w3 = await createCycleWorker({
        connection: env.nativeConnection,
        namespace,
        taskQueue: 'bench-year-nodelay',
        transport: transport2,
        mailFrom: 'assessment-group@bench.local',
        store: store3,
        dataDir: path.join(dir, 'year-store-nodelay'),
        workflowBundle: { code: b.cycle.code },
      });
      const run3 = w3.run();
      try {
        // A warm-up year first, as for the product's worker above, so both medians are of warm years.
        for (let r = -1; r < CONFIG.runs; r++) {
          const t = performance.now();
          await runSimulation({ env, taskQueue: 'bench-year-nodelay', plan, scenario: BUILT_IN_SCENARIOS['all-on-time'], workflowId: `bench-year-nodelay-${r}-${Date.now().toString(36)}` });
          if (r >= 0) noDelayMs.push(performance.now() - t);
        }
      } finally {
        w3.shutdown();
        await run3;
        transport2.close?.();
        unStore3();
        await store3.close();
      }
      log(`  plan-year without TCP_NODELAY on the SMTP sockets: ${noDelayMs.map((x) => fmt(x / 1000, 2)).join(', ')} s`);
    }
    const first = await env.client.workflow.getHandle(baseId).describe();
    const baseChain = await historyChain(env.client, baseId, (first.raw.workflowExecutionInfo?.firstRunId as string | undefined) ?? first.runId);
    const real = eventAccounting(realChain!);
    const base = eventAccounting(baseChain);
    const mails = mailsDefault / (CONFIG.runs + 1);
    const total = realMs.reduce((x, y) => x + y, 0);
    const driverPerYear = Object.fromEntries(Object.entries(driver).map(([k, v]) => [k, { calls: round(v.n / CONFIG.runs, 0), ms: round(v.ms / CONFIG.runs, 0), pctOfWall: round((v.ms / total) * 100, 1) }]));
    const accounted = Object.values(driver).reduce((x, v) => x + v.ms, 0);
    driverPerYear.other = { calls: 0, ms: round((total - accounted) / CONFIG.runs, 0), pctOfWall: round(((total - accounted) / total) * 100, 1) };
    results.year = {
      plan: `${plan.unit.id} ${plan.year}`,
      scenario: 'all-on-time',
      runs: CONFIG.runs,
      wallMs: realMs.map((x) => round(x, 0)),
      firstYearMs: { real: round(firstMs.real, 0), baseline: round(firstMs.baseline, 0) },
      baselineWallMs: baseMs.map((x) => round(x, 0)),
      medianMs: round(median(realMs), 0),
      baselineMedianMs: round(median(baseMs), 0),
      ratio: ratio(median(realMs), median(baseMs)),
      mailsPerYear: mails,
      driverPerYear,
      withoutNoDelayMs: noDelayMs.map((x) => round(x, 0)),
      history: real,
      baselineHistory: base,
      script: script!.map((steps) => steps.map((s) => ('acts' in s ? `acts:${s.acts}` : 'updates' in s ? `updates:${s.updates}` : `sleep:${s.sleepMs}`)).join(' ')),
    };
    const s = '1 plan-year';
    const acts = (h: typeof real) => `${h.activities}+${h.localActivities} local`;
    row(s, `wall time per plan-year (seed plan ${plan.year}, all-on-time, median of ${CONFIG.runs} after a warm-up year)`, `${fmt(median(realMs) / 1000, 2)} s`, `${fmt(median(baseMs) / 1000, 2)} s`, median(realMs) / median(baseMs), `baseline: ${base.timers} timers, ${acts(base)} activities sending the same ${scriptedMailCount(scriptedMails)} e-mails (recipients, subject, text and HTML; no attachments), ${base.updates} no-op updates, ${base.runs} runs`);
    row(s, "  each worker's first plan-year (the warm-up, not in the median)", `${fmt(firstMs.real / 1000, 2)} s`, `${fmt(firstMs.baseline / 1000, 2)} s`, firstMs.real / firstMs.baseline, 'cold: JIT and first connections; `cycle simulate` below pays it in every run');
    row(s, `  TCP_NODELAY on the SMTP sockets: the plan-year as shipped vs. without it (median of ${noDelayMs.length})`, `${fmt(median(realMs) / 1000, 2)} s`, `${fmt(median(noDelayMs) / 1000, 2)} s`, median(realMs) / median(noDelayMs), 'baseline here: the same without TCP_NODELAY (after/before)');
    row(s, 'side effects: timers / activities / runs / updates', `${real.timers} / ${acts(real)} / ${real.runs} / ${real.updates}`, `${base.timers} / ${acts(base)} / ${base.runs} / ${base.updates}`, NaN, `${fmt(mails, 0)} e-mails per plan-year (batched: one local activity per event)`);
    const d = driverPerYear;
    row(s, 'where the plan-year wall time goes (simulation driver calls)', `updates ${d.update.calls}: ${d.update.pctOfWall}%, queries ${d.query.calls}: ${d.query.pctOfWall}%`, '', NaN, `env.sleep ${d.envSleep.calls}: ${d.envSleep.pctOfWall}%, result ${d.result.pctOfWall}%, currentTime ${d.currentTime.calls}: ${d.currentTime.pctOfWall}%, other (settle polling, local) ${d.other.pctOfWall}%`);
    row(s, 'history events per plan-year', String(real.totalEvents), String(base.totalEvents), real.totalEvents / base.totalEvents);
    const bt = real.byType;
    const extra = real.totalEvents - real.minimumEvents;
    const updEvents = (bt.WORKFLOW_EXECUTION_UPDATE_ACCEPTED ?? 0) + (bt.WORKFLOW_EXECUTION_UPDATE_COMPLETED ?? 0);
    const patchEvents = (bt.MARKER_RECORDED ?? 0) - real.localActivities + (bt.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? 0);
    row(s, 'history events vs. the minimum for its side effects', `${real.totalEvents} / ${real.minimumEvents}`, `${base.totalEvents} / ${base.minimumEvents}`, real.actualOverMinimum, `+${extra}: ${updEvents} update accepted/completed, ${patchEvents} patch markers + change-version upserts, ${3 * (real.workflowTasksCompleted - real.workflowTasksMinimum)} extra WFT events`);
    row(s, 'history events per run: max / median', `${real.perRunMax} / ${real.perRunMedian}`, `${base.perRunMax} / ${base.perRunMedian}`, real.perRunMax / base.perRunMax, 'ratio of the max');
    row(s, 'workflow tasks per plan-year (actual / minimum)', `${real.workflowTasksCompleted} / ${real.workflowTasksMinimum}`, `${base.workflowTasksCompleted} / ${base.workflowTasksMinimum}`, real.workflowTasksCompleted / base.workflowTasksCompleted);
  } finally {
    unWorkers();
    await stopWorkers();
    transport.close?.();
    unStore();
    await store.close();
    await sinkStopNow(sink, stopSink);
    await envStopNow(env, stopEnv);
  }
}

/**
 * The baseline's updates, sent as the simulation driver sends its own: it moves the clock to a step's time (the sum
 * of the script's sleeps before it), then sends that step's updates at once (the real cycle received them together).
 * One that belongs to the next run (the hand-over is still under way) is refused by this one and sent again.
 */
async function pokeInTurn(env: TestWorkflowEnvironment, workflowId: string, script: BaselineStep[][], startedAt: number) {
  const poke = async (k: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await env.client.workflow.getHandle(workflowId).executeUpdate(pokeUpdate, { args: [k] });
        return;
      } catch (e) {
        if (attempt > 2000) throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  };
  let due = startedAt;
  let k = 0;
  for (const step of script.flat()) {
    if ('sleepMs' in step) due += step.sleepMs;
    if (!('updates' in step)) continue;
    const now = await env.currentTimeMs();
    if (due > now) await env.sleep(due - now);
    const from = k;
    k += step.updates;
    await Promise.all(Array.from({ length: step.updates }, (_, i) => poke(from + i)));
  }
}

function scriptedMailCount(m: Map<string, BaselineMailInput[]>): number {
  let n = 0;
  for (const mails of m.values()) n += mails.length;
  return n;
}

async function sinkStopNow(sink: MailSink, unregister: () => void) {
  unregister();
  await sink.stop();
}
async function envStopNow(env: TestWorkflowEnvironment, unregister: () => void) {
  unregister();
  await env.teardown();
}
