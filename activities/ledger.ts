/**
 * The sent-mail ledger port, so a retried or replayed activity, or a second
 * worker, never mails an office twice. Two adapters: `StoreLedger` (the
 * application store: SQLite or PostgreSQL, shared by workers on any machine)
 * and the original `FileLedger` (one small file per key; workers sharing it
 * must share its folder), kept for in-process tests and the benchmark baseline.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, fsyncSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CLAIM_STALE_MS, holderIsDead } from '../store/ledger';
import type { LedgerStore, SentRecord } from '../store/types';

export type { SentRecord };

/** Async, so a database can stand behind it. */
export interface SentLedger {
  sent(key: string): Promise<SentRecord | undefined>;
  /** Claim the right to send `key`; false if another live attempt holds it. */
  claim(key: string): Promise<boolean>;
  release(key: string): Promise<void>;
  markSent(record: SentRecord): Promise<void>;
}

/**
 * The store's ledger, with a local journal in front of it. The window that can
 * mail an office twice is the time between the mail server's "250 OK" and the
 * durable record of it: a database write is a network round trip, so the record
 * first goes, synchronously and fsync'd, to a journal on this machine (before any
 * other event can run), then to the database. A worker restarted after a crash
 * finds it there before it would take the dead attempt's claim over.
 */
export class StoreLedger implements SentLedger {
  private readonly holder = { host: os.hostname(), pid: process.pid };
  private readonly journal?: FileLedger;
  constructor(
    private readonly store: LedgerStore,
    private readonly now: () => number = Date.now,
    journalDir?: string,
  ) {
    if (journalDir) this.journal = new FileLedger(journalDir, now);
  }
  async sent(key: string) {
    const local = this.journal?.sentSync(key);
    if (local) {
      await this.store.markSent(local); // a crash left it here: the database learns it now
      this.journal!.forget(key);
      return local;
    }
    return this.store.sent(key);
  }
  claim(key: string) {
    return this.store.claim(key, this.holder, this.now());
  }
  release(key: string) {
    return this.store.release(key);
  }
  async markSent(record: SentRecord) {
    this.journal?.markSentSync(record);
    await this.store.markSent(record);
    this.journal?.forget(record.key);
  }
}

export { CLAIM_STALE_MS };

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

  async sent(key: string): Promise<SentRecord | undefined> {
    return this.sentSync(key);
  }

  sentSync(key: string): SentRecord | undefined {
    const f = this.file(key, 'sent');
    if (!existsSync(f)) return undefined;
    return JSON.parse(readFileSync(f, 'utf8')) as SentRecord;
  }

  /** Drop a record (the journal's, once the database has it). */
  forget(key: string): void {
    rmSync(this.file(key, 'sent'), { force: true });
  }

  async claim(key: string): Promise<boolean> {
    if (!this.claimSync(key)) return false;
    // Another attempt may have sent it and released its claim since this one looked: as the store's claim does.
    if (!this.sentSync(key)) return true;
    this.releaseSync(key);
    return false;
  }

  private claimSync(key: string): boolean {
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
      let holder = { host: '', pid: 0 };
      try {
        age = this.now() - statSync(f).mtimeMs;
        holder = { ...holder, ...(JSON.parse(readFileSync(f, 'utf8')) as { host?: string; pid?: number }) };
      } catch {
        return this.claimSync(key); // released meanwhile
      }
      if (age < CLAIM_STALE_MS && !holderIsDead(holder, { host: os.hostname(), pid: process.pid })) return false;
      writeFileSync(f, JSON.stringify({ host: os.hostname(), pid: process.pid, at: this.now(), tookOver: true }));
      return true;
    }
  }

  async release(key: string): Promise<void> {
    this.releaseSync(key);
  }

  private releaseSync(key: string): void {
    rmSync(this.file(key, 'claim'), { force: true });
  }

  async markSent(record: SentRecord): Promise<void> {
    this.markSentSync(record);
  }

  markSentSync(record: SentRecord): void {
    const f = this.file(record.key, 'sent');
    mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, JSON.stringify(record));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, f);
    this.releaseSync(record.key);
  }
}
