/**
 * What each kind of mail says and to whom: one builder per kind, from the
 * plan, the state at the time it is sent and the intent. The mail module
 * renders the result and adds the headers every message carries.
 */
import { groupPeople } from './roles';
import type { CycleState, MailIntent, MailKind, OfficePeriod, PeriodState } from './cycle';
import { personName } from './handlers';
import { pagePath } from './links';
import type { MailBody } from './mail';
import { allTargets, round2, type Office, type Plan, type Target } from './plan';
import type { Appraisal, TargetScore } from './scoring';
import { formatLocalShort } from './time';
import { halfYearStanding } from './view';
import { warningMail } from './warningMail';

/** Everything a builder may need, worked out once. */
export interface MailContext {
  plan: Plan;
  state: CycleState;
  intent: MailIntent;
  office?: Office;
  p?: PeriodState;
  op?: OfficePeriod;
  /** The office as addressed in the text, or the group. */
  owner: string;
  deadline: string;
  /** The first dispatch of a unit that adopted the system mid-year: a catch-up request. */
  firstOfAdopter: boolean;
}

export interface Composed {
  to: string[];
  cc: string[];
  body: MailBody;
  /** False: no attachments even if some were offered (an office's copy of the appraisal). */
  attachments?: false;
}

function describeGoal(t: Target): string {
  switch (t.measure.kind) {
    case 'growthPercent':
      return `≥ ${t.measure.atLeast}%`;
    case 'count':
    case 'amount':
      return `≥ ${t.measure.atLeast} ${t.measure.unit.zh} (${t.measure.unit.en})`;
    case 'milestone':
      return '完成 done (1)';
    case 'declaration':
      return `年末申报 declared, ≤ ${t.points} 分 points`;
  }
}

function targetRows(plan: Plan, state: CycleState, op: OfficePeriod, month: number): string[][] {
  const byId = new Map(allTargets(plan).map((r) => [r.target.id, r.target]));
  return op.targets.map((id) => {
    const t = byId.get(id) as Target;
    const p = state.progress[id];
    const status = op.overdueTargets.includes(id) ? '逾期 overdue' : t.window.endMonth === month ? '本月到期 due this month' : '进行中 in progress';
    return [id, `${t.text.zh} / ${t.text.en}`, describeGoal(t), `${t.window.startMonth}-${t.window.endMonth} 月`, p ? String(p.value) : '—', status];
  });
}

export function officeOf(plan: Plan, id: string): Office | undefined {
  return plan.offices.find((o) => o.id === id);
}

export function group(plan: Plan): string[] {
  return groupPeople(plan).map((p) => p.email);
}

function scoreRows(scores: TargetScore[]): string[][] {
  return scores.map((s) => [s.targetId, s.text, s.achieved === null ? '—' : String(s.achieved), s.goal === null ? '—' : String(round2(s.goal)), `${s.points} / ${s.maxPoints}`, s.explanation]);
}

export function appraisalSummaryLines(plan: Plan, a: Appraisal): string[] {
  return [
    `总分 Total: ${a.total} / ${a.maxPoints}`,
    `等次 Grade: ${a.gradeName}`,
    `评先评优 Eligibility for excellence: ${a.eligibleForExcellence ? '可以 eligible' : '不能 not eligible'} (${a.consequence})`,
    ...a.categories.map((c) => `${c.name}: ${c.points} / ${c.maxPoints}`),
  ];
}

const ownedBy = (plan: Plan, officeId: string, includeCoOwners: boolean) => (s: { targetId: string }) => {
  const t = allTargets(plan).find((r) => r.target.id === s.targetId)?.target;
  return !!t && (t.offices.lead === officeId || (includeCoOwners && t.offices.coOwners.includes(officeId)));
};

function needOffice(c: MailContext): { office: Office; op: OfficePeriod } {
  if (!c.office || !c.op) throw new Error(`no ${c.intent.period} entry for office ${c.intent.officeId}`);
  return { office: c.office, op: c.op };
}

const reportLink = (c: MailContext) => ({ label: '在线报送 Report online (sign in with this e-mail address)', path: pagePath.reportForm(c.plan.unit.id, c.plan.year, c.intent.officeId, c.intent.period) });

