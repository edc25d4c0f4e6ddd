/**
 * Experiment only, loaded with `node -r dist/bench/prebuiltBundleHook.js dist/client/start.js`:
 * makes start.js's worker use the pre-built workflow bundle at BENCH_BUNDLE_PATH instead of
 * bundling the sources at start, to measure what a bundle built at build time would save.
 * No product file is changed: the exported createCycleWorker is wrapped in memory.
 */
import * as path from 'node:path';

const bundlePath = process.env.BENCH_BUNDLE_PATH;
if (bundlePath) {
  const mod = require(path.join(__dirname, '..', 'worker', 'worker')) as typeof import('../worker/worker');
  const original = mod.createCycleWorker;
  mod.createCycleWorker = (o) => original({ ...o, workflowBundle: o.workflowBundle ?? { codePath: bundlePath } });
}
