/**
 * 预警: the cycle's projection from its state, and the warning mail it asks
 * for (rules v3). A target that turns red by its pace or by an unachieved
 * window, or a unit whose projected grade falls to the plan's warning grade,
 * gets one 预警通知; going back gets one recovery notice. The state records
 * what was last warned, so evaluating again (every advance) sends nothing new.
 *
 * An overdue report also turns a light red, but is not mailed here: the
 * chasing mail (reminder, overdue notice, escalation) already says it.
 */
import type { CycleState, MailIntent } from './cycle';
import { allTargets, type Plan } from './plan';
import { gradeAtOrBelow, monthOfPeriod, projectTarget, rollUp, warningSettings, type ProjectionSummary } from './projection';
import { localYearMonth } from './time';

/** What was last warned: red target ids (and "unit"), and mails sent per office and kind (the mail's round). */
export interface WarnedState {
  red: string[];
  sent: Record<string, number>;
}

/** Months whose dispatch has happened (the whole year once the appraisal started). */
export function monthsDispatched(state: Pick<CycleState, 'phase' | 'nextMonth'>): number {
  return state.phase !== 'running' ? 12 : Math.max(0, state.nextMonth - 1);
}

/** "office/target" for every target of an office whose latest report is past its deadline. */
function overdueTargets(state: CycleState, now: number): Set<string> {
  const out = new Set<string>();
  if (state.phase === 'appraised') return out;
  const latest = new Map<string, { openedAt: number; op: CycleState['periods'][string]['offices'][string] }>();
  for (const p of Object.values(state.periods)) {
    for (const op of Object.values(p.offices)) {
      const cur = latest.get(op.officeId);
      if (!cur || p.openedAt >= cur.openedAt) latest.set(op.officeId, { openedAt: p.openedAt, op });
    }
  }
  for (const { op } of latest.values()) {
    if ((op.status === 'due' || op.status === 'returned') && now > op.deadlineAt) for (const t of op.targets) out.add(`${op.officeId}/${t}`);
  }
  return out;
}

/**
 * The last projection per plan object, with the inputs it came from. A cycle evaluates its warnings at
 * every advance, and most advances change none of them (a timer, a chase, a dispatch in a month already
 * counted): the summary is then the one already computed. Keyed by the plan object, which is the cycle's
 * own (a workflow's input); the key holds everything the projection reads from the state and the clock.
 * Callers must not change a summary.
 */
const lastProjection = new WeakMap<Plan, { key: string; summary: ProjectionSummary }>();

/** Every target's projection and light, rolled up to offices and the unit, at plan time `now`. */
export function cycleProjection(plan: Plan, state: CycleState, now: number): ProjectionSummary {
  const asOf = monthsDispatched(state);
  const overdue = overdueTargets(state, now);
  const adoptedFromMonth = state.adoption?.firstMonth ?? 1;
  let key = `${asOf}|${adoptedFromMonth}|${[...overdue].join(',')}|`;
  for (const id in state.progress) key += `${id}=${state.progress[id].value}@${state.progress[id].period};`;
  const last = lastProjection.get(plan);
  if (last?.key === key) return last.summary;
  const summary = projectionOf(plan, state, asOf, overdue, adoptedFromMonth);
  lastProjection.set(plan, { key, summary });
  return summary;
}

function projectionOf(plan: Plan, state: CycleState, asOf: number, overdue: Set<string>, adoptedFromMonth: number): ProjectionSummary {
  const targets = allTargets(plan).map(({ target }) => {
    const p = state.progress[target.id];
    return projectTarget(plan, target, {
      progress: p && { value: p.value, month: monthOfPeriod(p.period), period: p.period },
      asOfMonth: asOf,
      overdue: overdue.has(`${target.offices.lead}/${target.id}`),
      adoptedFromMonth,
    });
  });
  return rollUp(plan, targets, asOf);
}

/** Warning and recovery mail due now; records what was warned. Only under rules v3, while the year runs. */
export function warningIntents(plan: Plan, state: CycleState, now: number): MailIntent[] {
  if ((state.rules ?? 1) < 3 || state.phase !== 'running') return [];
  const summary = cycleProjection(plan, state, now);
  const warned = (state.warned ??= { red: [], sent: {} });
  const before = new Set(warned.red);
  const red = new Set(summary.targets.filter((t) => t.reasons.includes('projectedMiss') || t.reasons.includes('windowEnded')).map((t) => t.targetId));
  const u = summary.unit;
  // With nothing to project from, the unit keeps its last warned state.
  if (u.knownTargets ? gradeAtOrBelow(u.grade, warningSettings(plan).warnGrade) : before.has('unit')) red.add('unit');

  const { year, month } = localYearMonth(now, plan.timeZone);
  const period = `${year}-${String(month).padStart(2, '0')}`;
  const out: MailIntent[] = [];
  const send = (kind: 'warning' | 'recovery', officeId: string, subjects: string[]) => {
    if (!subjects.length) return;
    const key = `${officeId}/${kind}`;
    const round = warned.sent[key] ?? 0;
    warned.sent[key] = round + 1;
    out.push({ kind, period, officeId, round, at: now, subjects });
  };
  for (const office of plan.offices) {
    const mine = summary.targets.filter((t) => t.officeId === office.id).map((t) => t.targetId);
    send('warning', office.id, mine.filter((id) => red.has(id) && !before.has(id)));
    send('recovery', office.id, mine.filter((id) => !red.has(id) && before.has(id)));
  }
  if (red.has('unit') !== before.has('unit')) send(red.has('unit') ? 'warning' : 'recovery', 'group', ['unit']);
  warned.red = [...red].sort();
  return out;
}
