/**
 * The parts of a plan the template leaves to the unit: signatories, the
 * assessment group's people, scoring, cadence and calendar. Each default is
 * the one plans/yiyang-st-2013.yaml documents, marked CHOICE in the draft.
 */
import type { ParsedDocument, Titled } from './parse';

type Path = (string | number)[];

/** RFC 2606: a domain that can never receive mail, so a placeholder cannot reach anyone. */
export const PLACEHOLDER_DOMAIN = 'example.invalid';

export interface Annotate {
  src(path: Path, words: string): void;
  choice(path: Path, why: string): void;
  todo(path: Path, what: string): void;
  note(path: Path, line: string): void;
}

export function defaultsFor(
  doc: ParsedDocument,
  parts: { year: number; unitZh: string; offices: unknown[]; categories: unknown[]; total: number },
  a: Annotate,
): Record<string, unknown> {
  const g = doc.group;
  const person = (p: Titled | undefined, personId: string, role: string) => ({
    personId,
    name: p?.name ?? `TODO ${role}`,
    role: p?.title ? `${role} ${p.title}` : role,
    email: `todo-${personId}@${PLACEHOLDER_DOMAIN}`,
  });
  const leader = person(g?.leader, 'group-leader', '组长');
  const deputy = g?.deputy ? person(g.deputy, 'group-deputy', '副组长') : undefined;
  const members = (g?.members ?? []).map((m, i) => person(m, `group-member-${i + 1}`, '成员'));
  const out: Record<string, unknown> = { timeZone: 'Asia/Shanghai' };
  a.choice(['timeZone'], 'the document is a Chinese unit\'s plan: China Standard Time');

  const signHead = /厅长\(签章\)/.exec(doc.header);
  out.signatories = { departmentHead: '厅长', responsibleUnit: parts.unitZh || '待定单位', responsiblePerson: leader.name };
  a.note(['signatories'], '厅长(签章) / 责任单位(公章) / 责任人(签章): the document leaves the names blank.');
  if (!signHead) a.note(['signatories'], 'the signature blocks were not found in the text.');
  a.choice(['signatories'], "the responsible person is the assessment group's leader, the unit's head");

  out.offices = parts.offices;
  out.assessmentGroup = { leader, ...(deputy ? { deputy } : {}), members, approvers: [leader.personId], appraisalTriggerers: [leader.personId] };
  if (g) a.src(['assessmentGroup'], g.words);
  else a.todo(['assessmentGroup'], 'the assessment group (绩效考核小组): the document names no leader; fill in the leader and members');
  a.todo(['assessmentGroup'], `the assessment group's person ids and e-mail addresses (placeholders @${PLACEHOLDER_DOMAIN})`);
  a.choice(['assessmentGroup'], 'the leader approves quarterly checks and, for the unit, triggers the appraisal');
  out.reviewCommenters = deputy ? [deputy.personId] : [];
  if (deputy) a.choice(['reviewCommenters'], 'the deputy may comment on the half-year review as well as the leader');

  out.totalPoints = parts.total;
  a.note(['totalPoints'], 'the sum of the categories\' points');
  out.categories = parts.categories;

  out.scoring = {
    defaultRule: { kind: 'proportional' },
    ruleByTarget: {},
    grades: [
      { id: 'excellent', name: { zh: '优秀', en: 'Excellent' }, atLeast: 0.9 },
      { id: 'good', name: { zh: '良好', en: 'Good' }, atLeast: 0.8 },
      { id: 'pass', name: { zh: '合格', en: 'Pass' }, atLeast: 0.6 },
      { id: 'unqualified', name: { zh: '不合格', en: 'Unqualified' }, atLeast: 0 },
    ],
    ineligibleForExcellence: ['unqualified'],
    unverifiedValues: 'acceptReported',
  };
  a.choice(['scoring', 'defaultRule'], "a partial result scores in proportion to the achieved fraction, capped at the target's points");
  a.choice(['scoring', 'grades'], 'grade bands as fractions of the total (the template names only 不合格)');
  if (doc.consequenceWords) a.src(['scoring', 'ineligibleForExcellence'], doc.consequenceWords);
  else a.choice(['scoring', 'ineligibleForExcellence'], 'the document has no consequence rule; 不合格 makes a unit ineligible for excellence as in the template');
  a.choice(['scoring', 'unverifiedValues'], 'a reported value the leader has not verified still counts');

  out.cadence = {
    monthEndDispatch: { day: 'lastWorkingDay', time: '09:00' },
    reportDeadline: { workingDaysAfterDispatch: 5, time: '18:00' },
    chasing: { reminderWorkingDaysBeforeDeadline: 1, overdueNoticeWorkingDaysAfterDeadline: 1, escalationWorkingDaysAfterDeadline: 3, time: '09:00' },
    quarterlyCheck: { resubmitWorkingDays: 3, autoCloseWorkingDaysAfterDeadline: 10 },
    halfYearReview: { latestWorkingDaysAfterJuneDeadline: 10 },
    yearEndAppraisal: { finalReportWorkingDays: 10, closeWorkingDaysAfterStart: 20 },
  };
  if (doc.cadenceWords) a.src(['cadence'], doc.cadenceWords);
  else a.todo(['cadence'], 'the document does not state the supervision cycle (每月底调度, 每季度督查, 每半年点评, 年底考评): confirm the cadence');
  a.choice(['cadence'], 'the document gives no days or times: dispatch on the last working day at 09:00, reports due 5 working days later, and the chasing below');

  out.calendar = { source: 'chinese-days', extraHolidays: [], extraWorkingDays: [] };
  a.choice(['calendar'], 'public holidays and make-up working days from the chinese-days data package');
  return out;
}
