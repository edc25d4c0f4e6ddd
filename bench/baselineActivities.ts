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
  /** One after the other, as the cycle's batched activity sends them. */
  const sendMailsInOne = async (mails: BaselineMailInput[]): Promise<number> => {
    for (const m of mails) await send(m);
    return mails.length;
  };
  return {
    async noop(): Promise<void> {
      // nothing: the baseline measures the cost of the activity round trip itself
    },
    sendMailsInOne,
    /** The e-mails one activity of the real plan-year sent (bench/yearHistory.ts). */
    async sendScriptedMails(ref: string): Promise<number> {
      const mails = deps.scriptedMails?.get(ref);
      if (!mails) throw new Error(`no scripted e-mails under ${ref}`);
      return sendMailsInOne(mails.map((m) => ({ ...m, key: `${ref}/${m.key}` })));
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
