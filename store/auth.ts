/** Sign-in tokens, sessions, attempt counts and one-time form tokens for the web door; only hashes are stored. */
import type { Db } from './db';
import { one } from './db';
import type { AuthStore, SessionRow, SignInTokenRow } from './types';

function toToken(r: Record<string, unknown>): SignInTokenRow {
  return { tokenHash: String(r.token_hash), email: String(r.email), returnTo: String(r.return_to), createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) };
}

function toSession(r: Record<string, unknown>): SessionRow {
  return {
    idHash: String(r.id_hash),
    email: String(r.email),
    createdAt: Number(r.created_at),
    lastSeenAt: Number(r.last_seen_at),
    idleExpiresAt: Number(r.idle_expires_at),
    absoluteExpiresAt: Number(r.absolute_expires_at),
    csrfSecret: String(r.csrf_secret),
  };
}

export function dbAuth(db: Db): AuthStore {
  return {
    async createSignInToken(t) {
      await db.query('INSERT INTO signin_tokens (token_hash, email, return_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [t.tokenHash, t.email, t.returnTo, t.createdAt, t.expiresAt]);
    },
    async consumeSignInToken(tokenHash, now) {
      // One statement: two clicks on the same link race here and only one gets the row back.
      const r = await db.query('DELETE FROM signin_tokens WHERE token_hash = ? AND expires_at > ? RETURNING *', [tokenHash, now]);
      return r.rows[0] && toToken(r.rows[0]);
    },
    async createSession(s) {
      await db.query('INSERT INTO sessions (id_hash, email, created_at, last_seen_at, idle_expires_at, absolute_expires_at, csrf_secret) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        s.idHash,
        s.email,
        s.createdAt,
        s.lastSeenAt,
        s.idleExpiresAt,
        s.absoluteExpiresAt,
        s.csrfSecret,
      ]);
    },
    async getSession(idHash, now) {
      const r = await one(db, 'SELECT * FROM sessions WHERE id_hash = ? AND idle_expires_at > ? AND absolute_expires_at > ?', [idHash, now, now]);
      return r && toSession(r);
    },
    async touchSession(idHash, now, idleExpiresAt) {
      // Activity extends the idle deadline, never past the absolute one.
      await db.query('UPDATE sessions SET last_seen_at = ?, idle_expires_at = CASE WHEN ? < absolute_expires_at THEN ? ELSE absolute_expires_at END WHERE id_hash = ?', [
        now,
        idleExpiresAt,
        idleExpiresAt,
        idHash,
      ]);
    },
    async deleteSession(idHash) {
      await db.query('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
    },
    /** Returns the count including this attempt (the first attempt in a window is 1); older attempts of the key are pruned. */
    countAndRecordAttempt: (kind, key, now, since) =>
      db.tx(async (q) => {
        await q.query('DELETE FROM signin_attempts WHERE kind = ? AND key = ? AND at < ?', [kind, key, since]);
        const r = await one(q, 'SELECT COUNT(*) AS n FROM signin_attempts WHERE kind = ? AND key = ?', [kind, key]);
        await q.query('INSERT INTO signin_attempts (kind, key, at) VALUES (?, ?, ?)', [kind, key, now]);
        return Number(r?.n ?? 0) + 1;
      }),
    async spendFormToken(token, now) {
      return (await db.query('INSERT INTO form_tokens (token, spent_at) VALUES (?, ?) ON CONFLICT (token) DO NOTHING', [token, now])).count === 1;
    },
  };
}
