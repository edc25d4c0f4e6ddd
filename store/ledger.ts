/**
 * The sent-mail ledger in the database, with the same claim protocol as the
 * old file ledger: a claim is a row; a claim whose holder process is gone
 * (same host, pid no longer exists) is taken over at once, any other after
 * CLAIM_STALE_MS. Takeover is a compare-and-swap on the old holder, so of two
 * workers taking over the same stale claim only one wins.
 */
import type { Db } from './db';
import { one } from './db';
import type { ClaimHolder, LedgerStore, SentRecord } from './types';

/** A claim older than this is from an attempt that died; it may be taken over. */
export const CLAIM_STALE_MS = 90_000;

/** A holder on this host whose process no longer exists crashed mid-send. */
export function holderIsDead(held: ClaimHolder, me: ClaimHolder): boolean {
  if (held.host !== me.host || held.pid === me.pid || !Number.isInteger(held.pid) || held.pid <= 0) return false;
  try {
    process.kill(held.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function toRecord(r: Record<string, unknown>): SentRecord {
  return {
    key: String(r.key),
    messageId: String(r.message_id),
    sentAt: String(r.sent_at),
    accepted: JSON.parse(String(r.accepted)) as string[],
    ...(r.rejected != null ? { rejected: JSON.parse(String(r.rejected)) as string[] } : {}),
    ...(r.response != null ? { response: String(r.response) } : {}),
  };
}

export function dbLedger(db: Db): LedgerStore {
  return {
    async sent(key) {
      const r = await one(db, 'SELECT * FROM mail_sent WHERE key = ?', [key]);
      return r && toRecord(r);
    },

    claim: (key, holder, now) =>
      db.tx(async (q) => {
        let mine = (await q.query('INSERT INTO mail_claims (key, host, pid, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING', [key, holder.host, holder.pid, now])).count === 1;
        if (!mine) {
          const held = await one(q, 'SELECT host, pid, claimed_at FROM mail_claims WHERE key = ?', [key]);
          if (!held) {
            // Released between our insert and our look: try once more; losing again means someone else is quicker.
            mine = (await q.query('INSERT INTO mail_claims (key, host, pid, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING', [key, holder.host, holder.pid, now])).count === 1;
          } else {
            const old = { host: String(held.host), pid: Number(held.pid) };
            const fresh = now - Number(held.claimed_at) < CLAIM_STALE_MS;
            if (fresh && !holderIsDead(old, holder)) return false;
            const swapped = await q.query('UPDATE mail_claims SET host = ?, pid = ?, claimed_at = ? WHERE key = ? AND host = ? AND pid = ? AND claimed_at = ?', [
              holder.host,
              holder.pid,
              now,
              key,
              old.host,
              old.pid,
              held.claimed_at,
            ]);
            mine = swapped.count === 1;
          }
        }
        if (!mine) return false;
        // Checked after claiming, in a fresh statement: a send recorded while we claimed is seen here, not missed.
        if (await one(q, 'SELECT 1 AS x FROM mail_sent WHERE key = ?', [key])) {
          await q.query('DELETE FROM mail_claims WHERE key = ?', [key]);
          return false;
        }
        return true;
      }),

    async release(key) {
      await db.query('DELETE FROM mail_claims WHERE key = ?', [key]);
    },

    markSent: (record) =>
      db.tx(async (q) => {
        await q.query('INSERT INTO mail_sent (key, message_id, sent_at, accepted, rejected, response) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING', [
          record.key,
          record.messageId,
          record.sentAt,
          JSON.stringify(record.accepted),
          JSON.stringify(record.rejected ?? []),
          record.response ?? null,
        ]);
        await q.query('DELETE FROM mail_claims WHERE key = ?', [record.key]);
      }),
  };
}
