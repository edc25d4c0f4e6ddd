/** What the assessment group and the bureau decide: approve or return, close a check, comment, instruct, verify, appraise. */
import type { VerificationInput } from '../../domain/actions';
import {
  closeCheckUpdate,
  commentReviewUpdate,
  instructUpdate,
  reviewReportUpdate,
  triggerAppraisalUpdate,
  verifyValuesUpdate,
} from '../../workflows/messages';
import type { Actor, AppContext, CycleRef } from '../context';
import { openCycle, sendUpdate } from '../cycles';
import { AppError, toAppError } from '../errors';

export interface Decision {
  officeId: string;
  period: string;
  decision: 'approve' | 'return';
  comment?: string;
}

export async function reviewReport(ctx: AppContext, actor: Actor, ref: CycleRef, d: Decision, requestId?: string) {
  const { handle } = await openCycle(ctx, ref);
  const r = await sendUpdate(handle, reviewReportUpdate, { actor, officeId: d.officeId, period: d.period, decision: d.decision, comment: d.comment ?? '' }, requestId);
  return { ...r, officeId: d.officeId, period: d.period };
}

/** Several decisions at once (the leader's inbox): each is its own update; one refusal does not stop the others. */
export async function reviewMany(ctx: AppContext, actor: Actor, ref: CycleRef, decisions: Decision[], requestId?: string) {
  const out: { officeId: string; period: string; ok: boolean; status?: string; error?: AppError }[] = [];
  for (const [i, d] of decisions.entries()) {
    try {
      const r = await reviewReport(ctx, actor, ref, d, requestId ? `${requestId}-${i}` : undefined);
      out.push({ officeId: d.officeId, period: d.period, ok: true, status: r.status });
    } catch (e) {
      out.push({ officeId: d.officeId, period: d.period, ok: false, error: toAppError(e) });
    }
  }
  return out;
}

export async function closeCheck(ctx: AppContext, actor: Actor, ref: CycleRef, input: { period: string; comment?: string }, requestId?: string) {
  const { handle } = await openCycle(ctx, ref);
  return sendUpdate(handle, closeCheckUpdate, { actor, period: input.period, comment: input.comment ?? '' }, requestId);
}

export async function commentReview(ctx: AppContext, actor: Actor, ref: CycleRef, input: { officeId?: string; comment: string }, requestId?: string) {
  const { handle } = await openCycle(ctx, ref);
  return sendUpdate(handle, commentReviewUpdate, { actor, officeId: input.officeId, comment: input.comment }, requestId);
}

export async function instruct(ctx: AppContext, actor: Actor, ref: CycleRef, input: { officeId: string; targetId?: string; text: string }, requestId?: string) {
  const { handle } = await openCycle(ctx, ref);
  return sendUpdate(handle, instructUpdate, { actor, officeId: input.officeId, targetId: input.targetId, text: input.text }, requestId);
}

export async function verifyValues(ctx: AppContext, actor: Actor, ref: CycleRef, input: Omit<VerificationInput, 'actor'>, requestId?: string) {
  const { handle } = await openCycle(ctx, ref);
  return sendUpdate(handle, verifyValuesUpdate, { actor, ...input }, requestId);
}

/** 启动年底考评: start opens the final round (offices are asked for final values); finalize computes it now. */
export async function triggerAppraisal(ctx: AppContext, actor: Actor, ref: CycleRef, input: { action: 'start' | 'finalize'; reason?: string }, requestId?: string) {
  const { handle } = await openCycle(ctx, ref);
  return sendUpdate(handle, triggerAppraisalUpdate, { actor, action: input.action, reason: input.reason ?? '' }, requestId);
}
