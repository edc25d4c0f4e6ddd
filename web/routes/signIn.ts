/**
 * Sign-in by e-mail link. The answer to "send me a link" is the same page
 * whether or not the address is known. Opening the link (GET) only shows a
 * button: mail scanners open links, so only the POST spends the token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badInput } from '../../app/errors';
import { PRE_COOKIE, preToken, randomToken, safeReturnTo, sameString, sha256, SIGN_IN_TOKEN_MS } from '../auth';
import { readCookie } from '../cookies';
import { csrfError, field, send, type Web } from '../context';
import { html } from '../html';

const WINDOW_MS = 15 * 60_000;
const EMAIL = /^[^\s@<>"',;]{1,64}@[^\s@<>"',;]{1,190}\.[^\s@<>"',;]{1,63}$/;

function checkPre(req: FastifyRequest) {
  const cookie = readCookie(req, PRE_COOKIE);
  const sent = field(req.body, '_csrf');
  if (!cookie || !sent || !sameString(cookie, sent)) throw csrfError();
}

function signInForm(token: string, returnTo: string, email = '') {
  return html`<h1>登录 <span class="en">Sign in</span></h1>
<div class="card"><p>输入计划书中登记的电子邮箱，我们会发送一次性登录链接（15 分钟内有效）。<br><span class="en">Enter the address the plan lists for you; we mail you a one-time sign-in link, valid for 15 minutes.</span></p>
<form method="post" action="/sign-in"><input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="returnTo" value="${returnTo}">
<label for="email">电子邮箱 <span class="en">E-mail address</span></label><input type="email" id="email" name="email" required autocomplete="email" value="${email}">
<button type="submit">发送登录链接 Send me a link</button></form></div>`;
}

async function rateLimit(web: Web, kind: 'address' | 'client', key: string, max: number) {
  const now = web.now();
  const n = await web.auth.countAndRecordAttempt(kind, key, now, now - WINDOW_MS);
  if (n > max) {
    const who = kind === 'address' ? 'this address' : 'this network address';
    throw new AppError('refused', 'TRY_AGAIN', `too many sign-in requests from ${who} (more than ${max} in 15 minutes): use the last link you received, or wait 15 minutes and ask again`);
  }
}

async function mailLink(web: Web, email: string, returnTo: string) {
  const token = randomToken();
  const now = web.now();
  await web.auth.createSignInToken({ tokenHash: sha256(token), email, returnTo, createdAt: now, expiresAt: now + SIGN_IN_TOKEN_MS });
  const link = `${web.opts.publicUrl}/sign-in/confirm?token=${token}`;
  await web.opts.mail.transport.sendMail({
    from: web.opts.mail.from,
    to: email,
    subject: '登录链接 Your sign-in link (绩效督查 Supervision)',
    text: `打开以下链接并点击"确认登录"（15 分钟内有效，只能使用一次）：\nOpen this link and press "Sign in" (valid for 15 minutes, once):\n\n${link}\n\n如非本人操作，请忽略此邮件。 If you did not ask for it, ignore this mail.\n`,
  });
}

export function signInRoutes(f: FastifyInstance, web: Web) {
  f.get('/sign-in', async (req, reply) => {
    const returnTo = safeReturnTo((req.query as Record<string, unknown>).returnTo);
    if (req.session) return reply.redirect(returnTo, 303);
    return send(reply, '登录 Sign in', signInForm(preToken(req, reply, web.secure), returnTo));
  });

  f.post('/sign-in', async (req, reply) => {
    checkPre(req);
    const email = field(req.body, 'email').trim().toLowerCase();
    const returnTo = safeReturnTo(field(req.body, 'returnTo'));
    if (!EMAIL.test(email)) throw badInput(`"${email.slice(0, 80)}" is not an e-mail address: enter the address the plan lists for you, e.g. name@kjj.example.gov.cn`);
    await rateLimit(web, 'client', req.ip, web.opts.rateLimits?.perClient ?? 30);
    await rateLimit(web, 'address', email, web.opts.rateLimits?.perAddress ?? 5);
    // Only people in a running cycle's plan get a link; everyone gets the same page, so addresses cannot be probed.
    if ((await web.directory.cyclesOf(email)).length || web.directory.programmePerson(email)) await mailLink(web, email, returnTo);
    return send(
      reply,
      '请查收邮件 Check your mail',
      html`<h1>请查收邮件 <span class="en">Check your mail</span></h1><div class="card ok"><p>如果 ${email} 是计划书中登记的邮箱，登录链接已发送，15 分钟内有效。<br><span class="en">If ${email} is an address in a running plan, a sign-in link is on its way; it works once, within 15 minutes.</span></p></div>`,
    );
  });

  f.get('/sign-in/confirm', async (req, reply) => {
    const token = String((req.query as Record<string, unknown>).token ?? '');
    return send(
      reply,
      '确认登录 Confirm sign-in',
      html`<h1>确认登录 <span class="en">Confirm sign-in</span></h1><div class="card"><form method="post" action="/sign-in/confirm">
<input type="hidden" name="_csrf" value="${preToken(req, reply, web.secure)}"><input type="hidden" name="token" value="${token}">
<p>点击按钮完成登录。<span class="en">Press the button to sign in.</span></p><button type="submit">确认登录 Sign in</button></form></div>`,
    );
  });

  f.post('/sign-in/confirm', async (req, reply) => {
    checkPre(req);
    const token = field(req.body, 'token');
    const row = token.length > 20 && token.length < 100 ? await web.auth.consumeSignInToken(sha256(token), web.now()) : undefined;
    if (!row) throw new AppError('refused', 'NOT_AUTHORISED', 'this sign-in link is unknown, already used or expired (links work once, for 15 minutes): ask for a new one on the sign-in page');
    // Re-check the live plans: someone removed from a plan since the mail went out does not get in.
    if (!(await web.directory.cyclesOf(row.email)).length && !web.directory.programmePerson(row.email)) throw new AppError('refused', 'NOT_AUTHORISED', `${row.email} is no longer named in a running cycle's plan: ask the assessment group`);
    await web.sessions.create(reply, row.email);
    return reply.redirect(safeReturnTo(row.returnTo), 303);
  });

  f.post('/sign-out', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.session && field(req.body, '_csrf') !== req.session.csrf) throw csrfError();
    await web.sessions.destroy(req, reply);
    return reply.redirect('/sign-in', 303);
  });
}
