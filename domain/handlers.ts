/**
 * What each human action does to the cycle, and who may do it. Each action
 * has a `check…` (throws a Rejection, changes nothing; used by the workflow's
 * synchronous update validators and again by the handlers) and an `apply…`
 * (mutates the state and appends to the audit log).
 */
import {
  LIMITS,
  Rejection,
  type AppraisalTrigger,
  type CloseCheck,
  type ReportSubmission,
  type ReviewComment,
  type ReviewDecision,
  type Verification,
} from './actions';
import { parsePeriod } from './calendar';
import { resubmitTimes, targetById, targetsOfOffice, type CycleState, type OfficePeriod, type PeriodState, type ReportRecord } from './cycle';
import { digestOf } from './digest';
import type { Plan, Target } from './plan';
import { formatLocalShort } from './time';

function audit(state: CycleState, at: number, actor: string, action: string, subject: string, payload: unknown, outcome: string) {
  state.audit.push({ seq: state.audit.length + 1, at, actor, action, subject, digest: digestOf(payload), outcome });
}

function groupPeople(plan: Plan) {
  const g = plan.assessmentGroup;
  return [g.leader, ...(g.deputy ? [g.deputy] : []), ...g.members];
}

export function personName(plan: Plan, personId: string): string | undefined {
  const p = groupPeople(plan).find((x) => x.personId === personId);
  if (p) return p.name;
  for (const o of plan.offices) {
    if (o.contact.personId === personId) return o.contact.name;
    if (o.head.personId === personId) return o.head.name;
  }
  return undefined;
}

function requireKnownPerson(plan: Plan, personId: string) {
  if (!personName(plan, personId)) throw new Rejection('NOT_AUTHORISED', `"${personId}" is not a person named in the plan: use --as with a personId from the plan (offices' contacts and heads, the assessment group)`);
}

function requireRole(plan: Plan, personId: string, allowed: string[], what: string) {
  requireKnownPerson(plan, personId);
  if (!allowed.includes(personId)) {
    throw new Rejection('NOT_AUTHORISED', `${personId} may not ${what}; the plan allows only ${allowed.join(', ')}`);
  }
}

function requireNotAppraised(state: CycleState) {
  if (state.phase === 'appraised') throw new Rejection('CYCLE_APPRAISED', 'the year has been appraised; the cycle accepts no more changes');
}

function officeOrReject(plan: Plan, officeId: string) {
  const office = plan.offices.find((o) => o.id === officeId);
  if (!office) throw new Rejection('UNKNOWN_OFFICE', `no office "${officeId}" in the plan: use one of ${plan.offices.map((o) => o.id).join(', ')}`);
  return office;
}

function periodOrReject(plan: Plan, state: CycleState, period: string): PeriodState {
  const parsed = parsePeriod(period);
  const quarterEnd = /^(\d{4})-(03|06|09|12)$/.exec(period);
  if (quarterEnd) {
    throw new Rejection('PERIOD_NOT_OPEN', `${period} is a quarter-end month: its report is the quarterly one, written ${quarterEnd[1]}-Q${Number(quarterEnd[2]) / 3}`);
  }
  if (!parsed || parsed.year !== plan.year) {
    throw new Rejection('PERIOD_NOT_OPEN', `period "${period}" is not in the plan year ${plan.year}: use YYYY-MM for a month, YYYY-Qn for a quarter-end month, YYYY-final at year-end`);
  }
  const p = state.periods[period];
  if (!p) {
    const next = state.nextMonth <= 12 ? ` (the next dispatch is for month ${state.nextMonth})` : '';
    throw new Rejection('PERIOD_NOT_OPEN', `period ${period} has not been opened by a dispatch yet${next}; report for a period you were dispatched`);
  }
  return p;
}

/** The range a value for a target may take. */
export function checkValue(target: Target, value: number, where: string) {
  const bad = (msg: string) => {
    throw new Rejection('VALUE_OUT_OF_RANGE', `${where} ${target.id}: ${msg}`);
  };
  switch (target.measure.kind) {
    case 'growthPercent':
      if (value < -100 || value > 10_000) bad(`growth of ${value}% is outside -100..10000 per cent`);
      break;
    case 'count':
      if (value < 0 || value > 10_000_000 || !Number.isInteger(value)) bad(`a count must be a whole number from 0 to 10000000, got ${value}`);
      break;
    case 'amount':
      if (value < 0 || value > 1e13) bad(`an amount must be from 0 to 1e13 ${target.measure.unit.en}, got ${value}`);
      break;
    case 'milestone':
      if (value < 0 || value > 1) bad(`a milestone's progress is from 0 (not started) to 1 (done), got ${value}`);
      break;
    case 'declaration':
      if (value < 0 || value > target.points) bad(`a declaration is 0 to ${target.points} points, got ${value}`);
      break;
  }
}

function reportOf(sub: ReportSubmission, now: number, revision: number): ReportRecord {
  const values: Record<string, number> = {};
  for (const v of sub.values) values[v.targetId] = v.value;
  const content = { values, narrative: sub.narrative, evidence: sub.evidence };
  return { revision, submittedAt: now, by: sub.actor.personId, values, narrative: sub.narrative, evidence: sub.evidence, digest: digestOf(content) };
}

export type SubmitOutcome = 'accepted' | 'unchanged' | 'replaced';

