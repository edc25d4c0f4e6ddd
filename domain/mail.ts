/**
 * Turns what the cycle wants said into e-mail: Chinese first with an English
 * line, plain text and HTML, every piece of user text escaped. Pure, so the
 * workflow composes the message and the activity only delivers it.
 *
 * Every message has a deterministic key (cycle, period, office, kind, round)
 * and a Message-ID derived from it: the activity's sent-ledger and any
 * receiving system can tell a retry from a new message.
 */
import { mailLink, pagePath } from './links';
import { groupPeople } from './roles';
import { finalPeriod } from './calendar';
import type { CycleState, MailIntent, MailKind, OfficePeriod } from './cycle';
import { sha256Hex } from './digest';
import { personName } from './handlers';
import { allTargets, round2, type Office, type Plan, type Target } from './plan';
import type { Appraisal, TargetScore } from './scoring';
import { formatLocal, formatLocalShort } from './time';
import { halfYearStanding } from './view';
import { warningMail } from './warningMail';

export interface MailAttachment {
  filename: string;
  /** Absolute path of a file the worker wrote (report files). */
  path: string;
}

export interface MailMessage {
  key: string;
  messageId: string;
  kind: MailKind;
  period: string;
  officeId: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  /** ISO instant in the plan's zone: the Date header. */
  date: string;
  headers: Record<string, string>;
  attachments: MailAttachment[];
}

export function mailKey(workflowId: string, intent: Pick<MailIntent, 'period' | 'officeId' | 'kind' | 'round' | 'failedKey'>): string {
  const base = `${workflowId}/${intent.period}/${intent.officeId}/${intent.kind}/${intent.round}`;
  return intent.failedKey ? `${base}/${intent.failedKey}` : base;
}

