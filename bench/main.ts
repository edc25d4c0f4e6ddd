/**
 * `npm run bench`: benchmarks of the supervision-cycle engine. Every timing is reported beside a
 * baseline measured in the same run, as a ratio; nothing here asserts on timing. One module per
 * section (bench/README.md describes each and the BENCH_* settings):
 *
 *   1. year      bench/year.ts       a simulated plan-year on the time-skipping server; bench/simulateCommand.ts: `cycle simulate` as a user runs it
 *   2. dispatch  bench/dispatch.ts   N cycles reaching the December month-end on the dev server
 *   3. scoring   bench/scoring.ts    scorePlan over 10,000 random value sets
 *   4. startup   bench/startup.ts    start.js until "engine is running", cold and warm
 *   5. profile   bench/tuning.ts     --cpu-prof of the worker during a dispatch
 *   6. tuning    bench/tuning.ts     one lever at a time against the product defaults
 *   2b. memory   bench/memoryAtScale.ts  2,000 cycles: the product's bounded worker against an unbounded one, alternated
 *                (after the tuning runs, on a dev server of its own)
 *
 * Results: bench/results/<timestamp>.json and latest.json.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { REPO_ROOT } from '../infra/paths';
import { requireProvisioned } from '../infra/provision';
import { bundleTimes } from './bundles';
import { CONFIG, elapsed, log, T_START, want, type Section } from './config';
import { boardSection, storeSection, webSection } from './appSections';
import { dispatchBench } from './dispatch';
import { checkContention, fmt, printTable, tmp, warnings, writeResults } from './report';
import { scoringBench } from './scoring';
import { startupBench } from './startup';
import { round, runCleanups } from './util';
import { simulateCommandBench } from './simulateCommand';
import { yearBench } from './year';

async function main() {
  let failed = false;
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping every server and child process …`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed already
  }
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAvgAtStart: os.loadavg().map((x) => round(x, 2)),
    temporalDevServer: requireProvisioned('dev').version,
    temporalTestServer: requireProvisioned('test').version,
  };
  log(`config: N=${CONFIG.ns.join(',')} runs=${CONFIG.runs} tuningN=${CONFIG.tuningN} sections=${CONFIG.only.join(',')} budget=${CONFIG.budgetMs / 1000} s; machine ${machine.cpus} cores, load ${machine.loadAvgAtStart.join(' ')}`);
  checkContention('start');
  const dir = tmp('work');
  const timings: Record<string, number> = {};
  const section = async (name: Section | 'dispatch+profile+tuning+memory', fn: () => Promise<void> | void) => {
    const t = Date.now();
    log(`== ${name}`);
    try {
      await fn();
    } catch (e) {
      failed = true;
      const msg = `${name}: ${(e as Error).stack ?? String(e)}`;
      warnings.push(msg.split('\n').slice(0, 4).join(' '));
      log(`FAILED ${msg}`);
    } finally {
      timings[name] = Date.now() - t;
      log(`   ${name} took ${fmt((Date.now() - t) / 1000, 1)} s`);
    }
  };
  try {
    if (want('scoring')) await section('scoring', () => (checkContention('scoring'), scoringBench()));
    if (want('year')) await section('year', async () => (checkContention('year'), await yearBench(dir), await simulateCommandBench(dir)));
    if (want('startup')) await section('startup', () => (checkContention('startup'), startupBench()));
    if (want('dispatch') || want('memory') || want('profile') || want('tuning')) await section('dispatch+profile+tuning+memory', () => dispatchBench(dir));
    if (want('store')) await section('store', () => (checkContention('store'), storeSection()));
    if (want('board')) await section('board', () => (checkContention('board'), boardSection()));
    if (want('web')) await section('web', () => (checkContention('web'), webSection()));
  } finally {
    log('stopping servers and child processes');
    await runCleanups();
  }
  const table = printTable();
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  const files = writeResults({
    startedAt: new Date(T_START).toISOString(),
    finishedAt: new Date().toISOString(),
    totalMs: elapsed(),
    sectionMs: timings,
    config: CONFIG,
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
    bundles: bundleTimes(),
    tableText: table,
  });
  log(`results: ${files.map((f) => path.relative(REPO_ROOT, f)).join(', ')}; total ${fmt(elapsed() / 1000, 1)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(e);
    await runCleanups();
    process.exit(1);
  },
);