export function checkSubmission(plan: Plan, state: CycleState, sub: ReportSubmission): { period: PeriodState; op: OfficePeriod; outcome: SubmitOutcome } {
  requireNotAppraised(state);
  const office = officeOrReject(plan, sub.officeId);
  requireKnownPerson(plan, sub.actor.personId);
  if (sub.actor.personId !== office.contact.personId && sub.actor.personId !== office.head.personId) {
    throw new Rejection('NOT_AUTHORISED', `${sub.actor.personId} may not report for ${office.id}; only its contact (${office.contact.personId}) or head (${office.head.personId}) may`);
  }
  const period = periodOrReject(plan, state, sub.period);
  const op = period.offices[sub.officeId];
  if (!op) throw new Rejection('PERIOD_NOT_OPEN', `${sub.officeId} was not dispatched for ${sub.period} (it had no open targets then); nothing is owed for that period`);
  if (period.kind === 'final' && state.phase !== 'appraisal') throw new Rejection('WRONG_PHASE', 'the final round is not open');
  if (period.check?.closedAt !== undefined) {
    throw new Rejection('PERIOD_NOT_OPEN', `the check for ${sub.period} was closed (${period.check.closedBy}); report progress in the current period instead`);
  }
  if (op.status === 'approved') throw new Rejection('ALREADY_APPROVED', `the ${sub.period} report of ${sub.officeId} is already approved; ask the group leader to return it before correcting it`);
  const own = new Map(targetsOfOffice(plan, sub.officeId).map((t) => [t.id, t]));
  const seen = new Set<string>();
  for (const v of sub.values) {
    const target = own.get(v.targetId);
    if (!target) {
      const exists = targetById(plan, v.targetId);
      throw new Rejection('UNKNOWN_TARGET', exists ? `target ${v.targetId} is not one of ${sub.officeId}'s targets` : `no target "${v.targetId}" in the plan`);
    }
    if (seen.has(v.targetId)) throw new Rejection('INVALID_PAYLOAD', `target ${v.targetId} is listed twice in the report`);
    seen.add(v.targetId);
    if (target.measure.kind === 'declaration' && period.kind !== 'final') {
      throw new Rejection('WRONG_PHASE', `target ${v.targetId} is a year-end declaration: file it in the final round (${plan.year}-final)`);
    }
    checkValue(target, v.value, 'value for');
  }
  const candidate = reportOf(sub, 0, 0);
  if (op.report && op.report.digest === candidate.digest && op.status !== 'returned') return { period, op, outcome: 'unchanged' };
  if (op.report && op.previous.length + 1 >= LIMITS.revisionsPerReport) {
    throw new Rejection('TOO_MANY_REVISIONS', `the ${sub.period} report of ${sub.officeId} has been revised ${op.previous.length + 1} times; the limit is ${LIMITS.revisionsPerReport}`);
  }
  return { period, op, outcome: op.report ? 'replaced' : 'accepted' };
}

export function applySubmission(plan: Plan, state: CycleState, sub: ReportSubmission, now: number): { outcome: SubmitOutcome; revision: number; late: boolean } {
  const { period, op, outcome } = checkSubmission(plan, state, sub);
  if (outcome === 'unchanged') {
    return { outcome, revision: op.report!.revision, late: op.lateByMs !== undefined };
  }
  const revision = (op.report?.revision ?? 0) + 1;
  if (op.report) op.previous.push(op.report);
  op.report = reportOf(sub, now, revision);
  op.status = 'submitted';
  if (now > op.deadlineAt) op.lateByMs = now - op.deadlineAt;
  else delete op.lateByMs;
  for (const v of sub.values) {
    state.progress[v.targetId] = { value: v.value, officeId: sub.officeId, period: period.period, at: now };
  }
  audit(state, now, sub.actor.personId, 'submit', `${sub.period}/${sub.officeId}`, sub, `${outcome} revision ${revision}${op.lateByMs ? ' (late)' : ''}`);
  return { outcome, revision, late: op.lateByMs !== undefined };
}

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
  if (state.review.sentAt !== undefined || state.review.skipped) throw new Rejection('WRONG_PHASE', 'the half-year review has already gone out');
}

export function applyComment(plan: Plan, state: CycleState, c: ReviewComment, now: number) {
  checkComment(plan, state, c);
  state.review.comments.push({ by: c.actor.personId, at: now, officeId: c.officeId, comment: c.comment });
  audit(state, now, c.actor.personId, 'reviewComment', c.officeId ?? 'all offices', c, 'recorded');
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

export function applyVerification(plan: Plan, state: CycleState, v: Verification, now: number) {
  checkVerification(plan, state, v);
  for (const x of v.values) state.verified[x.targetId] = { value: x.value, by: v.actor.personId, at: now, note: x.note };
  if (v.municipalGrade) state.municipalGrade = v.municipalGrade;
  audit(state, now, v.actor.personId, 'verify', `${v.values.length} target(s)`, v, 'recorded');
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

export function applyTrigger(plan: Plan, state: CycleState, t: AppraisalTrigger, now: number) {
  checkTrigger(plan, state, t);
  if (t.action === 'start') state.appraisalStartRequestedBy = t.actor.personId;
  else state.appraisal!.finalizeRequestedBy = t.actor.personId;
  audit(state, now, t.actor.personId, t.action === 'start' ? 'startAppraisal' : 'finalizeAppraisal', String(plan.year), t, 'requested');
}
