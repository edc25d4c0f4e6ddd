/**
 * What the assessment group and the bureau do to a running cycle: approve or
 * return quarterly reports, close a check, comment on the half-year review,
 * leave instructions (批示), verify values, trigger the appraisal. Each has a
 * `check…` (throws a Rejection, changes nothing) and an `apply…` (mutates the
 * state, appends to the audit log, returns its result).
 */
import { Rejection, type AppraisalTrigger, type CloseCheck, type Instruction, type ReviewComment, type ReviewDecision, type Verification } from './actions';
import { resubmitTimes, targetById, targetsOfOffice, type CycleState, type OfficePeriod, type PeriodState } from './cycle';
import { audit, checkValue, officeOrReject, periodOrReject, requireNotAppraised, requireRole } from './handlers';
import type { Plan } from './plan';
import { formatLocalShort } from './time';

function quarterOrReject(plan: Plan, state: CycleState, periodId: string): PeriodState {
  const p = periodOrReject(plan, state, periodId);
  if (p.kind !== 'quarterly') throw new Rejection('PERIOD_NOT_OPEN', `${periodId} is not a quarterly check`);
  if (p.check?.closedAt !== undefined) throw new Rejection('PERIOD_NOT_OPEN', `the ${periodId} check is already closed (${p.check.closedBy})`);
  return p;
}

export function checkReview(plan: Plan, state: CycleState, d: ReviewDecision): { p: PeriodState; op: OfficePeriod } {
  requireNotAppraised(state);
  requireRole(plan, d.actor.personId, plan.assessmentGroup.approvers, 'approve or return quarterly reports');
  officeOrReject(plan, d.officeId);
  const p = quarterOrReject(plan, state, d.period);
  const op = p.offices[d.officeId];
  if (!op) throw new Rejection('PERIOD_NOT_OPEN', `${d.officeId} owes no report for ${d.period}`);
  if (op.status !== 'submitted') {
    const why = op.status === 'approved' ? 'it is already approved' : op.status === 'returned' ? 'it was returned and not yet resubmitted' : 'the office has not reported yet';
    throw new Rejection('WRONG_PHASE', `cannot ${d.decision} the ${d.period} report of ${d.officeId}: ${why}`);
  }
  return { p, op };
}

export function applyReview(plan: Plan, state: CycleState, d: ReviewDecision, now: number): { status: string; newDeadline?: string } {
  const { op } = checkReview(plan, state, d);
  op.review = { decision: d.decision, by: d.actor.personId, at: now, comment: d.comment };
  let newDeadline: string | undefined;
  if (d.decision === 'approve') {
    op.status = 'approved';
  } else {
    op.status = 'returned';
    op.round += 1;
    op.roundStartRevision = op.report?.revision ?? 0;
    const t = resubmitTimes(plan, now);
    Object.assign(op, { deadlineAt: t.deadlineAt, reminderAt: t.reminderAt, overdueAt: t.overdueAt, escalationAt: t.escalationAt });
    delete op.lateByMs;
    op.notices.push(`returned#${op.round}`);
    newDeadline = formatLocalShort(t.deadlineAt, plan.timeZone);
  }
  audit(state, now, d.actor.personId, d.decision, `${d.period}/${d.officeId}`, d, newDeadline ? `returned, due again ${newDeadline}` : 'approved');
  return { status: op.status, newDeadline };
}

export function checkCloseCheck(plan: Plan, state: CycleState, c: CloseCheck): PeriodState {
  requireNotAppraised(state);
  requireRole(plan, c.actor.personId, plan.assessmentGroup.approvers, 'close a quarterly check');
  return quarterOrReject(plan, state, c.period);
}

export function applyCloseCheck(plan: Plan, state: CycleState, c: CloseCheck, now: number): { missing: string[] } {
  const p = checkCloseCheck(plan, state, c);
  const missing = Object.values(p.offices)
    .filter((o) => o.status !== 'approved')
    .map((o) => o.officeId);
  Object.assign(p.check!, { closedAt: now, closedBy: c.actor.personId, missing, comment: c.comment });
  audit(state, now, c.actor.personId, 'closeCheck', c.period, c, missing.length ? `closed with ${missing.join(', ')} missing` : 'closed, all approved');
  return { missing };
}

export function checkComment(plan: Plan, state: CycleState, c: ReviewComment) {
  requireNotAppraised(state);
  const allowed = [plan.assessmentGroup.leader.personId, ...plan.assessmentGroup.approvers, ...plan.reviewCommenters];
  requireRole(plan, c.actor.personId, [...new Set(allowed)], 'comment on the half-year review');
  if (c.officeId) officeOrReject(plan, c.officeId);
  if (state.review.skipped) throw new Rejection('WRONG_PHASE', 'there is no half-year review this year: the cycle started after it was due; leave an instruction for the office instead (`cycle instruct`)');
  if (state.review.sentAt !== undefined) throw new Rejection('WRONG_PHASE', 'the half-year review has already gone out; leave an instruction for the office instead (`cycle instruct`)');
}

