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

/** The cycle's handle and its (immutable) plan; NO_SUCH_CYCLE when there is none. */
export async function openCycle(ctx: AppContext, ref: CycleRef): Promise<OpenCycle> {
  const handle = ctx.client.workflow.getHandle<typeof supervisionCycle>(cycleWorkflowId(ref.unitId, ref.year));
  try {
    return { handle, plan: await handle.query(planQuery) };
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
