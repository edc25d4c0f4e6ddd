/**
 * The year's human side in a real browser (Chromium through playwright-core),
 * on a real dev server with a real SMTP sink: the office signs in from the
 * link in a real mail, files its Q1 report with evidence; the leader returns
 * it with a comment; the office corrects it; the leader approves; the bureau
 * opens the board, starts and finalises the appraisal and opens the report.
 * Then an office at a phone's size (375x740). Screenshots go to docs/screenshots.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureChromium } from '../../infra/browser';
import { REPO_ROOT } from '../../infra/paths';
import { lastSeq, REF, signInLink, startWebHarness, type WebHarness } from './harness';

const SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const Q1 = `${REF.year}-Q1`;
const base = `/cycles/${REF.unitId}/${REF.year}`;

let h: WebHarness;
let browser: Browser;
const dialogs: string[] = [];

beforeAll(async () => {
  const executablePath = ensureChromium();
  h = await startWebHarness('web-browser');
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function person(viewport = { width: 1280, height: 860 }): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { ctx, page };
}

/** On the sign-in page: enter the address, open the link from the mail the sink received, press the button. */
async function signInHere(page: Page, email: string) {
  await page.waitForURL(/\/sign-in/);
  const seq = lastSeq(h);
  await page.fill('#email', email);
  await page.click('button[type=submit]');
  await page.getByText('Check your mail').first().waitFor();
  await page.goto(await signInLink(h, email, seq));
  await page.click('button[type=submit]');
}

/** The link a cycle mail carries, pointed at this test's web server (the worker's PUBLIC_URL is the default). */
function linkInMail(to: string, contains: string): string {
  const m = h.dev.sink.messages.find((x) => x.envelopeTo.includes(to) && (x.parsed.text ?? '').includes(contains));
  if (!m) throw new Error(`no mail to ${to} with ${contains}`);
  const url = /(https?:\/\/\S+)/.exec((m.parsed.text ?? '').split('\n').find((l) => l.includes(contains))!)![1];
  return h.web.url + new URL(url).pathname;
}

// First: once the year is appraised the cycle is finished, and nobody signs in to it any more.
test('at a phone size (375x740) an office signs in, acknowledges and reads its page without sideways scrolling', async () => {
  const phone = await person({ width: 375, height: 740 });
  const page = phone.page;
  await page.goto(h.web.url + `${base}/offices/planning`);
  await signInHere(page, 'jihuake@kjj.yiyang.example');
  await page.waitForURL(/\/offices\/planning$/);
  await page.click('text=签收 Acknowledge');
  await page.getByText('已签收 acknowledged').first().waitFor();
  expect((await h.state()).periods[Q1].offices.planning.acknowledged?.by).toBe('pln-contact');
  const width = await page.evaluate('document.documentElement.scrollWidth');
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: path.join(SHOTS, 'office-phone.png'), fullPage: true });
  await phone.ctx.close();
});

test('a quarter and the year-end, by the people, in the browser', async () => {
  const office = await person();
  const form = linkInMail('gaoxinban@kjj.yiyang.example', `/reports/${Q1}`);
  await office.page.goto(form);
  await signInHere(office.page, 'gaoxinban@kjj.yiyang.example');
  await office.page.waitForURL(form);
  await office.page.fill('[name="v:t1-1"]', '4');
  await office.page.fill('#narrative', '一季度：新认定高企 4 家 <b>not bold</b>');
  await office.page.setInputFiles('#evidence', { name: '一季度佐证.txt', mimeType: 'text/plain', buffer: Buffer.from('Q1 evidence') });
  await office.page.click('button[type=submit]');
  await office.page.getByText('revision 1').waitFor();
  await office.page.goto(`${h.web.url}${base}/offices/hi-tech-office`);
  await office.page.getByText('一季度佐证.txt').first().waitFor();
  await office.page.screenshot({ path: path.join(SHOTS, 'office.png'), fullPage: true });

  const leader = await person();
  await leader.page.goto(h.web.url + `${base}/approvals`);
  await signInHere(leader.page, 'yangyaowu@kjj.yiyang.example');
  await leader.page.waitForURL(/\/approvals$/);
  await leader.page.getByText('not bold').waitFor();
  await leader.page.screenshot({ path: path.join(SHOTS, 'approvals.png'), fullPage: true });
  await leader.page.selectOption(`[name="d:hi-tech-office|${Q1}"]`, 'return');
  await leader.page.fill(`[name="c:hi-tech-office|${Q1}"]`, '请补充高企认定文件 Attach the certification list');
  await leader.page.click('text=提交决定 Send decisions');
  await leader.page.getByText('returned').first().waitFor();

  await office.page.goto(form);
  await office.page.getByText('请补充高企认定文件').waitFor();
  await office.page.fill('[name="v:t1-1"]', '5');
  await office.page.setInputFiles('#evidence', { name: '认定名单.txt', mimeType: 'text/plain', buffer: Buffer.from('certification list') });
  await office.page.click('button[type=submit]');
  await office.page.getByText('revision 2').waitFor();

  await leader.page.goto(h.web.url + `${base}/approvals`);
  await leader.page.selectOption(`[name="d:hi-tech-office|${Q1}"]`, 'approve');
  await leader.page.click('text=提交决定 Send decisions');
  await leader.page.getByText('approved').first().waitFor();
  expect((await h.state()).periods[Q1].offices['hi-tech-office']).toMatchObject({ status: 'approved', report: { revision: 2, values: { 't1-1': 5 } } });

  // The bureau (the director triggers the appraisal in the seed plan).
  await leader.page.goto(h.web.url + `${base}/board`);
  await leader.page.getByText('Running score').waitFor();
  await leader.page.screenshot({ path: path.join(SHOTS, 'board.png'), fullPage: true });
  await leader.page.click('text=Start the year-end appraisal');
  await leader.page.getByText('Every office is mailed a request').waitFor();
  await leader.page.click('button:has-text("Confirm")');
  await leader.page.waitForURL(/\/board$/);
  // The start is picked up by the cycle's next turn; the board then offers to finalise.
  for (let i = 0; i < 50 && (await h.state()).phase !== 'appraisal'; i++) await new Promise((r) => setTimeout(r, 200));
  await leader.page.reload();
  await leader.page.click('text=Finalise the appraisal now');
  await leader.page.click('button:has-text("Confirm")');
  for (let i = 0; i < 100 && !(await h.state()).appraisal?.result; i++) await new Promise((r) => setTimeout(r, 200));
  await leader.page.goto(h.web.url + `${base}/appraisal`);
  await leader.page.getByText('Every point explained').waitFor();
  const total = (await h.state()).appraisal!.result!.total;
  expect(await leader.page.textContent('main')).toContain(`${total} / 680`);
  const [download] = await Promise.all([leader.page.waitForEvent('download'), leader.page.click('a.button:has-text("md")')]);
  expect(download.suggestedFilename()).toBe(`appraisal-${REF.unitId}-${REF.year}.md`);
  expect(dialogs).toEqual([]);
  await office.ctx.close();
  await leader.ctx.close();
});
