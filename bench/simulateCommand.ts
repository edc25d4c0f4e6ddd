/**
 * 1b. `cycle simulate` of the seed plan as a user runs it: the whole command (process start, loading,
 * the private time-skipping server, mail sink and worker, the year, the report, teardown), wall
 * time from spawn to exit. The first run fills the workflow bundle cache in the bench's DATA_DIR
 * and is not counted; the median of the warm runs is set against the goal of 2.5 s.
 */
import * as path from 'node:path';
import { REPO_ROOT, SEED_PLAN_PATH } from '../infra/paths';
import { CONFIG, log } from './config';
import { fmt, results, row } from './report';
import { median, round, spawnTracked } from './util';

const GOAL_MS = 2500;

export async function simulateCommandBench(dir: string) {
  const env = { ...process.env, DATA_DIR: path.join(dir, 'simulate-command'), CI: 'true' };
  const once = async () => {
    const p = spawnTracked(process.execPath, [path.join(REPO_ROOT, 'bin', 'cycle.js'), 'simulate', SEED_PLAN_PATH], { cwd: REPO_ROOT, env });
    const { code } = await p.exited;
    if (code !== 0) throw new Error(`cycle simulate exited with ${code}: ${p.output().slice(-500)}`);
    return performance.now() - p.spawnedAt;
  };
  const warmUp = await once();
  const ms: number[] = [];
  for (let r = 0; r < CONFIG.runs; r++) ms.push(await once());
  log(`  cycle simulate (whole command): ${ms.map((x) => fmt(x / 1000, 2)).join(', ')} s (first, filling the bundle cache: ${fmt(warmUp / 1000, 2)} s)`);
  results.simulateCommand = { wallMs: ms.map((x) => round(x, 0)), medianMs: round(median(ms), 0), firstRunMs: round(warmUp, 0), goalMs: GOAL_MS };
  row('1 plan-year', `cycle simulate of the seed plan, the whole command (spawn to exit, median of ${CONFIG.runs})`, `${fmt(median(ms) / 1000, 2)} s`, `${fmt(GOAL_MS / 1000, 1)} s`, median(ms) / GOAL_MS, 'baseline here: the goal (issue 15)');
}
