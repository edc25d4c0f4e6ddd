/**
 * worker/memory.ts sets V8's heap growth for the worker's process (WORKER_HEAP_GROWING_PERCENT) and the workflow
 * thread's heap limit (WORKER_WORKFLOW_HEAP_MIB). The check is what V8 does: the same garbage (a rolling window of
 * live objects, each dying after it has been promoted, as a month-end dispatch's are) costs far more full collections
 * once the heap may grow only 30 % between them. Each run is a fresh Node process: V8's flags are the process's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { applyHeapGrowingPercent, applyWorkflowHeapLimit } from '../../worker/memory';
import { REPO_ROOT } from '../../infra/paths';

const MEMORY_JS = JSON.stringify(path.join(REPO_ROOT, 'dist', 'worker', 'memory.js'));
/** The garbage: a rolling window of a million live objects, thirty million made. */
const GARBAGE = `const ring = new Array(1_000_000); for (let i = 0; i < 30_000_000; i++) ring[i % ring.length] = { i, s: 'x' };`;
const markCompacts = (trace: string) => trace.split('\n').filter((l) => l.includes('Mark-Compact')).length;
const BIG = { encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024 };

function fullCollections(percent?: number): number {
  const script = `require(${MEMORY_JS}).applyHeapGrowingPercent(${percent ?? 'undefined'}); ${GARBAGE}`;
  return markCompacts(execFileSync(process.execPath, ['--trace-gc', '-e', script], BIG));
}

test('30 % makes V8 collect the old generation several times as often as its own heuristics; 0 leaves them', () => {
  const own = fullCollections(undefined);
  const zero = fullCollections(0);
  const thirty = fullCollections(30);
  expect(own).toBeGreaterThan(0);
  expect(Math.abs(zero - own)).toBeLessThanOrEqual(2);
  expect(thirty).toBeGreaterThanOrEqual(2.5 * own);
}, 60_000);

test.each([-1, 2.5, 201])('%s percent is refused, naming the range', (p) => {
  expect(() => applyHeapGrowingPercent(p)).toThrow(/whole number from 1 to 200/);
});

/**
 * In a fresh process whose own heap limit is `ownMiB` (set on its command line, so the check does not depend on the
 * host's memory): the main thread's limit before and after applyWorkflowHeapLimit(mib), then a new thread's limit and
 * the full collections the same garbage costs it (as above, but in the thread, where the cached cycles live). The
 * figures come back on stderr; V8's GC trace has stdout to itself.
 */
function threadHeap(ownMiB: number, mib?: number) {
  const script = `
    const v8 = require('node:v8'); const { Worker } = require('node:worker_threads');
    const limit = () => Math.round(v8.getHeapStatistics().heap_size_limit / 1048576);
    const mainBefore = limit();
    const applied = require(${MEMORY_JS}).applyWorkflowHeapLimit(${mib ?? 'undefined'});
    const body = \`
      const v8 = require('node:v8'); const { parentPort } = require('node:worker_threads');
      ${GARBAGE}
      parentPort.postMessage(Math.round(v8.getHeapStatistics().heap_size_limit / 1048576));\`;
    new Worker(body, { eval: true }).on('message', (thread) => console.error(JSON.stringify({ mainBefore, mainAfter: limit(), applied, thread })));`;
  const r = spawnSync(process.execPath, [`--max-old-space-size=${ownMiB}`, '--trace-gc', '-e', script], BIG);
  if (r.status !== 0) throw new Error(`the child failed (${r.status}): ${r.stderr}`);
  const seen = JSON.parse(r.stderr.trim().split('\n').pop()!) as { mainBefore: number; mainAfter: number; applied: boolean; thread: number };
  return { ...seen, fullCollections: markCompacts(r.stdout) };
}

test('a workflow heap limit holds for threads started after it, not the main thread, and makes V8 collect more often', () => {
  const own = threadHeap(4096);
  const limited = threadHeap(4096, 1024);
  // At 4 GiB the heap may grow up to 4x between full collections; at 1 GiB, at most about 1.6x.
  expect(own.thread).toBeGreaterThanOrEqual(4096);
  expect(limited.applied).toBe(true);
  expect(limited.thread).toBeGreaterThanOrEqual(1024);
  expect(limited.thread).toBeLessThan(1024 + 128); // the old space plus the young generation
  expect(limited.mainAfter).toBe(limited.mainBefore);
  expect(own.fullCollections).toBeGreaterThan(0);
  expect(limited.fullCollections).toBeGreaterThanOrEqual(1.5 * own.fullCollections);
}, 60_000);

test("a limit at or above the process's own is not applied: it never raises a small host's or an operator's", () => {
  const small = threadHeap(512, 1024);
  expect(small.applied).toBe(false);
  expect(small.thread).toBeLessThan(1024);
  expect(small.thread).toBe(small.mainBefore);
}, 60_000);

test.each([0.5, 100, 20_000])('a workflow heap limit of %s MiB is refused, naming the range', (mib) => {
  expect(() => applyWorkflowHeapLimit(mib)).toThrow(/whole number of MiB from 256 to 16384/);
});
