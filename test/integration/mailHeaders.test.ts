/**
 * The simulation's sink reads headers only (infra/mailHeaders.ts) instead of mailparser. Every kind of mail the
 * domain composes in a year, sent through nodemailer as the mail activity sends it, must read the same both ways:
 * subject, date, sender and recipients (names too), and the X-Cycle-* headers. The plan's names carry quotes, commas,
 * angle brackets and long Chinese text, so display names are quoted and subjects span several encoded words.
 */
import * as nodemailer from 'nodemailer';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { loadPlan } from '../../client/planLoader';
import { advance, initialState, nextWakeAt, type MailKind } from '../../domain/cycle';
import { composeMail, type MailMessage } from '../../domain/mail';
import { addressList, decodeWords, headersOnly } from '../../infra/mailHeaders';
import { SEED_PLAN_PATH } from '../../infra/paths';

/** The seed plan with names that need quoting in address headers and long subjects. */
function awkwardPlan() {
  const plan = structuredClone(loadPlan(SEED_PLAN_PATH));
  plan.unit.name = { zh: `益阳市科学技术局（"高新技术产业开发区"管理委员会，科技创新与成果转化工作领导小组办公室）`, en: 'Yiyang S&T Bureau, "quoted"' };
  for (const o of plan.offices) o.name = { zh: `${o.name.zh}，<内设>`, en: `${o.name.en}, "Dept"` };
  return plan;
}

/** Every message the domain sends through a year in which nobody reports (so every reminder, escalation and summary). */
function yearOfMail(): MailMessage[] {
  const plan = awkwardPlan();
  const state = initialState(plan, 'cycle-yiyang-2013', Date.parse('2013-01-02T00:00:00Z'), 0);
  const out: MailMessage[] = [];
  for (let now = nextWakeAt(plan, state), i = 0; now !== undefined && i < 2000; now = nextWakeAt(plan, state), i++) {
    for (const intent of advance(plan, state, now)) out.push(composeMail(plan, state, intent));
  }
  return out;
}

const view = (p: ParsedMail) => {
  const who = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => ({ address: v.address, name: v.name })));
  return {
    subject: p.subject,
    date: p.date?.toISOString(),
    messageId: p.messageId,
    from: who(p.from),
    to: who(p.to),
    cc: who(p.cc),
    headers: ['x-cycle-id', 'x-cycle-kind', 'x-cycle-period', 'x-cycle-office'].map((h) => String(p.headers.get(h))),
  };
};

describe('reading a message by its headers only', () => {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const mails = yearOfMail();

  it('walks a year that sends every kind the simulation reports', () => {
    const kinds = new Set(mails.map((m) => m.kind));
    for (const k of ['dispatch', 'reminder', 'overdue', 'escalation', 'quarterlySummary', 'review', 'finalRequest'] as MailKind[]) expect(kinds).toContain(k);
    expect(mails.length).toBeGreaterThan(60);
  });

  it('reads what mailparser reads from every one of them', async () => {
    for (const m of mails) {
      const sent = await transport.sendMail({ from: '"绩效考核小组, Assessment Group" <assessment-group@example.org>', to: m.to, cc: m.cc, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, date: new Date(m.date), headers: m.headers });
      const raw = sent.message as Buffer;
      const full = view(await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true }));
      expect(view(headersOnly(raw))).toEqual(full);
      expect(full.subject).toBe(m.subject);
    }
  });

  it('joins a character split across two encoded words, and decodes Q words', () => {
    // 益 is E7 9B 8A: split after its first byte across two B words, and written as Q.
    expect(decodeWords('=?UTF-8?B?5w==?= =?UTF-8?B?m4o=?=')).toBe('益');
    expect(decodeWords('=?utf-8?Q?a_b=E7=9B=8A?= tail')).toBe('a b益 tail');
    expect(decodeWords('plain text')).toBe('plain text');
  });

  it('splits address lists at commas outside quotes and angle brackets', () => {
    expect(addressList('"Yang, Y. \\"Boss\\"" <y@x.org>, z@x.org,=?UTF-8?B?5p2o?= <w@x.org>')).toEqual([
      { address: 'y@x.org', name: 'Yang, Y. "Boss"' },
      { address: 'z@x.org', name: '' },
      { address: 'w@x.org', name: '杨' },
    ]);
  });
});
