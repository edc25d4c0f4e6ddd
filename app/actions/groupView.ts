/** What the assessment group and the bureau read whole: the plan and the cycle's state, for people who may read every office. */
import type { CycleState } from '../../domain/cycle';
import type { Plan } from '../../domain/plan';
import { stateQuery } from '../../workflows/messages';
import type { Actor, AppContext, CycleRef } from '../context';
import { openCycle, query } from '../cycles';
import { AppError } from '../errors';
import { readableOffices } from './read';

export async function groupRecord(ctx: AppContext, actor: Actor, ref: CycleRef): Promise<{ plan: Plan; state: CycleState }> {
  const { handle, plan } = await openCycle(ctx, ref);
  if (readableOffices(plan, actor) !== 'all') {
    throw new AppError('refused', 'NOT_AUTHORISED', `${actor.personId} is not in the assessment group, so sees only their own office's page: open it from the home page`);
  }
  return { plan, state: await query(handle, (h) => h.query(stateQuery)) };
}

/** May this actor read a report that references the evidence file? Only then is it served. */
export async function evidenceReadable(ctx: AppContext, actor: Actor, ref: CycleRef, sha256: string): Promise<boolean> {
  const { handle, plan } = await openCycle(ctx, ref);
  const allowed = readableOffices(plan, actor);
  const state = await query(handle, (h) => h.query(stateQuery));
  for (const p of Object.values(state.periods)) {
    for (const op of Object.values(p.offices)) {
      if (allowed !== 'all' && !allowed.includes(op.officeId)) continue;
      for (const r of [...op.previous, ...(op.report ? [op.report] : [])]) if (r.evidence.some((e) => e.sha256 === sha256)) return true;
    }
  }
  return false;
}
