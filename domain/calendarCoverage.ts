/**
 * The year boundary: the year-end appraisal runs on into January and February
 * of the next year, whose public holidays (1 January, the Spring Festival) may
 * not be published in the holiday data yet. Said months ahead, by `cycle
 * validate` and `cycle status`, so the plan can list them in time.
 */
import { appraisalTimetable, calendarOf, monthTimetable } from './calendar';
import type { Plan } from './plan';
import { epochToLocalDate } from './time';

/** The last date the cycle can need: the appraisal started when the December check closes by itself, then closing. */
export function lastDateNeeded(plan: Plan): string {
  const cal = calendarOf(plan);
  const dec = monthTimetable(plan, 12, cal);
  const start = epochToLocalDate(dec.checkAutoCloseAt ?? dec.deadlineAt, plan.timeZone);
  return epochToLocalDate(appraisalTimetable(plan, start, cal).closeAt, plan.timeZone);
}

export function calendarWarnings(plan: Plan): string[] {
  const covered = plan.resolvedCalendar.coveredYears;
  if (!covered) return [];
  const warnings: string[] = [];
  const until = lastDateNeeded(plan);
  for (const y of [plan.year, plan.year + 1]) {
    if (covered.includes(y) || until < `${y}-01-01`) continue;
    warnings.push(
      `no holiday data covers ${y}, and this cycle needs dates up to about ${until}: 1 January and the Spring Festival of ${y} would count as working days. ` +
        `List ${y}'s days off under calendar.extraHolidays and make-up working days under calendar.extraWorkingDays in the plan (a new planVersion), or upgrade chinese-days when it has ${y}`,
    );
  }
  return warnings;
}
