/** What a what-if starts from: a read-only copy of a live cycle (two queries; the live cycle is never touched). */
import type { CycleState } from '../../domain/cycle';
import type { Plan } from '../../domain/plan';
import { stateQuery } from '../../workflows/messages';
import type { AppContext, CycleRef } from '../context';
import { openCycle, query } from '../cycles';
import { AppError } from '../errors';

export interface CycleSnapshot {
  plan: Plan;
  state: CycleState;
  /** The live cycle's plan clock when the copy was taken. */
  planNow: number;
}

export async function cycleSnapshot(ctx: AppContext, ref: CycleRef): Promise<CycleSnapshot> {
  const { handle, plan } = await openCycle(ctx, ref);
  const state = await query(handle, (h) => h.query(stateQuery));
  if (state.phase !== 'running') throw new AppError('refused', 'WRONG_PHASE', `the ${ref.year} cycle of ${ref.unitId} is in its ${state.phase} phase: a what-if needs a year still running`);
  return { plan, state, planNow: (ctx.now ?? Date.now)() + state.clockOffsetMs };
}
