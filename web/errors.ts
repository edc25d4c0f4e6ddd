/** Every refusal or failure becomes one clear page: what happened, and what to do. Nothing was changed. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toAppError, type AppErrorKind } from '../app/errors';
import { send } from './context';
import { html } from './html';

const STATUS: Record<AppErrorKind, number> = { input: 400, refused: 403, notFound: 404, unreachable: 503, internal: 500 };

const TITLE: Record<AppErrorKind, [string, string]> = {
  input: ['输入有误', 'Check what you sent'],
  refused: ['未能办理', 'Not done'],
  notFound: ['未找到', 'Not found'],
  unreachable: ['暂时无法办理', 'Try again shortly'],
  internal: ['系统错误', 'Something went wrong'],
};

/** What each stable code means for the person reading the page, in Chinese first; the code stays for support. */
const MEANS: Partial<Record<string, string>> = {
  NOT_AUTHORISED: '您的角色不能查看或办理此项（按绩效计划的分工）。',
  PERIOD_NOT_OPEN: '该期次当前不接受报送。',
  WRONG_PHASE: '考核当前所处阶段不能办理此项。',
  ALREADY_APPROVED: '该报告已审批通过；如需更正，请组长先退回。',
  TOO_MANY_REVISIONS: '本轮修改次数已达上限。',
  CYCLE_APPRAISED: '本年度已完成考评，不再接受更改。',
  CYCLE_FINISHED: '本年度已完成考评，不再接受更改。',
  VALUE_OUT_OF_RANGE: '填写的数值超出允许范围。',
  UNKNOWN_TARGET: '指标不属于该科室或计划。',
  UNKNOWN_OFFICE: '计划中没有该科室。',
  INVALID_PAYLOAD: '提交的内容不完整或格式有误。',
  NO_SUCH_CYCLE: '没有找到该单位该年度的考核。',
};

/** Where the page only looked something up, "nothing was changed" would read oddly. */
const isRead = (req: FastifyRequest) => req.method === 'GET' || req.method === 'HEAD';

export function statusOf(e: AppError): number {
  // A refusal that is not about who you are (wrong phase, closed period) is a conflict, not a permission problem.
  if (e.kind === 'refused' && e.code === 'TRY_AGAIN') return 429;
  if (e.kind === 'refused' && e.code !== 'NOT_AUTHORISED') return 409;
  return STATUS[e.kind];
}

export function errorPage(req: FastifyRequest, reply: FastifyReply, err: AppError, status = statusOf(err)) {
  const [zh, en] = TITLE[err.kind];
  const back = req.headers.referer && new URL(req.headers.referer, 'http://x').pathname;
  const body = html`<h1>${zh} <span class="en">${en}</span></h1>
<div class="card error">${MEANS[err.code] ? html`<p><b>${MEANS[err.code]}</b></p>` : ''}<p><span class="en">${err.message}</span></p><p class="muted">${isRead(req) ? '' : '未作任何更改。 Nothing was changed. '}代码 <span class="en">code</span>: ${err.code}</p></div>
<p><a href="${back && back.startsWith('/') && !back.startsWith('//') ? back : '/'}">返回 Back</a> · <a href="/">首页 Home</a></p>`;
  return send(reply, `${zh} ${en}`, body, req.session, status);
}

export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) return errorPage(req, reply, err);
  // Fastify's own refusals (body too large, bad multipart, malformed form) are bad input, said as such.
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return errorPage(req, reply, new AppError('input', 'BAD_INPUT', `${err.message}: check the form and send it again`), err.statusCode);
  }
  req.log.error(err);
  return errorPage(req, reply, toAppError(err));
}
