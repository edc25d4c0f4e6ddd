/**
 * Delivers the messages the workflow composed. Idempotent: the sent ledger
 * is checked before sending and written after, so a retry, a replay or a
 * second worker never mails an office twice for the same thing.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';
import { PUBLIC_URL_TOKEN } from '../domain/links';
import { escapeHtml, type MailMessage } from '../domain/mail';

import type { ReportIndex } from '../store/types';
import type { SentLedger } from './ledger';

/** The part of a nodemailer transport this needs (tests may pass their own). */
export interface MailTransport {
  sendMail(mail: Record<string, unknown>): Promise<{ accepted?: unknown[]; rejected?: unknown[]; response?: string; messageId?: string }>;
  close?(): void;
}

export interface MailDeps {
  transport: MailTransport;
  ledger: SentLedger;
  from: string;
  /** Attachments may only come from here (report files the worker wrote). */
  attachmentRoot: string;
  /** The web door's address, put in front of every link the workflow wrote (PUBLIC_URL). */
  publicUrl: string;
  /** Where a report file written on another machine is read from (the store's copy), when it is not on this one. */
  reportIndex?: ReportIndex;
}

export interface SendResult {
  status: 'sent' | 'already-sent';
  messageId: string;
  accepted: string[];
  rejected: string[];
}

function addr(a: unknown): string {
  return typeof a === 'string' ? a : String((a as { address?: string })?.address ?? a);
}

/** A refusal the server will repeat (5xx for a recipient or the message) is permanent. */
export function isPermanentSmtpError(e: unknown): boolean {
  const err = e as { responseCode?: number; code?: string };
  return (err.responseCode !== undefined && err.responseCode >= 500 && err.responseCode < 600) || err.code === 'EENVELOPE';
}

function logContext() {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}

/** One message's outcome in a batch: delivered, delivered before, or refused for good. */
export interface BatchItemResult {
  key: string;
  status: 'sent' | 'already-sent' | 'refused';
  rejected: string[];
  error?: string;
}

/** Heartbeats reach the server only from a (non-local) activity; a local one is kept alive with its task. */
function canHeartbeat(): boolean {
  try {
    return !activityInfo().isLocal;
  } catch {
    return false;
  }
}

export function createMailActivities(deps: MailDeps) {
  /**
   * A report file to attach. The batch runs on the worker that holds the cycle, and the report may have been
   * written by another machine's worker: then its copy in the store is attached.
   */
  const attachment = async (a: { filename: string; path: string }, workflowId: string | undefined) => {
    if (existsSync(a.path) || !deps.reportIndex || !workflowId) return { filename: a.filename, path: a.path };
    const row = (await deps.reportIndex.list(workflowId)).find((r) => path.resolve(r.path) === path.resolve(a.path));
    const content = row && (await deps.reportIndex.content(workflowId, row.format));
    return content ? { filename: a.filename, content } : { filename: a.filename, path: a.path };
  };

  const acts = {
    /**
     * Deliver a batch (one event's mail: a dispatch, a round of chasing) in one
     * activity. Each message is still idempotent on its own key: a retry after
     * an outage sends only what the ledger does not have. A permanent refusal
     * of one message is reported in its result, not thrown, so the rest go out.
     */
    async sendMails(messages: MailMessage[]): Promise<BatchItemResult[]> {
      const results: BatchItemResult[] = [];
      for (const msg of messages) {
        if (canHeartbeat()) Context.current().heartbeat(msg.key);
        try {
          const r = await acts.sendMail(msg);
          results.push({ key: msg.key, status: r.status, rejected: r.rejected });
        } catch (e) {
          if (e instanceof ApplicationFailure && e.nonRetryable) results.push({ key: msg.key, status: 'refused', rejected: msg.to, error: e.message });
          else throw e; // an outage: the whole batch is retried, and the ledger skips what went out
        }
      }
      return results;
    },

    async sendMail(msg: MailMessage): Promise<SendResult> {
      if (!msg.to.length) throw ApplicationFailure.nonRetryable(`message ${msg.key} has no recipient`, 'InvalidMessage');
      const done = await deps.ledger.sent(msg.key);
      if (done) return { status: 'already-sent', messageId: done.messageId, accepted: done.accepted, rejected: done.rejected ?? [] };
      if (!(await deps.ledger.claim(msg.key))) {
        // Another attempt (another worker, or one that timed out) is sending it right now.
        throw ApplicationFailure.retryable(`message ${msg.key} is being sent by another attempt`, 'MailInProgress');
      }
      const root = path.resolve(deps.attachmentRoot);
      for (const a of msg.attachments) {
        const p = path.resolve(a.path);
        if (!p.startsWith(root + path.sep)) {
          await deps.ledger.release(msg.key);
          throw ApplicationFailure.nonRetryable(`attachment ${a.filename} is outside ${root}`, 'InvalidMessage');
        }
      }
      let info;
      try {
        const attachments = await Promise.all(msg.attachments.map((a) => attachment(a, msg.headers['X-Cycle-Id'])));
        info = await deps.transport.sendMail({
          from: deps.from,
          to: msg.to,
          cc: msg.cc,
          subject: msg.subject,
          text: msg.text.replaceAll(PUBLIC_URL_TOKEN, deps.publicUrl),
          html: msg.html.replaceAll(PUBLIC_URL_TOKEN, escapeHtml(deps.publicUrl)),
          messageId: msg.messageId,
          date: new Date(msg.date),
          headers: msg.headers,
          attachments,
        });
      } catch (e) {
        await deps.ledger.release(msg.key);
        const message = (e as Error).message.replace(/\s+/g, ' ').slice(0, 300);
        if (isPermanentSmtpError(e)) throw ApplicationFailure.nonRetryable(`the mail server refused ${msg.to.join(', ')}: ${message}`, 'MailRejected');
        logContext()?.warn('mail delivery failed; will retry', { key: msg.key, error: message });
        throw ApplicationFailure.retryable(`mail delivery failed: ${message}`, 'MailUnavailable');
      }
      const accepted = (info.accepted ?? []).map(addr);
      const rejected = (info.rejected ?? []).map(addr);
      await deps.ledger.markSent({ key: msg.key, messageId: msg.messageId, sentAt: new Date().toISOString(), accepted, rejected, response: info.response });
      return { status: 'sent', messageId: msg.messageId, accepted, rejected };
    },
  };
  return acts;
}
