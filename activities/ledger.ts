/**
 * The sent-mail ledger: one small file per message key, so a retried or
 * replayed activity, or a second worker, never mails an office twice.
 * Workers that share a ledger must share its folder (MAIL_LEDGER_DIR).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, fsyncSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

export interface SentRecord {
  key: string;
  messageId: string;
  sentAt: string;
  accepted: string[];
  response?: string;
}

export interface SentLedger {
  sent(key: string): SentRecord | undefined;
  /** Claim the right to send `key`; false if another live attempt holds it. */
  claim(key: string): boolean;
  release(key: string): void;
  markSent(record: SentRecord): void;
}

/** A claim older than this is from an attempt that died; it may be taken over. */
export const CLAIM_STALE_MS = 90_000;

/** A claim held by a process on this host that no longer exists was left by a crash: take it over at once. */
function holderIsDead(holder: { host?: string; pid?: number }): boolean {
  if (holder.host !== os.hostname() || typeof holder.pid !== 'number') return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class FileLedger implements SentLedger {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private file(key: string, ext: string) {
    const h = createHash('sha256').update(key).digest('hex');
    return path.join(this.dir, h.slice(0, 2), `${h}.${ext}`);
  }

  sent(key: string): SentRecord | undefined {
    const f = this.file(key, 'sent');
    if (!existsSync(f)) return undefined;
    return JSON.parse(readFileSync(f, 'utf8')) as SentRecord;
  }

  claim(key: string): boolean {
    const f = this.file(key, 'claim');
    mkdirSync(path.dirname(f), { recursive: true });
    try {
      const fd = openSync(f, 'wx');
      writeSync(fd, JSON.stringify({ host: os.hostname(), pid: process.pid, at: this.now() }));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = Infinity;
      let holder: { host?: string; pid?: number } = {};
      try {
        age = this.now() - statSync(f).mtimeMs;
        holder = JSON.parse(readFileSync(f, 'utf8')) as { host?: string; pid?: number };
      } catch {
        return this.claim(key); // released meanwhile
      }
      if (age < CLAIM_STALE_MS && !holderIsDead(holder)) return false;
      writeFileSync(f, JSON.stringify({ host: os.hostname(), pid: process.pid, at: this.now(), tookOver: true }));
      return true;
    }
  }

  release(key: string): void {
    rmSync(this.file(key, 'claim'), { force: true });
  }

  markSent(record: SentRecord): void {
    const f = this.file(record.key, 'sent');
    mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, JSON.stringify(record));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, f);
    this.release(record.key);
  }
}
