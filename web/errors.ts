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
<div class="card error"><p><b>${err.code}</b>: ${err.message}</p><p class="muted">未作任何更改。 Nothing was changed.</p></div>
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
