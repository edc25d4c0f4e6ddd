/**
 * Loaded with `node -r dist/bench/bundleCacheHook.js dist/client/start.js`: forces the workflow
 * bundle cache (worker/bundle.ts) on (BENCH_BUNDLE_CACHE=1) or off (=0) in start.js's worker,
 * whatever start.js passes, so the start-up section can compare both in one run. No product file
 * is changed: the exported createCycleWorker is wrapped in memory.
 */
import * as path from 'node:path';

const setting = process.env.BENCH_BUNDLE_CACHE;
if (setting === '0' || setting === '1') {
  const mod = require(path.join(__dirname, '..', 'worker', 'worker')) as typeof import('../worker/worker');
  const original = mod.createCycleWorker;
  mod.createCycleWorker = (o) => original({ ...o, bundleCache: setting === '1' });
}
