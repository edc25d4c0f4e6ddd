/**
 * A real SMTP server on loopback that keeps every message it receives: in
 * memory (parsed, for tests and simulations) and, when given a folder, as .eml
 * files a person can open. Used by `npm start` when no SMTP_URL is set (the
 * folder only: a sink that runs for months must not hold every message in
 * memory), and by the tests.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ParsedMail } from 'mailparser';
import { headersOnly, type MailHeadersView } from './mailHeaders';

/** A received message; `parsed` is mailparser's whole reading, or the headers' only from `MailSink.headersOnly`. */
export interface ReceivedMail<P extends MailHeadersView = ParsedMail> {
  seq: number;
  receivedAt: Date;
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  parsed: P;
  messageId: string;
  header(name: string): string | undefined;
}

export interface SinkOptions {
  port?: number;
  /** Folder to write each message into as NNNNNN.eml. */
  dir?: string;
  /**
   * Keep each message parsed in `messages` (default true). False (only with `dir`): the folder is the only record,
   * nothing accumulates in memory and the MIME parser is never loaded.
   */
  inMemory?: boolean;
  /** Recipients the server refuses permanently (550). */
  rejectRecipients?: (address: string) => boolean;
  /** Called at every MAIL FROM (n counts them), before the message is accepted: tests slow delivery or crash a worker here. */
  onMailFrom?: (n: number) => Promise<void> | void;
}

export class MailSink<P extends MailHeadersView = ParsedMail> {
  readonly messages: ReceivedMail<P>[] = [];
  private reads: 'whole' | 'headers' = 'whole';
  private server?: SMTPServer;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];
  port = 0;
  mailFromCount = 0;

  /** Options may be changed while it runs (tests install onMailFrom hooks). */
  constructor(readonly options: SinkOptions = {}) {}

  /**
   * A sink that reads each message's headers only (infra/mailHeaders.ts): subject, date, addresses and headers, no
   * text, html or attachments. For a reader of headers (a simulation's mail log); it never loads the MIME parser.
   */
  static headersOnly(options: SinkOptions = {}): MailSink<MailHeadersView> {
    const sink = new MailSink<MailHeadersView>(options);
    sink.reads = 'headers';
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (this.options.inMemory === false && !this.options.dir) throw new Error('a mail sink that keeps nothing in memory needs a folder (dir)');
    if (this.options.dir) mkdirSync(this.options.dir, { recursive: true });
    const parse = await this.parser();
    const opts: SMTPServerOptions = {
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A pooled client keeps its connection open; do not wait 30 s for it on stop.
      closeTimeout: 500,
      size: 10 * 1024 * 1024,
      onMailFrom: (_address, _session, cb) => {
        this.mailFromCount++;
        Promise.resolve(this.options.onMailFrom?.(this.mailFromCount)).then(
          () => cb(),
          (e: Error) => cb(e),
        );
      },
      onRcptTo: (address, _session, cb) => {
        if (this.options.rejectRecipients?.(address.address)) {
          const err = Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 });
          return cb(err);
        }
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          if (!parse) {
            // A message that cannot be written is refused (the sender retries), as a parse failure is below.
            try {
              this.keepAndWake(raw);
            } catch (e) {
              return cb(e as Error);
            }
            return cb();
          }
          parse(raw)
            .then((parsed) => {
              this.record(raw, parsed, session.envelope.mailFrom ? session.envelope.mailFrom.address : '', session.envelope.rcptTo.map((r) => r.address));
              cb();
            })
            .catch((e: Error) => cb(e));
        });
      },
    };
    this.server = new SMTPServer(opts);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** How a received message is read: not at all (kept in the folder only), by its headers, or whole by mailparser. */
  private async parser(): Promise<((raw: Buffer) => Promise<P>) | undefined> {
    if (this.options.inMemory === false) return undefined;
    // P is the headers' view only for a sink made by headersOnly(), and mailparser's result (which has every part of
    // that view) otherwise: the constructor and the factory are the only ways to set `reads`.
    if (this.reads === 'headers') return async (raw) => headersOnly(raw) as P;
    const { simpleParser } = await import('mailparser');
    // Readers use the headers, text and html as sent: mailparser's derived views (text as HTML with links found) are not needed.
    return async (raw) => (await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true })) as unknown as P;
  }

  /**
   * Write a received message as the next free NNNNNN.eml: numbering carries on from what the folder holds, and the
   * exclusive flag means a file already there (another sink, an earlier run) is never overwritten.
   */
  private keep(raw: Buffer) {
    const dir = this.options.dir!;
    mkdirSync(dir, { recursive: true });
    this.nextFile ??= readdirSync(dir).reduce((max, f) => Math.max(max, /^(\d+)\.eml$/.test(f) ? Number(f.slice(0, -4)) : 0), 0) + 1;
    for (;;) {
      const file = path.join(dir, `${String(this.nextFile++).padStart(6, '0')}.eml`);
      try {
        writeFileSync(file, raw, { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }

  private nextFile: number | undefined;

  private record(raw: Buffer, parsed: P, envelopeFrom: string, envelopeTo: string[]) {
    const seq = this.messages.length + 1;
    const mail: ReceivedMail<P> = {
      seq,
      receivedAt: new Date(),
      envelopeFrom,
      envelopeTo,
      raw,
      parsed,
      messageId: parsed.messageId ?? '',
      header: (name) => {
        const v = parsed.headers.get(name.toLowerCase());
        return v === undefined ? undefined : String(v);
      },
    };
    this.messages.push(mail);
    this.keepAndWake(raw);
  }

  /** Writes the message to the folder (if any) and wakes the waiters whose condition now holds. */
  private keepAndWake(raw: Buffer) {
    if (this.options.dir) this.keep(raw);
    this.waiters = this.waiters.filter((w) => {
      if (w.pred()) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /** Resolve when `pred` holds over the received messages; fail after `timeoutMs` saying what was seen. */
  waitFor(pred: (messages: ReceivedMail<P>[]) => boolean, timeoutMs = 30_000, what = 'the expected mail'): Promise<void> {
    if (pred(this.messages)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${this.messages.length} message(s)`)), timeoutMs);
      this.waiters.push({
        pred: () => pred(this.messages),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
