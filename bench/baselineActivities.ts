/** Activities of the baseline workflows: a no-op, and one e-mail through the product's SMTP transport. */
import type { MailTransport } from '../activities';

export interface BaselineMailInput {
  key: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
}

export function createBaselineActivities(deps: { transport?: MailTransport; from?: string; scriptedMails?: Map<string, BaselineMailInput[]> } = {}) {
  return {
    async noop(): Promise<void> {
      // nothing: the baseline measures the cost of the activity round trip itself
    },
    /** One after the other, as the cycle's batched activity sends them. */
    async sendMailsInOne(mails: BaselineMailInput[]): Promise<number> {
      for (const m of mails) await send(m);
      return mails.length;
    },
    /** The e-mails one activity of the real plan-year sent (bench/yearHistory.ts), one after the other. */
    async sendScriptedMails(ref: string): Promise<number> {
      const mails = deps.scriptedMails?.get(ref);
      if (!mails) throw new Error(`no scripted e-mails under ${ref}`);
      for (const m of mails) await send({ ...m, key: `${ref}/${m.key}` });
      return mails.length;
    },
    async sendOneMail(m: BaselineMailInput): Promise<string> {
      return await send(m);
    },
  };

  async function send(m: BaselineMailInput): Promise<string> {
      if (!deps.transport) throw new Error('the baseline activities need a transport');
      const info = await deps.transport.sendMail({
        from: deps.from ?? 'baseline@bench.local',
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'X-Bench-Key': m.key },
      });
      return String(info.messageId ?? '');
  }
}
