/**
 * The simulation's sink reads headers only (infra/mailHeaders.ts) instead of mailparser. Every kind of mail the
 * domain composes in a year, sent through nodemailer as the mail activity sends it, must read the same both ways:
 * subject, date, sender and recipients (names too), and the X-Cycle-* headers. The plan's names carry quotes, commas,
 * angle brackets and long Chinese text, so subjects span several encoded words; the product's recipients are bare
 * addresses, so each message also goes to named ones (a quoted ASCII name with a comma and escaped quotes, a Chinese
 * name nodemailer encodes) in To and Cc, and comes from a sender with a Chinese name.
 */
import * as nodemailer from 'nodemailer';
import { simpleParser, type AddressObject } from 'mailparser';
import { loadPlan } from '../../client/planLoader';
import { advance, initialState, nextWakeAt, type MailKind } from '../../domain/cycle';
import { composeMail, type MailMessage } from '../../domain/mail';
import { addressList, decodeWords, headersOnly, type MailHeadersView } from '../../infra/mailHeaders';
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

const view = (p: MailHeadersView) => {
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
      const to = [...m.to, { name: 'Yang, Y. "Boss"', address: 'boss@example.org' }];
      const cc = [...m.cc, { name: '唐志斌（副组长）', address: 'deputy@example.org' }];
      const sent = await transport.sendMail({ from: '"绩效考核小组, Assessment Group" <assessment-group@example.org>', to, cc, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, date: new Date(m.date), headers: m.headers });
      const raw = sent.message as Buffer;
      const full = view(await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true }));
      expect(view(headersOnly(raw))).toEqual(full);
      expect(full.subject).toBe(m.subject);
      expect(full.to.map((a) => a.name)).toContain('Yang, Y. "Boss"');
      expect(full.cc.map((a) => a.name)).toContain('唐志斌（副组长）');
    }
  });

  it('joins a character split across two encoded words, and decodes Q words and other charsets', () => {
    // 益 is E7 9B 8A: split after its first byte across two B words (one labelled utf8, one UTF-8), and written as Q.
    expect(decodeWords('=?UTF-8?B?5w==?= =?utf8?B?m4o=?=')).toBe('益');
    // 益阳 in GBK (D2 E6 D1 F4), and é in windows-1252.
    expect(decodeWords('=?GBK?B?0ubR9A==?= =?windows-1252?Q?caf=E9?=')).toBe('益阳café');
    expect(decodeWords('=?utf-8?Q?a_b=E7=9B=8A?= tail')).toBe('a b益 tail');
    expect(decodeWords('plain text')).toBe('plain text');
  });

  it('merges repeated address headers and leaves other headers as written, as mailparser does', async () => {
    const raw = Buffer.from('To: a@x.org\r\nTo: b@x.org\r\nSubject: =?UTF-8?B?55uK?=\r\nX-Cycle-Office: =?UTF-8?B?55uK?=\r\nX-Cycle-Office: second\r\n\r\nbody\r\n');
    const mine = headersOnly(raw);
    const full = await simpleParser(raw);
    expect(view(mine)).toEqual(view(full));
    expect((mine.to as AddressObject).value.map((a) => a.address)).toEqual(['a@x.org', 'b@x.org']);
    expect(mine.subject).toBe('益');
    expect(String(mine.headers.get('x-cycle-office'))).toBe(String(full.headers.get('x-cycle-office')));
  });

  it('splits address lists at commas outside quotes and angle brackets', () => {
    expect(addressList('"Yang, Y. \\"Boss\\"" <y@x.org>, z@x.org,=?UTF-8?B?5p2o?= <w@x.org>')).toEqual([
      { address: 'y@x.org', name: 'Yang, Y. "Boss"' },
      { address: 'z@x.org', name: '' },
      { address: 'w@x.org', name: '杨' },
    ]);
  });
});
