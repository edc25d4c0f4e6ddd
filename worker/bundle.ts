/**
 * The workflow bundle, built once and cached on disk, keyed by a hash of everything that goes into
 * it: every source file the workflows reach through relative imports (workflows/, domain/ and
 * anything they import), package-lock.json, the SDK's version and the bundler options. Bundling
 * takes 1.5–2 s of CPU at every worker start; a cache hit takes a few milliseconds. A changed
 * source changes the key, so a stale bundle can never run: it is simply not found.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { REPO_ROOT } from '../infra/paths';

/** The workflows' entry point (compiled or, under ts-jest, the sources). */
export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '..', 'workflows'));

/**
 * Modules evaluated once per worker thread and shared by every workflow run, instead of once per run
 * (the SDK's preloadModules; the SDK deep-freezes their exports): zod, luxon and every domain/ and
 * workflows/ module. All are free of per-workflow state:
 * - the domain is pure functions over the plan and state each run passes in (lint-enforced: no
 *   clock, no randomness, no I/O); its module-level memos are caches of pure results keyed by what
 *   they are computed from, and its zod schemas are built on first use into a closure the freeze
 *   does not reach;
 * - a workflows/ module's top level only defines: update and query definitions, activity proxies
 *   (which reach the running workflow when called, not when made) and constants (lint-enforced: no
 *   top-level `let` or `var`); what a run holds lives in the workflow function's own scope.
 * Each cached cycle then holds its state and plan, not its own copy of the code's module objects
 * (109 KiB of heap per cached cycle, against 127 KiB with workflows/ evaluated per run), and a cycle
 * replayed after its eviction evaluates none of them again. The domain and the packages also find
 * their built-ins in module scope (cycleWebpackConfig, worker/bindBuiltins.cjs).
 */
export function preloadModules(workflowsPath = WORKFLOWS_PATH, sources = workflowSources(workflowsPath)): string[] {
  const roots = [domainDir(workflowsPath), path.dirname(workflowsPath) + path.sep];
  const own = sources.filter((f) => roots.some((r) => f.startsWith(r)) && !f.endsWith('.json'));
  return [...PRELOADED_PACKAGES, ...own.map((f) => f.replace(/\.(ts|js)$/, ''))];
}

const PRELOADED_PACKAGES = ['zod', 'luxon'];

/** The domain folder beside the workflows' (sources or dist), with a trailing separator. */
function domainDir(workflowsPath: string): string {
  return path.join(path.dirname(path.dirname(workflowsPath)), 'domain') + path.sep;
}

/** The folders whose files get their built-ins bound: domain/ and the preloaded packages. */
function builtinsBoundIn(workflowsPath: string): string[] {
  const packageRoot = (name: string) => {
    const main = require.resolve(name);
    const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
    return main.slice(0, main.lastIndexOf(marker) + marker.length);
  };
  return [domainDir(workflowsPath), ...PRELOADED_PACKAGES.map(packageRoot)];
}

/** The loader that binds the built-ins of the preloaded modules (plain JavaScript: webpack loads it as is, from the sources or dist). */
export const BIND_BUILTINS_LOADER = path.join(REPO_ROOT, 'worker', 'bindBuiltins.cjs');

/**
 * The bundle's inline source map keeps every position, so a workflow error's stack trace still names the TypeScript
 * file, line and column, but not the sources' text (webpack's default copies every module's source into the map: 1.7
 * of the bundle's 3.6 MB). The worker parses the map and compiles the bundle on every start, on its main thread and
 * again on each workflow thread: the smaller bundle (1.9 MB) makes Worker.create about 90 ms faster here.
 */
export const BUNDLE_DEVTOOL = 'inline-nosources-source-map';

/** The bundler's webpack configuration with that source map: for every bundle a worker runs, the bench's included. */
export const withBundleDevtool: NonNullable<BundleOptions['webpackConfigHook']> = (config) => ({ ...config, devtool: BUNDLE_DEVTOOL });

/**
 * The cycle bundle's webpack configuration: that source map, and worker/bindBuiltins.cjs run last on every file of
 * the domain, zod and luxon (its header says why and why it is safe). Not on workflows/, which does little work of its
 * own: there is nothing to win there.
 */
export function cycleWebpackConfig(workflowsPath = WORKFLOWS_PATH): NonNullable<BundleOptions['webpackConfigHook']> {
  const roots = builtinsBoundIn(workflowsPath);
  const bindBuiltins = { enforce: 'post' as const, test: /\.([cm]?js|ts)$/, include: (file: string) => roots.some((r) => file.startsWith(r)), use: [{ loader: BIND_BUILTINS_LOADER }] };
  return (config) => withBundleDevtool({ ...config, module: { ...config.module, rules: [...(config.module?.rules ?? []), bindBuiltins] } });
}

