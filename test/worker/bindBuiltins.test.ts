/**
 * worker/bindBuiltins.cjs: the preloaded modules of the cycle bundle find their built-ins in module scope rather
 * than through the workflow context's global object. The bindings must be the very objects the context holds (the
 * SDK's deterministic Date above all), the modules must stay strict, and the other modules must be left alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { REPO_ROOT } from '../../infra/paths';
import { workflowBundleFor } from '../../worker/bundle';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { createTimeSkippingEnv } from '../helpers/temporal';

const { bindBuiltins, BUILTINS } = require('../../worker/bindBuiltins.cjs') as { bindBuiltins: (s: string) => string; BUILTINS: string[] };

/**
 * The text of the first module of a webpack bundle whose id matches, from its id comment to the next module's. Ids
 * differ by entry: from dist, zod and luxon come as CommonJS (.cjs, build/node); from the TypeScript sources (as
 * under Jest), as ES modules (.js, build/es6), which are strict without a directive.
 */
function moduleText(code: string, id: RegExp): string {
  const m = new RegExp(`!\\*\\*\\* (${id.source}) \\*\\*\\*!`).exec(code);
  if (!m) throw new Error(`no module matching ${id} in the bundle`);
  const next = code.indexOf('!*** ', m.index + m[0].length);
  return code.slice(m.index, next < 0 ? undefined : next);
}
const BOUND = '} = globalThis;';

describe('the loader', () => {
  test('binds after a "use strict" directive, past leading comments, and the module stays strict', () => {
    const source = '/* licence */\n// note\n"use strict";\nundeclared = Date.UTC(2026, 0, 1);\n';
    const out = bindBuiltins(source);
    expect(out.split('\n').length).toBe(source.split('\n').length); // no line moves, so the source map passed on stays right
    expect(out.indexOf('"use strict";')).toBeLessThan(out.indexOf('= globalThis;'));
    expect(() => vm.runInNewContext(out)).toThrow(/undeclared is not defined/); // strict: no implicit global
    expect(vm.runInNewContext(bindBuiltins("'use strict'\nDate.UTC(2026, 0, 1)"))).toBe(Date.UTC(2026, 0, 1));
  });

  test('puts the bindings first when there is no directive, or when "use strict" comes after code', () => {
    expect(bindBuiltins('module.exports = Math.max(1, 2);')).toMatch(/^const \{ [^}]+ \} = globalThis;module\.exports/);
    // Not a directive (it follows a statement): the bindings go first, not after it.
    expect(bindBuiltins('/* a */ foo(); /* b */ "use strict";')).toMatch(/^const \{/);
    // A long blank run without a directive is scanned once (a backtracking pattern would never finish).
    expect(bindBuiltins(`/* x */${' '.repeat(100_000)}f();`)).toMatch(/^const \{/);
    expect(BUILTINS).toEqual(expect.arrayContaining(['Date', 'Math', 'Map', 'Set', 'Object', 'Array', 'JSON']));
    for (const replaced of ['WeakRef', 'FinalizationRegistry', 'setTimeout', 'clearTimeout']) expect(BUILTINS).not.toContain(replaced); // the SDK replaces these
  });

  test('the worker image carries the loader (it is not compiled into dist/)', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')).toContain('COPY --from=build /app/worker/bindBuiltins.cjs ./worker/bindBuiltins.cjs');
  });
});

test('the product bundle binds them in the domain, zod and luxon, and nowhere else', async () => {
  mkdirSync(path.join(REPO_ROOT, '.data'), { recursive: true }); // absent in a fresh clone
  const cacheDir = mkdtempSync(path.join(REPO_ROOT, '.data', 'bind-test-'));
  try {
    const code = readFileSync((await workflowBundleFor({ workflowsPath: WORKFLOWS_PATH, cacheDir })).codePath, 'utf8');
    for (const id of [/\S*\/domain\/calendar\.[jt]s/, /\S*\/zod\/v3\/types\.c?js/, /\S*\/luxon\/build\/\S+/]) expect(moduleText(code, id)).toContain(BOUND);
    for (const id of [/\S*\/workflows\/cycle\.[jt]s/, /\S*\/@temporalio\/workflow\/lib\/global-overrides\.js/]) expect(moduleText(code, id)).not.toContain(BOUND);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

describe('in a running workflow', () => {
  let env: TestWorkflowEnvironment;
  let root: string;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    mkdirSync(path.join(REPO_ROOT, '.data'), { recursive: true });
    root = mkdtempSync(path.join(REPO_ROOT, '.data', 'bind-test-'));
    mkdirSync(path.join(root, 'workflows'));
    mkdirSync(path.join(root, 'domain'));
    writeFileSync(
      path.join(root, 'domain', 'probe.ts'),
      'export const builtins = () => ({ Date, Math, Map, now: Date.now(), random: Math.random() });\n' +
        "export const where = (): string => new Error('where').stack ?? '';\n",
    );
    writeFileSync(
      path.join(root, 'workflows', 'index.ts'),
      "import { builtins, where } from '../domain/probe';\n" +
        'export async function probe() {\n' +
        '  const seen = builtins();\n' +
        '  return { sameDate: seen.Date === Date, sameMath: seen.Math === Math, sameMap: seen.Map === Map, domainNow: seen.now, workflowNow: Date.now(), random: seen.random, where: where() };\n' +
        '}\n',
    );
  });
  afterAll(async () => {
    await env?.teardown();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test("a preloaded module's Date is the SDK's deterministic one, the very object the workflow sees", async () => {
    const entry = path.join(root, 'workflows', 'index.ts');
    const bundle = await workflowBundleFor({ workflowsPath: entry, cacheDir: path.join(root, 'cache') });
    expect(moduleText(readFileSync(bundle.codePath, 'utf8'), /\S*\/domain\/probe\.ts/)).toContain(BOUND);
    const taskQueue = `bind-${process.pid}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: bundle.codePath } });
    const running = worker.run();
    // A plain client: waiting on the time-skipping one lets the server skip ahead while the worker loads the bundle.
    const client = new Client({ connection: env.connection, namespace: env.namespace });
    const results = await Promise.all([1, 2].map((i) => client.workflow.execute('probe', { taskQueue, workflowId: `bind-probe-${i}-${Date.now()}` }))).finally(() => worker.shutdown());
    await running;
    for (const r of results) {
      expect(r).toMatchObject({ sameDate: true, sameMath: true, sameMap: true });
      expect(r.domainNow).toBe(r.workflowNow); // the activation's time, not the wall clock
      // The source map came through the loader: the stack names the TypeScript file and line of the bound module.
      expect(r.where).toMatch(/domain[\\/]probe\.ts:2:\d+/);
    }
    expect(results[0].random).not.toBe(results[1].random); // each workflow's own seeded Math.random, through the bound Math
  });
});
