/** 报送 and 签收: an office files a report (or its year-end declaration) and acknowledges a request. */
import type { EvidenceRef } from '../../domain/actions';
import { allTargets, type Plan } from '../../domain/plan';
import { rolesOf } from '../../domain/roles';
import { acknowledgeUpdate, submitReportUpdate, type SubmitResult } from '../../workflows/messages';
import type { Actor, AppContext, CycleRef } from '../context';
import { openCycle, sendUpdate } from '../cycles';
import { AppError, badInput } from '../errors';

export interface ReportInput {
  /** Default: the one office the actor reports for. */
  officeId?: string;
  period: string;
  values: { targetId: string; value: number }[];
  narrative?: string;
  evidence?: EvidenceRef[];
  /** merge (default): into the office's previous revision for the period; replace: exactly this. */
  mode?: 'merge' | 'replace';
}

/** The office a person acts for: the one given, else the only one they report for. */
export function officeOf(plan: Plan, actor: Actor, officeId?: string): string {
  if (officeId) return officeId;
  const mine = rolesOf(plan, actor.personId)?.offices ?? [];
  if (mine.length === 1) return mine[0];
  if (!mine.length) throw new AppError('refused', 'NOT_AUTHORISED', `${actor.personId} is not the contact or head of any office in the plan, so files no reports`);
  throw badInput(`${actor.personId} reports for ${mine.join(' and ')}: say which office (--office)`);
}

export async function submitReport(ctx: AppContext, actor: Actor, ref: CycleRef, input: ReportInput, requestId?: string): Promise<SubmitResult & { officeId: string; period: string }> {
  const { handle, plan } = await openCycle(ctx, ref);
  const officeId = officeOf(plan, actor, input.officeId);
  const r = await sendUpdate(
    handle,
    submitReportUpdate,
    { actor, officeId, period: input.period, values: input.values, narrative: input.narrative ?? '', evidence: input.evidence ?? [], mode: input.mode ?? 'merge' },
    requestId,
  );
  return { ...r, officeId, period: input.period };
}

/** 年末申报: points declared for a declaration target, merged into the office's final report. */
export async function declare(
  ctx: AppContext,
  actor: Actor,
  ref: CycleRef,
  input: { officeId?: string; targetId?: string; points: number; narrative?: string; evidence?: EvidenceRef[] },
  requestId?: string,
): Promise<SubmitResult & { targetId: string; officeId: string }> {
  const { handle, plan } = await openCycle(ctx, ref);
  const officeId = officeOf(plan, actor, input.officeId);
  const decl = allTargets(plan).filter((r) => r.target.measure.kind === 'declaration' && r.target.offices.lead === officeId);
  const targetId = input.targetId ?? (decl.length === 1 ? decl[0].target.id : undefined);
  if (!targetId) throw badInput(`${officeId} leads ${decl.length} declaration targets${decl.length ? ` (${decl.map((d) => d.target.id).join(', ')})` : ''}: say which (--target)`);
  const r = await sendUpdate(
    handle,
    submitReportUpdate,
    { actor, officeId, period: `${plan.year}-final`, values: [{ targetId, value: input.points }], narrative: input.narrative ?? '', evidence: input.evidence ?? [], mode: 'merge' },
    requestId,
  );
  return { ...r, targetId, officeId };
}

export async function acknowledge(ctx: AppContext, actor: Actor, ref: CycleRef, input: { officeId?: string; period: string }) {
  const { handle, plan } = await openCycle(ctx, ref);
  const officeId = officeOf(plan, actor, input.officeId);
  return { officeId, ...(await sendUpdate(handle, acknowledgeUpdate, { actor, officeId, period: input.period })) };
}