/** What the bundler is told besides the entry point, shared by the cache and the tests' in-memory bundles. */
export function bundlerOptions(workflowsPath = WORKFLOWS_PATH, sources?: string[]): Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'> {
  return { preloadModules: preloadModules(workflowsPath, sources), webpackConfigHook: cycleWebpackConfig(workflowsPath) };
}

export interface BundleCacheOptions {
  workflowsPath: string;
  /** Where bundles are kept (callers pass DATA_DIR/bundle from the configuration; this default is for tools). */
  cacheDir?: string;
  /** Hashed with the sources: the installed dependency tree (default: the repository's package-lock.json). */
  lockfile?: string;
  /** Bundler options that change the output (part of the key). Default: preloadModules(workflowsPath). */
  preloadModules?: BundleOptions['preloadModules'];
  ignoreModules?: BundleOptions['ignoreModules'];
}

export interface CachedBundle {
  codePath: string;
  key: string;
  /** False on a cache hit. */
  built: boolean;
  ms: number;
  /** The source files that went into the key. */
  sources: string[];
}

/** Bump when the way bundles are built or keyed changes, so old entries are never reused. */
const FORMAT = 2;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const EXTENSIONS = ['', '.ts', '.js', '.json', '/index.ts', '/index.js'];

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every file reachable from the entry through relative imports (type-only imports included: it is
 * cheaper to rebuild once too often than to miss a file). Package imports are covered by the lockfile.
 */
export function workflowSources(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.json')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      if (!m[1].startsWith('.')) continue;
      const dep = resolveRelative(file, m[1]);
      if (dep) queue.push(dep);
    }
  }
  return [...seen].sort();
}

function sdkVersion(): string {
  return (require('@temporalio/worker/package.json') as { version: string }).version;
}

export function bundleKey(o: BundleCacheOptions, sources = workflowSources(o.workflowsPath)): string {
  const h = createHash('sha256');
  const entry = (name: string, body: string | Buffer) => h.update(`${name}\0${body.length}\0`).update(body);
  entry('format', String(FORMAT));
  entry('sdk', sdkVersion());
  // Paths relative to the checkout, like the sources: the same code gives the same key wherever it is.
  const root = path.dirname(path.dirname(o.workflowsPath));
  const preload = (o.preloadModules ?? preloadModules(o.workflowsPath, sources)).map((m) => (path.isAbsolute(m) ? path.relative(root, m) : m));
  entry('options', JSON.stringify({ preloadModules: preload, ignoreModules: o.ignoreModules ?? [], devtool: BUNDLE_DEVTOOL }));
  entry('loader', readFileSync(BIND_BUILTINS_LOADER));
  const lockfile = o.lockfile ?? path.join(REPO_ROOT, 'package-lock.json');
  entry('lockfile', existsSync(lockfile) ? readFileSync(lockfile) : 'none');
  for (const f of sources) entry(path.relative(root, f), readFileSync(f));
  return h.digest('hex').slice(0, 32);
}

/** The cached bundle for these sources, building (and caching) it when there is none. */
export async function workflowBundleFor(o: BundleCacheOptions): Promise<CachedBundle> {
  const t0 = performance.now();
  const sources = workflowSources(o.workflowsPath);
  const key = bundleKey(o, sources);
  const dir = o.cacheDir ?? path.join(REPO_ROOT, '.data', 'bundle');
  const codePath = path.join(dir, `workflows-${key}.js`);
  if (existsSync(codePath)) return { codePath, key, built: false, ms: performance.now() - t0, sources };
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: o.workflowsPath,
    preloadModules: o.preloadModules ?? preloadModules(o.workflowsPath, sources),
    webpackConfigHook: cycleWebpackConfig(o.workflowsPath),
    ignoreModules: o.ignoreModules,
    logger: new DefaultLogger('WARN'),
  });
  mkdirSync(dir, { recursive: true });
  // Written whole, then renamed: a worker starting at the same moment sees the old state or the new file, never half of it.
  const tmp = `${codePath}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, codePath);
  pruneOld(dir, codePath);
  return { codePath, key, built: true, ms: performance.now() - t0, sources };
}

/** Bundles unused for a week go: each source change leaves one behind (about 2 MB). */
function pruneOld(dir: string, keep: string) {
  const weekAgo = Date.now() - 7 * 86_400_000;
  for (const name of readdirSync(dir)) {
    const f = path.join(dir, name);
    if (f === keep || !name.startsWith('workflows-')) continue;
    try {
      if (statSync(f).atimeMs < weekAgo) rmSync(f, { force: true });
    } catch {
      // another worker pruned it first
    }
  }
}