export function applyComment(plan: Plan, state: CycleState, c: ReviewComment, now: number): { recorded: true } {
  checkComment(plan, state, c);
  state.review.comments.push({ by: c.actor.personId, at: now, officeId: c.officeId, comment: c.comment });
  audit(state, now, c.actor.personId, 'reviewComment', c.officeId ?? 'all offices', c, 'recorded');
  return { recorded: true };
}

export function checkVerification(plan: Plan, state: CycleState, v: Verification) {
  requireNotAppraised(state);
  requireRole(plan, v.actor.personId, plan.assessmentGroup.approvers, 'verify values');
  if (state.phase !== 'appraisal') throw new Rejection('WRONG_PHASE', 'values are verified during the year-end appraisal; it has not started (the bureau can start it early with `cycle appraise --start`)');
  const seen = new Set<string>();
  for (const x of v.values) {
    const t = targetById(plan, x.targetId);
    if (!t) throw new Rejection('UNKNOWN_TARGET', `no target "${x.targetId}" in the plan`);
    if (seen.has(x.targetId)) throw new Rejection('INVALID_PAYLOAD', `target ${x.targetId} is listed twice`);
    seen.add(x.targetId);
    checkValue(t, x.value, 'verified value for');
  }
}

export function applyVerification(plan: Plan, state: CycleState, v: Verification, now: number): { recorded: number } {
  checkVerification(plan, state, v);
  for (const x of v.values) state.verified[x.targetId] = { value: x.value, by: v.actor.personId, at: now, note: x.note };
  if (v.municipalGrade) state.municipalGrade = v.municipalGrade;
  audit(state, now, v.actor.personId, 'verify', `${v.values.length} target(s)`, v, 'recorded');
  return { recorded: v.values.length };
}

export function checkTrigger(plan: Plan, state: CycleState, t: AppraisalTrigger) {
  requireNotAppraised(state);
  requireRole(plan, t.actor.personId, plan.assessmentGroup.appraisalTriggerers, 'trigger the year-end appraisal');
  if (t.action === 'start' && (state.phase !== 'running' || state.appraisalStartRequestedBy)) {
    throw new Rejection('WRONG_PHASE', 'the year-end appraisal has already started');
  }
  if (t.action === 'finalize' && state.phase !== 'appraisal') {
    throw new Rejection('WRONG_PHASE', 'the year-end appraisal has not started: start it first (cycle appraise --start)');
  }
  if (t.action === 'finalize' && state.appraisal?.finalizeRequestedBy) throw new Rejection('WRONG_PHASE', 'the appraisal is already being finalized');
}

export function applyTrigger(plan: Plan, state: CycleState, t: AppraisalTrigger, now: number): { requested: 'start' | 'finalize' } {
  checkTrigger(plan, state, t);
  if (t.action === 'start') state.appraisalStartRequestedBy = t.actor.personId;
  else state.appraisal!.finalizeRequestedBy = t.actor.personId;
  audit(state, now, t.actor.personId, t.action === 'start' ? 'startAppraisal' : 'finalizeAppraisal', String(plan.year), t, 'requested');
  return { requested: t.action };
}

/** 批示: the leader (or an approver) leaves an instruction on an office or one of its targets. */
export function checkInstruction(plan: Plan, state: CycleState, i: Instruction) {
  requireNotAppraised(state);
  const allowed = [plan.assessmentGroup.leader.personId, ...plan.assessmentGroup.approvers];
  requireRole(plan, i.actor.personId, [...new Set(allowed)], 'leave instructions (批示)');
  officeOrReject(plan, i.officeId);
  if (i.targetId && !targetsOfOffice(plan, i.officeId).some((t) => t.id === i.targetId)) {
    throw new Rejection('UNKNOWN_TARGET', targetById(plan, i.targetId) ? `target ${i.targetId} is not one of ${i.officeId}'s targets` : `no target "${i.targetId}" in the plan`);
  }
}

export function applyInstruction(plan: Plan, state: CycleState, i: Instruction, now: number): { seq: number } {
  checkInstruction(plan, state, i);
  const list = (state.instructions ??= []);
  const seq = list.length + 1;
  list.push({ seq, by: i.actor.personId, at: now, officeId: i.officeId, targetId: i.targetId, text: i.text });
  audit(state, now, i.actor.personId, 'instruct', i.targetId ? `${i.officeId}/${i.targetId}` : i.officeId, i, 'recorded');
  return { seq };
}
