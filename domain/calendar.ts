/**
 * The working-day calendar and the cycle's timetable. Pure functions over the
 * plan's resolved calendar (plain lists of dates recorded in the plan input),
 * so a running year-long workflow never changes behaviour when a holiday data
 * package is upgraded.
 */
import type { Plan } from './plan';
import { remembered } from './memo';
import { localToEpoch } from './time';

export interface WorkCalendar {
  zone: string;
  holidays: ReadonlySet<string>;
  workingDays: ReadonlySet<string>;
}

/**
 * A plan's calendar and month timetables are computed once per content, not per plan object: a workflow asks for
 * them at every activation (they were a third of its CPU), and every cycle of one year and province has the same
 * calendar, so the cycles a worker holds share one calendar and one set of timetables, and a cycle replayed after
 * its eviction finds its timetables made. This module is shared by every workflow on a worker thread
 * (worker/bundle.ts preloads the domain), so the memos hold pure results only, keyed by everything they are computed
 * from: plans are never mutated once loaded, and a result never depends on which workflow asked first. They keep
 * up to MEMO_LIMIT calendars, and cadences per calendar: a worker serves a few provinces' years.
 */
const MEMO_LIMIT = 256;
const calendarsByContent = new Map<string, WorkCalendar>();
/** Per plan object, its calendar: the content key is built once per object. */
const calendars = new WeakMap<object, WorkCalendar>();
/** Per calendar, then per what else a timetable reads (year, zone, cadence), the months' timetables. */
const timetables = new WeakMap<WorkCalendar, Map<string, Map<number, MonthTimetable>>>();
const cadenceKeys = new WeakMap<object, string>();

export function calendarOf(plan: Pick<Plan, 'timeZone' | 'resolvedCalendar'>): WorkCalendar {
  let cal = calendars.get(plan);
  if (!cal) {
    const { holidays, workingDays } = plan.resolvedCalendar;
    cal = remembered(
      calendarsByContent,
      `${plan.timeZone}|${holidays.join(',')}|${workingDays.join(',')}`,
      () => Object.freeze({ zone: plan.timeZone, holidays: new Set(holidays), workingDays: new Set(workingDays) }),
      MEMO_LIMIT,
    );
    calendars.set(plan, cal);
  }
  return cal;
}

const DAY_MS = 86_400_000;

