/**
 * What an office does to the cycle (报送 file a report, 签收 acknowledge), who
 * may do it, and the guards every action shares. Each action has a `check…`
 * (throws a Rejection, changes nothing; used by the workflow's synchronous
 * update validators and again by the handlers) and an `apply…` (mutates the
 * state, appends to the audit log, returns its result). The group's and the
 * bureau's actions are in groupActions.ts.
 */
import { LIMITS, Rejection, type Acknowledgement, type ReportSubmission } from './actions';
import { parsePeriod } from './calendar';
import { targetById, targetsOfOffice, type CycleState, type OfficePeriod, type PeriodState, type ReportRecord } from './cycle';
import { digestOf } from './digest';
import type { Plan, Target } from './plan';
import { groupPeople } from './roles';

export function audit(state: CycleState, at: number, actor: string, action: string, subject: string, payload: unknown, outcome: string) {
  state.audit.push({ seq: state.audit.length + 1, at, actor, action, subject, digest: digestOf(payload), outcome });
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

export function requireKnownPerson(plan: Plan, personId: string) {
  if (!personName(plan, personId)) throw new Rejection('NOT_AUTHORISED', `"${personId}" is not a person named in the plan: use --as with a personId from the plan (offices' contacts and heads, the assessment group)`);
}

export function requireRole(plan: Plan, personId: string, allowed: string[], what: string) {
  requireKnownPerson(plan, personId);
  if (!allowed.includes(personId)) {
    throw new Rejection('NOT_AUTHORISED', `${personId} may not ${what}; the plan allows only ${allowed.join(', ')}`);
  }
}

export function requireNotAppraised(state: CycleState) {
  if (state.phase === 'appraised') throw new Rejection('CYCLE_APPRAISED', 'the year has been appraised; the cycle accepts no more changes');
}

export function officeOrReject(plan: Plan, officeId: string) {
  const office = plan.offices.find((o) => o.id === officeId);
  if (!office) throw new Rejection('UNKNOWN_OFFICE', `no office "${officeId}" in the plan: use one of ${plan.offices.map((o) => o.id).join(', ')}`);
  return office;
}

export function periodOrReject(plan: Plan, state: CycleState, period: string): PeriodState {
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

/** The report a submission makes: in merge mode, over the office's previous revision for the period. */
function mergedSubmission(sub: ReportSubmission, previous: ReportRecord | undefined): ReportSubmission {
  if (sub.mode !== 'merge' || !previous) return sub;
  const values = { ...previous.values, ...Object.fromEntries(sub.values.map((v) => [v.targetId, v.value])) };
  const evidence = [...previous.evidence, ...sub.evidence.filter((e) => !previous.evidence.some((p) => p.sha256 === e.sha256))];
  return {
    ...sub,
    values: Object.entries(values).map(([targetId, value]) => ({ targetId, value })),
    narrative: sub.narrative.trim() ? sub.narrative : previous.narrative,
    evidence: evidence.slice(0, LIMITS.evidencePerReport),
  };
}

/** Who can give an office more revisions of a report, for the refusal message. */
function reopenHint(plan: Plan, period: PeriodState): string {
  if (period.kind === 'quarterly') return `ask the group leader (${plan.assessmentGroup.approvers.join(', ')}) to return it, which opens a new round`;
  if (period.kind === 'final') return `ask the group leader (${plan.assessmentGroup.approvers.join(', ')}) to record the corrected values with \`cycle verify\``;
  return 'report further progress in the next period';
}

export function checkSubmission(plan: Plan, state: CycleState, raw: ReportSubmission): { period: PeriodState; op: OfficePeriod; outcome: SubmitOutcome; sub: ReportSubmission } {
  requireNotAppraised(state);
  const office = officeOrReject(plan, raw.officeId);
  requireKnownPerson(plan, raw.actor.personId);
  if (raw.actor.personId !== office.contact.personId && raw.actor.personId !== office.head.personId) {
    throw new Rejection('NOT_AUTHORISED', `${raw.actor.personId} may not report for ${office.id}; only its contact (${office.contact.personId}) or head (${office.head.personId}) may`);
  }
  const period = periodOrReject(plan, state, raw.period);
  const op = period.offices[raw.officeId];
  if (!op) throw new Rejection('PERIOD_NOT_OPEN', `${raw.officeId} was not dispatched for ${raw.period} (it had no open targets then); nothing is owed for that period`);
  if (period.kind === 'final' && state.phase !== 'appraisal') throw new Rejection('WRONG_PHASE', 'the final round is not open');
  if (period.check?.closedAt !== undefined) {
    throw new Rejection('PERIOD_NOT_OPEN', `the check for ${raw.period} was closed (${period.check.closedBy}); report progress in the current period instead`);
  }
  if (op.status === 'approved') throw new Rejection('ALREADY_APPROVED', `the ${raw.period} report of ${raw.officeId} is already approved; ask the group leader to return it before correcting it`);
  const own = new Map(targetsOfOffice(plan, raw.officeId).map((t) => [t.id, t]));
  const seen = new Set<string>();
  for (const v of raw.values) {
    const target = own.get(v.targetId);
    if (!target) {
      const exists = targetById(plan, v.targetId);
      throw new Rejection('UNKNOWN_TARGET', exists ? `target ${v.targetId} is not one of ${raw.officeId}'s targets` : `no target "${v.targetId}" in the plan`);
    }
    if (seen.has(v.targetId)) throw new Rejection('INVALID_PAYLOAD', `target ${v.targetId} is listed twice in the report: give each target once`);
    seen.add(v.targetId);
    if (target.measure.kind === 'declaration' && period.kind !== 'final') {
      throw new Rejection('WRONG_PHASE', `target ${v.targetId} is a year-end declaration: file it in the final round (${plan.year}-final)`);
    }
    checkValue(target, v.value, 'value for');
  }
  const sub = mergedSubmission(raw, op.report);
  const candidate = reportOf(sub, 0, 0);
  // Sending the same report again is never a revision, whatever the limit.
  if (op.report && op.report.digest === candidate.digest && op.status !== 'returned') return { period, op, outcome: 'unchanged', sub };
  const thisRound = (op.report?.revision ?? 0) - (op.roundStartRevision ?? 0);
  if (op.report && thisRound >= LIMITS.revisionsPerRound) {
    throw new Rejection('TOO_MANY_REVISIONS', `the ${raw.period} report of ${raw.officeId} has ${thisRound} revisions in this round; the limit is ${LIMITS.revisionsPerRound}: ${reopenHint(plan, period)}`);
  }
  return { period, op, outcome: op.report ? 'replaced' : 'accepted', sub };
}

export function applySubmission(plan: Plan, state: CycleState, raw: ReportSubmission, now: number): { outcome: SubmitOutcome; revision: number; late: boolean } {
  const { period, op, outcome, sub } = checkSubmission(plan, state, raw);
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
  audit(state, now, sub.actor.personId, 'submit', `${sub.period}/${sub.officeId}`, raw, `${outcome} revision ${revision}${op.lateByMs ? ' (late)' : ''}`);
  return { outcome, revision, late: op.lateByMs !== undefined };
}

/** 签收: recorded once per office and period; pressing again changes nothing. */
export function checkAcknowledgement(plan: Plan, state: CycleState, a: Acknowledgement): OfficePeriod {
  requireNotAppraised(state);
  const office = officeOrReject(plan, a.officeId);
  if (a.actor.personId !== office.contact.personId && a.actor.personId !== office.head.personId) {
    requireKnownPerson(plan, a.actor.personId);
    throw new Rejection('NOT_AUTHORISED', `${a.actor.personId} may not acknowledge for ${office.id}; only its contact (${office.contact.personId}) or head (${office.head.personId}) may`);
  }
  const op = periodOrReject(plan, state, a.period).offices[a.officeId];
  if (!op) throw new Rejection('PERIOD_NOT_OPEN', `${a.officeId} was not dispatched for ${a.period}; there is nothing to acknowledge`);
  return op;
}

export function applyAcknowledgement(plan: Plan, state: CycleState, a: Acknowledgement, now: number): { acknowledgedAt: number; by: string; first: boolean } {
  const op = checkAcknowledgement(plan, state, a);
  if (op.acknowledged) return { acknowledgedAt: op.acknowledged.at, by: op.acknowledged.by, first: false };
  op.acknowledged = { by: a.actor.personId, at: now };
  audit(state, now, a.actor.personId, 'acknowledge', `${a.period}/${a.officeId}`, a, 'received');
  return { acknowledgedAt: now, by: a.actor.personId, first: true };
}
