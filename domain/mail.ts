/**
 * Turns what the cycle wants said into e-mail: Chinese first with an English
 * line, plain text and HTML, every piece of user text escaped. Pure, so the
 * workflow composes the message and the activity only delivers it.
 *
 * Every message has a deterministic key (cycle, period, office, kind, round)
 * and a Message-ID derived from it: the activity's sent-ledger and any
 * receiving system can tell a retry from a new message.
 */
import { finalPeriod } from './calendar';
import type { CycleState, MailIntent, MailKind } from './cycle';
import { sha256Hex } from './digest';
import { mailLink } from './links';
import { MAIL_BODIES, officeOf } from './mailBodies';
import type { Plan } from './plan';
import { formatLocal, formatLocalShort } from './time';

export { appraisalSummaryLines } from './mailBodies';

export interface MailAttachment {
  filename: string;
  /** Absolute path of a file the worker wrote (report files). */
  path: string;
}

export interface MailMessage {
  key: string;
  messageId: string;
  /** A cycle's mail, or the performance office's circular (sent by the same idempotent activity code). */
  kind: MailKind | 'circular';
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

/** Compose the message for an intent, from the plan and the state at the time it is sent. */

/** Compose the message for an intent, from the plan and the state at the time it is sent. */
export function composeMail(plan: Plan, state: CycleState, intent: MailIntent, attachments: MailAttachment[] = []): MailMessage {
  const z = plan.timeZone;
  const key = mailKey(state.workflowId, intent);
  const office = officeOf(plan, intent.officeId);
  const p = state.periods[intent.period];
  const op = p?.offices[intent.officeId];
  const firstOfAdopter = intent.kind === 'dispatch' && state.adoption?.firstMonth === p?.month && p?.kind !== 'final';
  const [zhTitle, enTitle] = firstOfAdopter ? ['首次调度：请报送当前进展', 'First dispatch: report where each target stands'] : KIND_TITLE[intent.kind];
  const owner = office ? `${office.name.zh} (${office.name.en})` : '考核小组 (assessment group)';
  const deadline = op ? formatLocalShort(op.deadlineAt, z) : '';
  const made = MAIL_BODIES[intent.kind]({ plan, state, intent, office, p, op, owner, deadline, firstOfAdopter });
  const { text, html } = render(made.body);
  const periodLabel = intent.period === finalPeriod(plan.year) ? `${plan.year} 年底` : intent.period;
  return {
    key,
    messageId: messageIdFor(key),
    kind: intent.kind,
    period: intent.period,
    officeId: intent.officeId,
    to: made.to,
    cc: made.cc,
    subject: oneLine(`【${zhTitle}】${plan.unit.name.zh} ${periodLabel} ${office ? office.name.zh : ''} / ${enTitle}`),
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
    attachments: made.attachments === false ? [] : attachments,
  };
}
