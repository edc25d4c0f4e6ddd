/** Finding a running cycle and talking to it, with every failure turned into an AppError. */
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { cycleWorkflowId } from '../domain/names';
import type { Plan } from '../domain/plan';
import type { supervisionCycle } from '../workflows/cycle';
import { planQuery } from '../workflows/messages';
import type { AppContext, CycleRef } from './context';
import { AppError, toAppError } from './errors';

export type CycleHandle = WorkflowHandle<typeof supervisionCycle>;

export interface OpenCycle {
  handle: CycleHandle;
  plan: Plan;
}

/** Plans are immutable for a cycle's life: read once per client and workflow id. */
const plans = new WeakMap<object, Map<string, Plan>>();

/** The cycle's handle and its (immutable) plan; NO_SUCH_CYCLE when there is none. */
export async function openCycle(ctx: AppContext, ref: CycleRef): Promise<OpenCycle> {
  const id = ref.workflowId ?? cycleWorkflowId(ref.unitId, ref.year);
  const handle = ctx.client.workflow.getHandle<typeof supervisionCycle>(id);
  const known = plans.get(ctx.client) ?? new Map<string, Plan>();
  plans.set(ctx.client, known);
  const cached = known.get(id);
  if (cached) return { handle, plan: cached };
  try {
    const plan = await handle.query(planQuery);
    if (known.size > 1000) known.clear(); // a bound, not a policy: plans are small and few
    known.set(id, plan);
    return { handle, plan };
  } catch (e) {
    const err = toAppError(e);
    if (err.kind === 'notFound' || (e as { code?: number }).code === 5) {
      throw new AppError('notFound', 'NO_SUCH_CYCLE', `no cycle for unit "${ref.unitId}" in ${ref.year}: check the unit id (\`cycle list\`) and the year, or start one with \`cycle start PLAN\``);
    }
    throw err;
  }
}

/**
 * Send an update and wait for its result. `requestId` (a form's one-time token, a CLI retry) becomes the update id,
 * so a repeated request returns the first result instead of acting twice.
 */
export async function sendUpdate<R, A>(handle: CycleHandle, def: UpdateDefinition<R, [A]>, arg: A, requestId?: string): Promise<R> {
  try {
    return await handle.executeUpdate(def, { args: [arg], ...(requestId ? { updateId: requestId } : {}) });
  } catch (e) {
    throw toAppError(e);
  }
}

export async function query<R>(handle: CycleHandle, fn: (h: CycleHandle) => Promise<R>): Promise<R> {
  try {
    return await fn(handle);
  } catch (e) {
    throw toAppError(e);
  }
}