export function messageIdFor(key: string): string {
  return `<${sha256Hex(key).slice(0, 40)}@supervision-cycle>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Header values must not carry line breaks (header injection). */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 300);
}

const KIND_TITLE: Record<MailKind, [string, string]> = {
  dispatch: ['月底工作调度', 'Month-end work dispatch'],
  reminder: ['报送提醒', 'Reminder: report due soon'],
  overdue: ['逾期通知', 'Overdue notice'],
  escalation: ['督办升级', 'Escalation: report missing'],
  returned: ['报告退回', 'Report returned'],
  quarterlySummary: ['季度督查小结', 'Quarterly check summary'],
  review: ['半年工作点评', 'Half-year review'],
  reviewSummary: ['半年工作点评汇总', 'Half-year review summary'],
  finalRequest: ['年底考评：请报送全年完成情况', 'Year-end appraisal: final values due'],
  appraisal: ['年底考评结果', 'Year-end appraisal result'],
  deliveryFailure: ['邮件投递失败', 'Mail delivery failure'],
  warning: ['预警通知', 'Early warning: off course for the year'],
  recovery: ['预警解除', 'Warning lifted: back on course'],
};

export type MailBody = Body;

interface Body {
  lines: string[];
  /** Preformatted table rows for the HTML body (already escaped cells are escaped by the renderer). */
  table?: { head: string[]; rows: string[][] };
  after?: string[];
  /** Where the reader acts: one link to the web page (the mail activity fills in PUBLIC_URL). */
  link?: { label: string; path: string };
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

function officeOf(plan: Plan, id: string): Office | undefined {
  return plan.offices.find((o) => o.id === id);
}

function group(plan: Plan): string[] {
  return groupPeople(plan).map((p) => p.email);
}

function render(body: Body): { text: string; html: string } {
  const text = [
    ...body.lines,
    ...(body.table ? ['', body.table.head.join(' | '), ...body.table.rows.map((r) => r.join(' | '))] : []),
    ...(body.after ? ['', ...body.after] : []),
    ...(body.link ? ['', `${body.link.label}: ${mailLink(body.link.path)}`] : []),
  ].join('\n');
  const p = (l: string) => (l ? `<p>${escapeHtml(l)}</p>` : '');
  const table = body.table
    ? `<table border="1" cellpadding="4" cellspacing="0"><thead><tr>${body.table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.table.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : '';
  const html = `<!doctype html><html><head><meta charset="utf-8"></head><body>${body.lines.map(p).join('')}${table}${(body.after ?? []).map(p).join('')}${
    body.link ? `<p><a href="${escapeHtml(mailLink(body.link.path))}">${escapeHtml(body.link.label)}</a></p>` : ''
  }</body></html>`;
  return { text: `${text}\n`, html };
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

/** Compose the message for an intent, from the plan and the state at the time it is sent. */
export function composeMail(plan: Plan, state: CycleState, intent: MailIntent, attachments: MailAttachment[] = []): MailMessage {
  const z = plan.timeZone;
  const key = mailKey(state.workflowId, intent);
  const unit = `${plan.unit.name.zh}`;
  const office = officeOf(plan, intent.officeId);
  const p = state.periods[intent.period];
  const firstOfAdopter = intent.kind === 'dispatch' && state.adoption?.firstMonth === p?.month && p?.kind !== 'final';
  const [zhTitle, enTitle] = firstOfAdopter ? ['首次调度：请报送当前进展', 'First dispatch: report where each target stands'] : KIND_TITLE[intent.kind];
  const op = p?.offices[intent.officeId];
  const leader = plan.assessmentGroup.leader;
  let to: string[] = [];
  let cc: string[] = [];
  let body: Body = { lines: [] };
  const deadline = op ? formatLocalShort(op.deadlineAt, z) : '';
  const owner = office ? `${office.name.zh} (${office.name.en})` : '考核小组 (assessment group)';
  const u = plan.unit.id;
  const y = plan.year;
  const reportLink = office && op ? { label: '在线报送 Report online (sign in with this e-mail address)', path: pagePath.reportForm(u, y, office.id, intent.period) } : undefined;

  switch (intent.kind) {
    case 'dispatch':
    case 'reminder':
    case 'overdue':
    case 'finalRequest': {
      if (!office || !op) throw new Error(`no ${intent.period} entry for office ${intent.officeId}`);
      to = [office.contact.email];
      if (intent.kind === 'overdue') cc = [office.head.email];
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
          `本单位自 ${formatLocalShort(state.adoption?.at ?? intent.at, z)} 起使用本系统督办绩效计划。请于 ${deadline} 前报送各项已开始指标的当前进展（此前各期不计逾期）。`,
          `This unit now runs its plan here. Please report where each target that has begun stands by ${deadline}; earlier periods were never requested and do not count as late.`,
        ],
        reminder: [`${owner}：`, `提醒：${what} 将于 ${deadline} 截止，尚未收到报告。`, `Reminder: ${what} is due by ${deadline}; no report has arrived yet.`],
        overdue: [`${owner}：`, `${what} 已于 ${deadline} 逾期，请尽快报送。`, `Overdue: ${what} was due by ${deadline}. Please report now.`],
        finalRequest: [`${owner}：`, `年底全面考评考核开始。请于 ${deadline} 前报送${what}。`, `The year-end appraisal has started: please report ${what} by ${deadline}.`],
      };
      body = {
        lines: [...opening[firstOfAdopter ? 'catchUp' : intent.kind], op.overdueTargets.length ? `逾期指标 Overdue targets: ${op.overdueTargets.join(', ')}` : ''],
        table: { head: ['编号 id', '目标 target', '目标值 goal', '时间 window', '已报进度 reported', '状态 status'], rows: targetRows(plan, state, op, p?.kind === 'final' ? 0 : (p?.month ?? 0)) },
        link: reportLink,
      };
      break;
    }
    case 'returned': {
      if (!office || !op) throw new Error(`no ${intent.period} entry for office ${intent.officeId}`);
      to = [office.contact.email];
      cc = [office.head.email];
      body = {
        lines: [
          `${owner}：`,
          `您单位 ${intent.period} 季度督查报告已被退回，请修改后于 ${deadline} 前重新报送。`,
          `Your ${intent.period} quarterly report was returned; please correct it and resubmit by ${deadline}.`,
          `退回意见 Comment (${op.review?.by ?? ''}): ${op.review?.comment ?? ''}`,
        ],
        link: reportLink,
      };
      break;
    }
    case 'escalation': {
      if (!office || !op) throw new Error(`no ${intent.period} entry for office ${intent.officeId}`);
      to = [leader.email];
      cc = [office.head.email];
      body = {
        lines: [
          `${leader.name} 组长：`,
          `${owner} 的 ${intent.period} 报告截止于 ${deadline}，至今未报送，请督办。`,
          `Escalation: ${office.name.en} has not filed its ${intent.period} report, due ${deadline}.`,
          `逾期 Late by: ${op.lateByMs ? round2(op.lateByMs / 86_400_000) : 0} 天 days`,
        ],
        link: { label: '督办看板 Open the board', path: pagePath.board(u, y) },
      };
      break;
    }
    case 'quarterlySummary': {
      if (!p) throw new Error(`no period ${intent.period}`);
      to = group(plan);
      const rows = Object.values(p.offices).map((o) => [o.officeId, officeOf(plan, o.officeId)?.name.zh ?? '', o.status, o.report ? `rev ${o.report.revision}` : '—', o.review?.comment ?? '', o.lateByMs ? `${round2(o.lateByMs / 86_400_000)} d` : '']);
      body = {
        lines: [
          `${unit} ${intent.period} 季度工作督查小结 / Quarterly supervision check summary.`,
          `关闭 Closed: ${p.check?.closedAt ? formatLocalShort(p.check.closedAt, z) : ''} (${p.check?.closedBy ?? ''})`,
          p.check?.missing?.length ? `未通过/未报送 Missing or not approved: ${p.check.missing.join(', ')}` : '全部通过 All reports approved.',
        ],
        table: { head: ['office', '科室', 'status', 'report', 'comment', 'late'], rows },
        link: { label: '审批与看板 Approvals and board', path: pagePath.approvals(u, y) },
      };
      break;
    }
    case 'review':
    case 'reviewSummary': {
      const standing = halfYearStanding(plan, state);
      const comments = state.review.comments.filter((c) => intent.kind === 'reviewSummary' || !c.officeId || c.officeId === intent.officeId);
      const mine = office ? standing.targets.filter((s) => allTargets(plan).find((r) => r.target.id === s.targetId)?.target.offices.lead === office.id || allTargets(plan).find((r) => r.target.id === s.targetId)?.target.offices.coOwners.includes(office.id)) : standing.targets;
      to = office ? [office.contact.email] : group(plan);
      if (office) cc = [office.head.email];
      body = {
        lines: [
          `${owner}：`,
          `${plan.year} 年上半年工作点评（按时间进度折算目标）。Half-year review: standing against pro-rata targets at the end of June.`,
          `上半年得分 Standing: ${standing.total} / ${standing.maxPoints} (${round2(standing.fraction * 100)}%)`,
          ...comments.map((c) => `点评 Comment (${personName(plan, c.by) ?? c.by}${c.officeId ? ` → ${c.officeId}` : ''}): ${c.comment}`),
        ],
        table: { head: ['id', 'target', 'reported', 'pro-rata goal', 'points', 'explanation'], rows: scoreRows(mine) },
        link: office ? { label: '本科室页面 Your office page', path: pagePath.office(u, y, office.id) } : { label: '半年点评 Half-year review', path: pagePath.review(u, y) },
      };
      break;
    }
    case 'appraisal': {
      const a = state.appraisal?.result;
      if (!a) throw new Error('no appraisal result yet');
      to = office ? [office.contact.email] : group(plan);
      if (office) cc = [office.head.email];
      const mine = office ? a.targets.filter((s) => allTargets(plan).find((r) => r.target.id === s.targetId)?.target.offices.lead === office.id) : a.targets;
      body = {
        lines: [`${unit} ${plan.year} 年度绩效考评结果 / Year-end appraisal of ${plan.unit.name.en}, ${plan.year}.`, ...appraisalSummaryLines(plan, a)],
        table: { head: ['id', 'target', 'value', 'goal', 'points', 'explanation'], rows: scoreRows(mine) },
        after: office ? [] : ['完整报告见附件（含审计日志）。The full report, with the audit log, is attached.'],
        link: { label: '考评报告 Appraisal report', path: pagePath.appraisal(u, y) },
      };
      if (office) attachments = [];
      break;
    }
    case 'warning':
    case 'recovery': {
      ({ to, cc, body } = warningMail(plan, state, intent, intent.at));
      break;
    }
    case 'deliveryFailure': {
      to = [leader.email];
      body = {
        lines: [`${leader.name} 组长：`, `一封邮件无法投递，已停止重试。A message could not be delivered and will not be retried.`, `邮件 Message: ${intent.failedKey ?? ''}`, `原因 Reason: ${intent.failedError ?? ''}`],
        link: { label: '督办看板 Open the board', path: pagePath.board(u, y) },
      };
      break;
    }
  }
  const { text, html } = render(body);
  const periodLabel = intent.period === finalPeriod(plan.year) ? `${plan.year} 年底` : intent.period;
  return {
    key,
    messageId: messageIdFor(key),
    kind: intent.kind,
    period: intent.period,
    officeId: intent.officeId,
    to,
    cc,
    subject: oneLine(`【${zhTitle}】${unit} ${periodLabel} ${office ? office.name.zh : ''} / ${enTitle}`),
    text,
    html,
    date: formatLocal(intent.at, z),
    headers: {
      'X-Cycle-Id': oneLine(state.workflowId),
      'X-Cycle-Kind': intent.kind,
      'X-Cycle-Period': oneLine(intent.period),
      'X-Cycle-Office': oneLine(intent.officeId),
      'X-Cycle-Round': String(intent.round),
      'X-Cycle-Key': oneLine(key),
    },
    attachments,
  };
}
