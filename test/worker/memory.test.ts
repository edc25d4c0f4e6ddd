/**
 * worker/memory.ts sets V8's heap growth for the worker's process (WORKER_HEAP_GROWING_PERCENT). The check is what
 * V8 does: the same garbage (a rolling window of live objects, each dying after it has been promoted, as a month-end
 * dispatch's are) costs far more full collections once the heap may grow only 30 % between them. Each run is a
 * fresh Node process: V8's flags are the process's.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { applyHeapGrowingPercent } from '../../worker/memory';
import { REPO_ROOT } from '../../infra/paths';

function fullCollections(percent?: number): number {
  const script = `
    require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'worker', 'memory.js'))}).applyHeapGrowingPercent(${percent ?? 'undefined'});
    const ring = new Array(1_000_000);
    for (let i = 0; i < 30_000_000; i++) ring[i % ring.length] = { i, s: 'x' };`;
  const trace = execFileSync(process.execPath, ['--trace-gc', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return trace.split('\n').filter((l) => l.includes('Mark-Compact')).length;
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