function toUtcDays(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromUtcDays(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(isoDate: string, n: number): string {
  return fromUtcDays(toUtcDays(isoDate) + n);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(isoDate: string): number {
  return new Date(toUtcDays(isoDate) * DAY_MS).getUTCDay();
}

/** A make-up working day (调休) counts; a holiday never does; otherwise Monday to Friday. */
export function isWorkingDay(cal: WorkCalendar, isoDate: string): boolean {
  if (cal.workingDays.has(isoDate)) return true;
  if (cal.holidays.has(isoDate)) return false;
  const wd = weekday(isoDate);
  return wd !== 0 && wd !== 6;
}

/**
 * Move `n` working days from `isoDate` (forward for n > 0, backward for n < 0).
 * n = 0 gives `isoDate` itself if it is a working day, else the next one.
 */
export function addWorkingDays(cal: WorkCalendar, isoDate: string, n: number): string {
  let d = isoDate;
  if (n === 0) {
    while (!isWorkingDay(cal, d)) d = addDays(d, 1);
    return d;
  }
  const step = n > 0 ? 1 : -1;
  let left = Math.abs(n);
  let guard = 0;
  while (left > 0) {
    d = addDays(d, step);
    if (isWorkingDay(cal, d)) left--;
    if (++guard > 3660) throw new Error(`no working day within 10 years of ${isoDate}: the calendar marks every day as a holiday`);
  }
  return d;
}

/** Working days strictly after `from` up to and including `to`. */
export function workingDaysBetween(cal: WorkCalendar, from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(cal, d)) n++;
  return n;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isoDateOf(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function lastWorkingDayOfMonth(cal: WorkCalendar, year: number, month: number): string {
  let d = isoDateOf(year, month, daysInMonth(year, month));
  while (!isWorkingDay(cal, d)) d = addDays(d, -1);
  return d;
}

/** The working day on or before `isoDate`. */
export function workingDayOnOrBefore(cal: WorkCalendar, isoDate: string): string {
  let d = isoDate;
  while (!isWorkingDay(cal, d)) d = addDays(d, -1);
  return d;
}

export type PeriodKind = 'monthly' | 'quarterly' | 'final';

export function quarterOfMonth(month: number): number {
  return Math.ceil(month / 3);
}

export function isQuarterEnd(month: number): boolean {
  return month % 3 === 0;
}

/** Period ids: "2013-01" (monthly), "2013-Q1" (the quarter's last month), "2013-final". */
export function periodOfMonth(year: number, month: number): string {
  return isQuarterEnd(month) ? `${year}-Q${quarterOfMonth(month)}` : `${year}-${String(month).padStart(2, '0')}`;
}

export function finalPeriod(year: number): string {
  return `${year}-final`;
}

export interface ParsedPeriod {
  year: number;
  kind: PeriodKind;
  /** The month whose dispatch opened the period (12 for final). */
  month: number;
  quarter?: number;
}

export function parsePeriod(period: string): ParsedPeriod | undefined {
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) {
    const month = Number(m[2]);
    if (isQuarterEnd(month)) return undefined; // a quarter-end month is written as its quarter
    return { year: Number(m[1]), kind: 'monthly', month };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return { year: Number(m[1]), kind: 'quarterly', month: Number(m[2]) * 3, quarter: Number(m[2]) };
  m = /^(\d{4})-final$/.exec(period);
  if (m) return { year: Number(m[1]), kind: 'final', month: 12 };
  return undefined;
}

/** Every instant of one month's dispatch and chasing, in epoch ms. */
export interface MonthTimetable {
  month: number;
  period: string;
  kind: 'monthly' | 'quarterly';
  dispatchDate: string;
  dispatchAt: number;
  deadlineDate: string;
  deadlineAt: number;
  reminderAt: number;
  overdueAt: number;
  escalationAt: number;
  /** Quarterly only: when the check closes itself. */
  checkAutoCloseAt?: number;
}

type CadencePlan = Pick<Plan, 'year' | 'timeZone' | 'cadence' | 'resolvedCalendar'>;

export function dispatchDateOf(plan: CadencePlan, cal: WorkCalendar, month: number): string {
  const day = plan.cadence.monthEndDispatch.day;
  if (day === 'lastWorkingDay') return lastWorkingDayOfMonth(cal, plan.year, month);
  return workingDayOnOrBefore(cal, isoDateOf(plan.year, month, day));
}

/** The deadline, reminder, overdue and escalation instants after a dispatch (or a return) on `fromDate`. */
export function chasingTimes(plan: CadencePlan, cal: WorkCalendar, fromDate: string, workingDays: number) {
  const { chasing, reportDeadline } = plan.cadence;
  const z = plan.timeZone;
  const deadlineDate = addWorkingDays(cal, fromDate, workingDays);
  return {
    deadlineDate,
    deadlineAt: localToEpoch(deadlineDate, reportDeadline.time, z),
    reminderAt: localToEpoch(addWorkingDays(cal, deadlineDate, -chasing.reminderWorkingDaysBeforeDeadline), chasing.time, z),
    overdueAt: localToEpoch(addWorkingDays(cal, deadlineDate, chasing.overdueNoticeWorkingDaysAfterDeadline), chasing.time, z),
    escalationAt: localToEpoch(addWorkingDays(cal, deadlineDate, chasing.escalationWorkingDaysAfterDeadline), chasing.time, z),
  };
}

export function monthTimetable(plan: CadencePlan, month: number, cal: WorkCalendar = calendarOf(plan)): MonthTimetable {
  let cadenceKey = cadenceKeys.get(plan);
  if (cadenceKey === undefined) cadenceKeys.set(plan, (cadenceKey = `${plan.year}|${plan.timeZone}|${JSON.stringify(plan.cadence)}`));
  let byCadence = timetables.get(cal);
  if (!byCadence) timetables.set(cal, (byCadence = new Map()));
  const months = remembered(byCadence, cadenceKey, () => new Map<number, MonthTimetable>(), MEMO_LIMIT);
  let tt = months.get(month);
  if (!tt) months.set(month, (tt = Object.freeze(computeMonthTimetable(plan, month, cal))));
  return tt;
}

function computeMonthTimetable(plan: CadencePlan, month: number, cal: WorkCalendar): MonthTimetable {
  const z = plan.timeZone;
  const dispatchDate = dispatchDateOf(plan, cal, month);
  const times = chasingTimes(plan, cal, dispatchDate, plan.cadence.reportDeadline.workingDaysAfterDispatch);
  const quarterly = isQuarterEnd(month);
  return {
    month,
    period: periodOfMonth(plan.year, month),
    kind: quarterly ? 'quarterly' : 'monthly',
    dispatchDate,
    dispatchAt: localToEpoch(dispatchDate, plan.cadence.monthEndDispatch.time, z),
    ...times,
    checkAutoCloseAt: quarterly
      ? localToEpoch(addWorkingDays(cal, times.deadlineDate, plan.cadence.quarterlyCheck.autoCloseWorkingDaysAfterDeadline), plan.cadence.reportDeadline.time, z)
      : undefined,
  };
}

export function yearTimetable(plan: CadencePlan): MonthTimetable[] {
  const cal = calendarOf(plan);
  return Array.from({ length: 12 }, (_, i) => monthTimetable(plan, i + 1, cal));
}

/** When the half-year review goes out at the latest. */
export function halfYearReviewLatestAt(plan: CadencePlan, cal: WorkCalendar = calendarOf(plan)): number {
  const june = monthTimetable(plan, 6, cal);
  const date = addWorkingDays(cal, june.deadlineDate, plan.cadence.halfYearReview.latestWorkingDaysAfterJuneDeadline);
  return localToEpoch(date, plan.cadence.chasing.time, plan.timeZone);
}

/** The year-end appraisal's final-report chasing and closing instants, for an appraisal started on `startDate`. */
export function appraisalTimetable(plan: CadencePlan, startDate: string, cal: WorkCalendar = calendarOf(plan)) {
  const times = chasingTimes(plan, cal, startDate, plan.cadence.yearEndAppraisal.finalReportWorkingDays);
  const closeDate = addWorkingDays(cal, startDate, plan.cadence.yearEndAppraisal.closeWorkingDaysAfterStart);
  return { ...times, closeAt: localToEpoch(closeDate, plan.cadence.reportDeadline.time, plan.timeZone) };
}
