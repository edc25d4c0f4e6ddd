/**
 * The bench's memory section reads issue 15's goal from alternated runs: its order and its bracketed ratios decide
 * whether "within 1.2x of unbounded" is reported met, so they are checked here (the runs themselves are the bench's).
 */
import { alternation, bracketedRatios } from '../../bench/memoryAtScale';
import type { DispatchResult } from '../../bench/dispatchTypes';

const run = (kind: 'unbounded' | 'product', dispatchMs: number, ok = true) => ({ kind, r: { ok, dispatchMs } as DispatchResult });

describe('bench memory section', () => {
  it('starts and ends with an unbounded run, one product run between each pair', () => {
    expect(alternation(1)).toEqual(['unbounded', 'product', 'unbounded']);
    expect(alternation(2)).toEqual(['unbounded', 'product', 'unbounded', 'product', 'unbounded']);
  });

  it('compares each product run with the mean of the unbounded runs on either side', () => {
    const ratios = bracketedRatios([run('unbounded', 40_000), run('product', 55_000), run('unbounded', 60_000), run('product', 66_000), run('unbounded', 50_000)]);
    expect(ratios).toEqual([55_000 / 50_000, 66_000 / 55_000]);
  });

  it('leaves failed runs out: a failed neighbour leaves one side, a failed product run no ratio', () => {
    expect(bracketedRatios([run('unbounded', 40_000, false), run('product', 44_000), run('unbounded', 40_000)])).toEqual([1.1]);
    expect(bracketedRatios([run('unbounded', 40_000), run('product', 44_000, false), run('unbounded', 40_000)])).toEqual([]);
    // A product run cut short by the budget (no unbounded run after it) still has the one before.
    expect(bracketedRatios([run('unbounded', 40_000), run('product', 48_000)])).toEqual([1.2]);
  });
});
