/**
 * Sessions and CSRF for the web door. Only SHA-256 hashes of sign-in tokens
 * and session ids reach the store; the cookie carries the session id itself
 * (HttpOnly, SameSite=Lax, Secure behind https). CSRF tokens are an HMAC of
 * the session's own secret, so they need no storage and die with the session.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthStore, SessionRow } from '../store/types';
import { readCookie, setCookie } from './cookies';

export const SIGN_IN_TOKEN_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 2 * 3600_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** Touch the session at most this often: a page view should not always be a write. */
const TOUCH_EVERY_MS = 60_000;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const randomToken = () => randomBytes(32).toString('base64url');

export function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface WebSession {
  idHash: string;
  email: string;
  csrf: string;
}

export const csrfOf = (row: Pick<SessionRow, 'csrfSecret'>) => createHmac('sha256', row.csrfSecret).update('csrf').digest('base64url');

export class Sessions {
  readonly cookieName: string;
  constructor(
    private readonly auth: AuthStore,
    private readonly secure: boolean,
    private readonly now: () => number,
  ) {
    // __Host- binds the cookie to this host and path / (browsers require Secure for it).
    this.cookieName = secure ? '__Host-sid' : 'sid';
  }


  async create(reply: FastifyReply, email: string): Promise<void> {
    const id = randomToken();
    const now = this.now();
    await this.auth.createSession({
      idHash: sha256(id),
      email,
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: now + SESSION_IDLE_MS,
      absoluteExpiresAt: now + SESSION_ABSOLUTE_MS,
      csrfSecret: randomToken(),
    });
    setCookie(reply, this.cookieName, id, { httpOnly: true, secure: this.secure, maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000) });
  }

  async read(req: FastifyRequest): Promise<WebSession | undefined> {
    const id = readCookie(req, this.cookieName);
    if (!id || id.length > 100) return undefined;
    const idHash = sha256(id);
    const now = this.now();
    const row = await this.auth.getSession(idHash, now);
    if (!row) return undefined;
    if (now - row.lastSeenAt > TOUCH_EVERY_MS) await this.auth.touchSession(idHash, now, now + SESSION_IDLE_MS);
    return { idHash, email: row.email, csrf: csrfOf(row) };
  }

  async destroy(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = readCookie(req, this.cookieName);
    if (id) await this.auth.deleteSession(sha256(id));
    setCookie(reply, this.cookieName, '', { httpOnly: true, secure: this.secure, maxAge: 0 });
  }
}

/**
 * Before there is a session (the sign-in forms) CSRF is a double-submitted
 * random value: a cookie and a form field that must match.
 */
export const PRE_COOKIE = 'presign';

export function preToken(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const have = readCookie(req, PRE_COOKIE);
  if (have && /^[A-Za-z0-9_-]{43}$/.test(have)) return have;
  const t = randomToken();
  setCookie(reply, PRE_COOKIE, t, { httpOnly: true, secure });
  return t;
}

/** Only a path on this site: never "//host", "/\\host" or a scheme, which browsers would take elsewhere. */
export function safeReturnTo(v: unknown): string {
  if (typeof v !== 'string' || v.length > 500) return '/';
  if (!v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\') || /[\u0000-\u001f\\]/.test(v)) return '/';
  if (v.startsWith('/sign-in') || v.startsWith('/sign-out')) return '/';
  return v;
}
