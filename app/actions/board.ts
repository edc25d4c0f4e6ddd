/**
 * The performance office's board across units (绩效办排名看板) and its circular
 * (通报): one status query per cycle, never a history scan, so a board of a
 * few hundred cycles stays cheap. Every door (CLI, web) calls these.
 */
import { boardRow, rankBoard, renderBoardCsv, renderBoardHtml, type BoardGap, type BoardRow } from '../../domain/board';
import { cycleWorkflowId } from '../../domain/names';
import { circularRecipients, type Programme } from '../../domain/programme';
import type { CycleView } from '../../domain/view';
import { statusQuery } from '../../workflows/messages';
import type { AppContext } from '../context';
import { AppError, toAppError } from '../errors';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createMailActivities, StoreLedger, type MailTransport } from '../../activities';
import { messageIdFor, type MailMessage } from '../../domain/mail';

export interface Board {
  year: number;
  rows: BoardRow[];
  gaps: BoardGap[];
  /** Status queries made: one per unit. */
  queries: number;
}

/** Queries in flight at once: enough to hide latency, few enough not to flood a small server. */
const PARALLEL = 16;

async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The programme's units ranked by projected score; units without a readable cycle are listed as gaps. */
export async function board(ctx: AppContext, programme: Pick<Programme, 'units'>, year: number): Promise<Board> {
  const read = await mapLimited(programme.units, PARALLEL, async (unitId): Promise<CycleView | BoardGap> => {
    try {
      return await ctx.client.workflow.getHandle(cycleWorkflowId(unitId, year)).query(statusQuery, (ctx.now ?? Date.now)());
    } catch (e) {
      const err = toAppError(e);
      return { unitId, problem: err.kind === 'notFound' || (e as { code?: number }).code === 5 ? `no cycle for ${year}` : err.message.split('\n')[0] };
    }
  });
  const views = read.filter((r): r is CycleView => 'workflowId' in r);
  return { year, rows: rankBoard(views.map(boardRow)), gaps: read.filter((r): r is BoardGap => !('workflowId' in r)), queries: programme.units.length };
}

export interface Circular {
  title: string;
  html: string;
  csv: string;
  to: string[];
  board: Board;
}

/** The circular (通报) for a period: the board as HTML and CSV, addressed to the programme's recipients. */
export async function circular(ctx: AppContext, programme: Programme, period: string, year: number): Promise<Circular> {
  const b = await board(ctx, programme, year);
  const title = `${programme.office.name.zh} ${period} 绩效计划执行情况通报 / ${programme.office.name.en}: performance plans, ${period}`;
  const generatedAt = new Date((ctx.now ?? Date.now)()).toISOString();
  return { title, html: renderBoardHtml(title, b.rows, b.gaps, generatedAt), csv: renderBoardCsv(b.rows), to: circularRecipients(programme), board: b };
}

export interface CircularMail {
  transport: MailTransport;
  from: string;
  attachments: { filename: string; path: string }[];
  text: string;
}

/**
 * Mail the circular once per programme and period, through the same idempotent send as every cycle mail
 * (activities/mail.ts: the key claimed in the store's ledger, the Message-ID derived from it), so running
 * `cycle circular` again (or from two machines) does not mail everyone twice.
 */
export async function mailCircular(ctx: AppContext, programme: Programme, period: string, c: Circular, m: CircularMail): Promise<{ status: 'sent' | 'already-sent'; accepted: string[] }> {
  if (!ctx.ledger) throw new AppError('internal', 'TRY_AGAIN', 'no store: the circular is mailed only with the sent-mail ledger, so nobody gets it twice');
  const key = `circular/${programme.office.id}/${period}`;
  const attachmentRoot = m.attachments.length ? path.dirname(path.resolve(m.attachments[0].path)) : os.tmpdir();
  const send = createMailActivities({ transport: m.transport, ledger: new StoreLedger(ctx.ledger), from: m.from, attachmentRoot, publicUrl: '' });
  const message: MailMessage = {
    key,
    messageId: messageIdFor(key),
    kind: 'circular',
    period,
    officeId: programme.office.id,
    to: c.to,
    cc: [],
    subject: c.title,
    text: m.text,
    html: c.html,
    date: new Date((ctx.now ?? Date.now)()).toISOString(),
    headers: { 'X-Cycle-Kind': 'circular', 'X-Cycle-Period': period, 'X-Cycle-Key': key },
    attachments: m.attachments,
  };
  try {
    const r = await send.sendMail(message);
    return { status: r.status, accepted: r.accepted };
  } catch (e) {
    if (e instanceof ApplicationFailure && e.type === 'MailInProgress') throw new AppError('refused', 'TRY_AGAIN', `the ${period} circular is being mailed right now by another run: wait a minute and check with --json`);
    throw new AppError('unreachable', 'TRY_AGAIN', `the circular could not be mailed: ${(e as Error).message.split('\n')[0]}; check SMTP_URL, or pass --no-mail`);
  }
}