/** 调度, 提醒, 逾期, 年底报送: an office is asked for a report. */
function request(c: MailContext): Composed {
  const { office, op } = needOffice(c);
  const { plan, intent, p, owner, deadline } = c;
  const what =
    p?.kind === 'quarterly'
      ? `${intent.period} 季度督查报告（需考核小组组长审批）/ the quarterly supervision report for ${intent.period}, to be approved by the group leader`
      : p?.kind === 'final'
        ? `${plan.year} 年全年完成情况及年末申报 / final values for ${plan.year} and the year-end declaration`
        : `${intent.period} 月度工作进展 / progress for ${intent.period}`;
  const opening: Record<string, string[]> = {
    dispatch: [`${owner}：`, `根据绩效考核安排，现进行月底工作调度。请于 ${deadline} 前报送${what}。`, `Month-end dispatch: please report ${what} by ${deadline}.`],
    catchUp: [
      `${owner}：`,
      `本单位自 ${formatLocalShort(c.state.adoption?.at ?? intent.at, plan.timeZone)} 起使用本系统督办绩效计划。请于 ${deadline} 前报送各项已开始指标的当前进展（此前各期不计逾期）。`,
      `This unit now runs its plan here. Please report where each target that has begun stands by ${deadline}; earlier periods were never requested and do not count as late.`,
    ],
    reminder: [`${owner}：`, `提醒：${what} 将于 ${deadline} 截止，尚未收到报告。`, `Reminder: ${what} is due by ${deadline}; no report has arrived yet.`],
    overdue: [`${owner}：`, `${what} 已于 ${deadline} 逾期，请尽快报送。`, `Overdue: ${what} was due by ${deadline}. Please report now.`],
    finalRequest: [`${owner}：`, `年底全面考评考核开始。请于 ${deadline} 前报送${what}。`, `The year-end appraisal has started: please report ${what} by ${deadline}.`],
  };
  return {
    to: [office.contact.email],
    cc: intent.kind === 'overdue' ? [office.head.email] : [],
    body: {
      lines: [...opening[c.firstOfAdopter ? 'catchUp' : intent.kind], op.overdueTargets.length ? `逾期指标 Overdue targets: ${op.overdueTargets.join(', ')}` : ''],
      table: { head: ['编号 id', '目标 target', '目标值 goal', '时间 window', '已报进度 reported', '状态 status'], rows: targetRows(plan, c.state, op, p?.kind === 'final' ? 0 : (p?.month ?? 0)) },
      link: reportLink(c),
    },
  };
}

function returned(c: MailContext): Composed {
  const { office, op } = needOffice(c);
  const { intent, owner, deadline } = c;
  return {
    to: [office.contact.email],
    cc: [office.head.email],
    body: {
      lines: [
        `${owner}：`,
        `您单位 ${intent.period} 季度督查报告已被退回，请修改后于 ${deadline} 前重新报送。`,
        `Your ${intent.period} quarterly report was returned; please correct it and resubmit by ${deadline}.`,
        `退回意见 Comment (${op.review?.by ?? ''}): ${op.review?.comment ?? ''}`,
      ],
      link: reportLink(c),
    },
  };
}

function escalation(c: MailContext): Composed {
  const { office, op } = needOffice(c);
  const leader = c.plan.assessmentGroup.leader;
  return {
    to: [leader.email],
    cc: [office.head.email],
    body: {
      lines: [
        `${leader.name} 组长：`,
        `${c.owner} 的 ${c.intent.period} 报告截止于 ${c.deadline}，至今未报送，请督办。`,
        `Escalation: ${office.name.en} has not filed its ${c.intent.period} report, due ${c.deadline}.`,
        `逾期 Late by: ${op.lateByMs ? round2(op.lateByMs / 86_400_000) : 0} 天 days`,
      ],
      link: { label: '督办看板 Open the board', path: pagePath.board(c.plan.unit.id, c.plan.year) },
    },
  };
}

