/**
 * Workflow bundles for the bench, built once per run and reused by every worker. The cycle bundle
 * comes from the product's own cache (worker/bundle.ts) with its cache folder inside the bench's
 * work folder, so it is built fresh (and its build time measured) in every run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { withBundleDevtool, workflowBundleFor } from '../worker/bundle';
import { WORKFLOWS_PATH } from '../worker/worker';

export interface BuiltBundle {
  code: string;
  file: string;
  ms: number;
  modules?: string[];
}

const built: { cycle?: BuiltBundle; baseline?: BuiltBundle; preload?: BuiltBundle } = {};

export async function bundles(dir: string): Promise<{ cycle: BuiltBundle; baseline: BuiltBundle }> {
  if (!built.cycle) {
    const b = await workflowBundleFor({ workflowsPath: WORKFLOWS_PATH, cacheDir: path.join(dir, 'bundle-cache') });
    built.cycle = { code: readFileSync(b.codePath, 'utf8'), file: b.codePath, ms: b.ms };
  }
  if (!built.baseline) {
    const t = performance.now();
    // Built as the product's is (the same source-map setting), so a worker start costs both the same.
    const b = await bundleWorkflowCode({ workflowsPath: require.resolve('./baselineWorkflows'), webpackConfigHook: withBundleDevtool, logger: new DefaultLogger('WARN') });
    const file = path.join(dir, 'baseline-bundle.js');
    writeFileSync(file, b.code);
    built.baseline = { code: b.code, file, ms: performance.now() - t };
  }
  return { cycle: built.cycle, baseline: built.baseline };
}

/**
 * Before/after: the cycle bundle without the SDK's `preloadModules` (the product preloads zod, luxon,
 * domain/ and workflows/, worker/bundle.ts preloadModules), i.e. all evaluated again in every workflow run.
 */
export async function unpreloadedBundle(dir: string): Promise<BuiltBundle> {
  if (!built.preload) {
    const modules: string[] = [];
    const b = await workflowBundleFor({ workflowsPath: WORKFLOWS_PATH, cacheDir: path.join(dir, 'bundle-cache'), preloadModules: modules });
    built.preload = { code: readFileSync(b.codePath, 'utf8'), file: b.codePath, ms: b.ms, modules };
  }
  return built.preload;
}

/** Build times for the results file. */
export function bundleTimes() {
  return { cycle: built.cycle?.ms, baseline: built.baseline?.ms, withoutPreload: built.preload?.ms };
}
