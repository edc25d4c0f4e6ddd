/**
 * The on-disk workflow bundle cache (worker/bundle.ts): a second start reuses the bundle, and a
 * change to any file the workflows reach (here a "domain" file two imports away), to the lockfile
 * or to the bundler options gives a new key, so stale code is never run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../infra/paths';
import { bundleKey, workflowBundleFor, workflowSources } from '../../worker/bundle';
import { WORKFLOWS_PATH } from '../../worker/worker';

let root: string;
let entry: string;
let rule: string;
let lockfile: string;
let cacheDir: string;

beforeEach(() => {
  // Inside the repository: the bundler resolves @temporalio/workflow from the workflows' own folder upwards.
  mkdirSync(path.join(REPO_ROOT, '.data'), { recursive: true });
  root = mkdtempSync(path.join(REPO_ROOT, '.data', 'bundle-test-'));
  mkdirSync(path.join(root, 'workflows'));
  mkdirSync(path.join(root, 'domain'));
  entry = path.join(root, 'workflows', 'index.ts');
  rule = path.join(root, 'domain', 'rule.ts');
  lockfile = path.join(root, 'package-lock.json');
  cacheDir = path.join(root, 'cache');
  writeFileSync(entry, "export { greeting } from './greeting';\n");
  writeFileSync(path.join(root, 'workflows', 'greeting.ts'), "import { word } from '../domain/rule';\nexport async function greeting(): Promise<string> {\n  return word();\n}\n");
  writeFileSync(rule, "export const word = (): string => 'first-version';\n");
  writeFileSync(lockfile, '{"lockfileVersion":3}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('the sources are every file reached through relative imports', () => {
  expect(workflowSources(entry).map((f) => path.relative(root, f))).toEqual(['domain/rule.ts', 'workflows/greeting.ts', 'workflows/index.ts']);
});

test('the product workflows reach the domain modules they use', () => {
  const names = workflowSources(WORKFLOWS_PATH).map((f) => path.basename(path.dirname(f)) + '/' + path.basename(f).replace(/\.(ts|js)$/, ''));
  expect(names).toEqual(expect.arrayContaining(['workflows/index', 'workflows/cycle', 'domain/scoring', 'domain/plan', 'domain/calendar']));
});

test('built once, reused on the next start, rebuilt when a file two imports away changes', async () => {
  const first = await workflowBundleFor({ workflowsPath: entry, cacheDir, lockfile });
  expect(first.built).toBe(true);
  expect(readFileSync(first.codePath, 'utf8')).toContain('first-version');

  const again = await workflowBundleFor({ workflowsPath: entry, cacheDir, lockfile });
  expect(again).toMatchObject({ built: false, codePath: first.codePath, key: first.key });

  writeFileSync(rule, "export const word = (): string => 'second-version';\n");
  const changed = await workflowBundleFor({ workflowsPath: entry, cacheDir, lockfile });
  expect(changed.built).toBe(true);
  expect(changed.key).not.toBe(first.key);
  const code = readFileSync(changed.codePath, 'utf8');
  expect(code).toContain('second-version');
  expect(code).not.toContain('first-version');
});

test("the bundle's source map keeps the positions of every source but not their text", async () => {
  const { codePath } = await workflowBundleFor({ workflowsPath: entry, cacheDir, lockfile });
  const code = readFileSync(codePath, 'utf8');
  const inline = code.slice(code.lastIndexOf('//# sourceMappingURL=data:'));
  const map = JSON.parse(Buffer.from(inline.slice(inline.indexOf('base64,') + 'base64,'.length), 'base64').toString()) as { sources: string[]; mappings: string; sourcesContent?: unknown[] };
  expect(map.sources).toEqual(expect.arrayContaining([rule, path.join(root, 'workflows', 'greeting.ts')]));
  expect(map.mappings.length).toBeGreaterThan(1000);
  expect(map.sourcesContent ?? []).toEqual([]);
  expect(code).not.toContain("const word = (): string => 'first-version'"); // the TypeScript text is not carried along
});

test('the lockfile and the bundler options are part of the key', () => {
  const before = bundleKey({ workflowsPath: entry, lockfile });
  writeFileSync(lockfile, '{"lockfileVersion":3,"packages":{"node_modules/zod":{"version":"3.25.77"}}}\n');
  const afterLock = bundleKey({ workflowsPath: entry, lockfile });
  expect(afterLock).not.toBe(before);
  expect(bundleKey({ workflowsPath: entry, lockfile, preloadModules: ['zod'] })).not.toBe(afterLock);
  expect(bundleKey({ workflowsPath: entry, lockfile })).toBe(afterLock);
});