function quarterlySummary({ plan, intent, p }: MailContext): Composed {
  if (!p) throw new Error(`no period ${intent.period}`);
  const rows = Object.values(p.offices).map((o) => [o.officeId, officeOf(plan, o.officeId)?.name.zh ?? '', o.status, o.report ? `rev ${o.report.revision}` : '—', o.review?.comment ?? '', o.lateByMs ? `${round2(o.lateByMs / 86_400_000)} d` : '']);
  return {
    to: group(plan),
    cc: [],
    body: {
      lines: [
        `${plan.unit.name.zh} ${intent.period} 季度工作督查小结 / Quarterly supervision check summary.`,
        `关闭 Closed: ${p.check?.closedAt ? formatLocalShort(p.check.closedAt, plan.timeZone) : ''} (${p.check?.closedBy ?? ''})`,
        p.check?.missing?.length ? `未通过/未报送 Missing or not approved: ${p.check.missing.join(', ')}` : '全部通过 All reports approved.',
      ],
      table: { head: ['office', '科室', 'status', 'report', 'comment', 'late'], rows },
      link: { label: '审批与看板 Approvals and board', path: pagePath.approvals(plan.unit.id, plan.year) },
    },
  };
}

function review({ plan, state, intent, office, owner }: MailContext): Composed {
  const standing = halfYearStanding(plan, state);
  const comments = state.review.comments.filter((c) => intent.kind === 'reviewSummary' || !c.officeId || c.officeId === intent.officeId);
  const mine = office ? standing.targets.filter(ownedBy(plan, office.id, true)) : standing.targets;
  return {
    to: office ? [office.contact.email] : group(plan),
    cc: office ? [office.head.email] : [],
    body: {
      lines: [
        `${owner}：`,
        `${plan.year} 年上半年工作点评（按时间进度折算目标）。Half-year review: standing against pro-rata targets at the end of June.`,
        `上半年得分 Standing: ${standing.total} / ${standing.maxPoints} (${round2(standing.fraction * 100)}%)`,
        ...comments.map((c) => `点评 Comment (${personName(plan, c.by) ?? c.by}${c.officeId ? ` → ${c.officeId}` : ''}): ${c.comment}`),
      ],
      table: { head: ['id', 'target', 'reported', 'pro-rata goal', 'points', 'explanation'], rows: scoreRows(mine) },
      link: office ? { label: '本科室页面 Your office page', path: pagePath.office(plan.unit.id, plan.year, office.id) } : { label: '半年点评 Half-year review', path: pagePath.review(plan.unit.id, plan.year) },
    },
  };
}

function appraisal({ plan, state, office }: MailContext): Composed {
  const a = state.appraisal?.result;
  if (!a) throw new Error('no appraisal result yet');
  const mine = office ? a.targets.filter(ownedBy(plan, office.id, false)) : a.targets;
  return {
    to: office ? [office.contact.email] : group(plan),
    cc: office ? [office.head.email] : [],
    body: {
      lines: [`${plan.unit.name.zh} ${plan.year} 年度绩效考评结果 / Year-end appraisal of ${plan.unit.name.en}, ${plan.year}.`, ...appraisalSummaryLines(plan, a)],
      table: { head: ['id', 'target', 'value', 'goal', 'points', 'explanation'], rows: scoreRows(mine) },
      after: office ? [] : ['完整报告见附件（含审计日志）。The full report, with the audit log, is attached.'],
      link: { label: '考评报告 Appraisal report', path: pagePath.appraisal(plan.unit.id, plan.year) },
    },
    ...(office ? { attachments: false as const } : {}),
  };
}

function deliveryFailure({ plan, intent }: MailContext): Composed {
  const leader = plan.assessmentGroup.leader;
  return {
    to: [leader.email],
    cc: [],
    body: {
      lines: [`${leader.name} 组长：`, `一封邮件无法投递，已停止重试。A message could not be delivered and will not be retried.`, `邮件 Message: ${intent.failedKey ?? ''}`, `原因 Reason: ${intent.failedError ?? ''}`],
      link: { label: '督办看板 Open the board', path: pagePath.board(plan.unit.id, plan.year) },
    },
  };
}

const warning = ({ plan, state, intent }: MailContext): Composed => warningMail(plan, state, intent, intent.at);

export const MAIL_BODIES: Record<MailKind, (c: MailContext) => Composed> = {
  dispatch: request,
  reminder: request,
  overdue: request,
  finalRequest: request,
  returned,
  escalation,
  quarterlySummary,
  review,
  reviewSummary: review,
  appraisal,
  warning,
  recovery: warning,
  deliveryFailure,
};
