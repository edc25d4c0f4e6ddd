/**
 * 4. start-up: spawning `node dist/client/start.js` until it prints "Supervision cycle engine is
 * running", cold (fresh DATA_DIR) and warm (the same one again), bundling at start and with the
 * workflow bundle cache, beside `node -e "require('@temporalio/worker')"`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../infra/devServer';
import { REPO_ROOT } from '../infra/paths';
import { CONFIG, left, log } from './config';
import { fmt, results, row, warnings } from './report';
import { median, ratio, round, spawnTracked } from './util';

export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('TEMPORAL_') && !['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH', 'TEMPORAL_TOOLS_DIR'].includes(k)) continue;
    if (k.startsWith('SMTP_') || k.startsWith('BENCH_') || ['DATA_DIR', 'PLAN_FILE', 'PLAN_YEAR', 'MAIL_LEDGER_DIR', 'REPORTS_DIR', 'EVIDENCE_DIR'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

async function startupOnce(dataDir: string, bundleCache: boolean) {
  const [port, uiPort, sinkPort] = [await freePort(), await freePort(), await freePort()];
  const p = spawnTracked(process.execPath, [path.join(REPO_ROOT, 'dist', 'client', 'start.js')], {
    cwd: REPO_ROOT,
    env: cleanEnv({
      DATA_DIR: dataDir,
      DEV_SERVER_PORT: String(port),
      DEV_SERVER_UI_PORT: String(uiPort),
      SMTP_SINK_PORT: String(sinkPort),
      // The product's own switch: the cache under DATA_DIR/bundle (1, the default) or bundling at every start (0).
      WORKFLOW_BUNDLE_CACHE: bundleCache ? '1' : '0',
    }),
    group: true,
  });
  try {
    const ready = await p.waitFor(/Supervision cycle engine is running \(ready in ([\d.]+) s\)/, 120_000);
    const stopped = await p.stop('SIGINT', 30_000);
    return { readyMs: ready.ms, selfReportedMs: Number(ready.match[1]) * 1000, stopMs: stopped.ms, exit: stopped.code ?? stopped.signal };
  } finally {
    await p.stop('SIGKILL', 5_000);
  }
}

async function requireOnce() {
  const p = spawnTracked(process.execPath, ['-e', "require('@temporalio/worker')"], { cwd: REPO_ROOT, env: cleanEnv({}) });
  const r = await p.exited;
  if (r.code !== 0) throw new Error(`node -e "require('@temporalio/worker')" exited ${r.code ?? r.signal}: ${p.output().slice(-500)}`);
  return performance.now() - p.spawnedAt;
}

export async function startupBench() {
  const without = { cold: [] as number[], warm: [] as number[] };
  const cached = { cold: [] as number[], warm: [] as number[] };
  const base: number[] = [];
  const detail: unknown[] = [];
  for (let r = 0; r < CONFIG.runs; r++) {
    if (r > 0 && left() < 240_000) {
      warnings.push(`startup: stopped after ${r} run(s) to stay within the time budget`);
      break;
    }
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-start-data-'));
    const cacheDataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-start-data-'));
    try {
      base.push(await requireOnce());
      // Without the cache, the worker bundles at every start; with it, cold builds and writes the bundle, warm reads it.
      const c = await startupOnce(dataDir, false);
      const w = await startupOnce(dataDir, false);
      const cc = await startupOnce(cacheDataDir, true);
      const cw = await startupOnce(cacheDataDir, true);
      without.cold.push(c.readyMs);
      without.warm.push(w.readyMs);
      cached.cold.push(cc.readyMs);
      cached.warm.push(cw.readyMs);
      detail.push({ cold: c, warm: w, bundleCacheCold: cc, bundleCacheWarm: cw, requireMs: round(base[r], 0) });
      log(`  start-up ${r + 1}/${CONFIG.runs}: without cache cold ${fmt(c.readyMs / 1000, 2)} s, warm ${fmt(w.readyMs / 1000, 2)} s; bundle cache cold ${fmt(cc.readyMs / 1000, 2)} s, warm ${fmt(cw.readyMs / 1000, 2)} s (require ${fmt(base[r], 0)} ms)`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(cacheDataDir, { recursive: true, force: true });
    }
  }
  const m = (xs: number[]) => median(xs);
  results.startup = {
    runs: detail,
    coldMedianMs: round(m(without.cold), 0),
    warmMedianMs: round(m(without.warm), 0),
    bundleCacheColdMedianMs: round(m(cached.cold), 0),
    bundleCacheWarmMedianMs: round(m(cached.warm), 0),
    baselineMedianMs: round(m(base), 0),
    coldRatio: ratio(m(without.cold), m(base)),
    warmRatio: ratio(m(without.warm), m(base)),
    bundleCacheWarmRatio: ratio(m(cached.warm), m(base)),
  };
  const s = '4 start-up';
  const req = `${fmt(m(base), 0)} ms`;
  const note = "baseline: node -e \"require('@temporalio/worker')\"";
  row(s, `start.js spawn → "engine is running", bundling at start, cold (fresh DATA_DIR; median of ${without.cold.length})`, `${fmt(m(without.cold) / 1000, 2)} s`, req, m(without.cold) / m(base), note);
  row(s, `  … bundling at start, warm (same DATA_DIR)`, `${fmt(m(without.warm) / 1000, 2)} s`, req, m(without.warm) / m(base), note);
  row(s, `  … with the bundle cache, cold (builds and writes the bundle)`, `${fmt(m(cached.cold) / 1000, 2)} s`, req, m(cached.cold) / m(base), note);
  row(s, `  … with the bundle cache, warm (reads it)`, `${fmt(m(cached.warm) / 1000, 2)} s`, req, m(cached.warm) / m(base), note);
  row(s, '  bundle cache warm vs. bundling at start, warm', `${fmt(m(cached.warm) / 1000, 2)} s`, `${fmt(m(without.warm) / 1000, 2)} s`, m(cached.warm) / m(without.warm), 'after/before');
}
