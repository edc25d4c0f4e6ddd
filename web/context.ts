/** What every route of the web door shares: the app, the store's sign-in tables, sessions, the people directory. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailTransport } from '../activities';
import type { Actor, AppContext, CycleRef } from '../app/context';
import { badInput } from '../app/errors';
import type { AuthStore } from '../store/types';
import { Sessions, type WebSession } from './auth';
import { type Html, page } from './html';
import { Directory } from './people';
import type { Programme } from '../domain/programme';

export interface WebOptions {
  app: AppContext;
  auth: AuthStore;
  mail: { transport: MailTransport; from: string };
  /** The address people open, e.g. https://kaohe.example.gov.cn: sign-in links are built on it. */
  publicUrl: string;
  /** Secure cookies (default: when publicUrl is https). */
  secureCookies?: boolean;
  /** Sign-in requests allowed per address and per client in 15 minutes (defaults 5 and 30). */
  rateLimits?: { perAddress?: number; perClient?: number };
  now?: () => number;
  logger?: boolean;
  /** The performance office's programme (PROGRAMME_FILE): its people may sign in and see the board across units. */
  programme?: Programme;
}

export interface Web {
  opts: WebOptions;
  app: AppContext;
  auth: AuthStore;
  sessions: Sessions;
  directory: Directory;
  secure: boolean;
  now: () => number;
}

export function createWeb(opts: WebOptions): Web {
  const secure = opts.secureCookies ?? opts.publicUrl.startsWith('https:');
  const now = opts.now ?? Date.now;
  return { opts, app: opts.app, auth: opts.auth, sessions: new Sessions(opts.auth, secure, now), directory: new Directory(opts.app, opts.programme), secure, now };
}

declare module 'fastify' {
  interface FastifyRequest {
    session?: WebSession;
  }
}

/** The signed-in person, or a redirect to sign in that comes back here after. */
export function requireSession(req: FastifyRequest, reply: FastifyReply): WebSession | undefined {
  if (req.session) return req.session;
  void reply.redirect(`/sign-in?returnTo=${encodeURIComponent(req.url)}`, 303);
  return undefined;
}

export function send(reply: FastifyReply, title: string, body: Html, session?: WebSession, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(page({ title, body, who: session && { email: session.email, csrf: session.csrf } }));
}

const UNIT = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The cycle a URL names; a malformed one is bad input, not a lookup. */
export function cycleRefOf(params: unknown): CycleRef {
  const p = params as { unit?: string; year?: string };
  const year = Number(p.year);
  if (!p.unit || !UNIT.test(p.unit)) throw badInput(`"${p.unit ?? ''}" in the address is not a unit id: open the page from your mail or from the home page`);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput(`"${p.year ?? ''}" in the address is not a plan year: open the page from your mail or from the home page`);
  return { unitId: p.unit, year };
}

/** The session's CSRF token must come back with every POST. */
export function checkCsrf(session: WebSession, body: unknown): void {
  const got = (body as Record<string, unknown> | undefined)?._csrf;
  if (typeof got !== 'string' || got !== session.csrf) throw csrfError();
}

export const csrfError = () => badInput('the form has expired or did not come from this site (no valid CSRF token): reload the page and send it again');

/** A form field as one string (repeated fields and files are refused). */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw badInput(`form field "${name}" was sent more than once or is not text: send the form from the page`);
  return v;
}

/**
 * A form POST on a cycle's page: the signed-in person (else a redirect to sign in), the CSRF check, the cycle the
 * address names and the plan's person acting. Undefined when the reply is already a redirect.
 */
export async function formActor(web: Web, req: FastifyRequest, reply: FastifyReply): Promise<{ s: WebSession; ref: CycleRef; actor: Actor } | undefined> {
  const s = requireSession(req, reply);
  if (!s) return undefined;
  checkCsrf(s, req.body);
  const ref = cycleRefOf(req.params);
  const { actor } = await web.directory.actorFor(s.email, ref);
  return { s, ref, actor };
}
