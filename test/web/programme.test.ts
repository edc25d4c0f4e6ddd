/** The performance office signs in and reads the board across units on the web; nobody else may. */
import { loadProgramme } from '../../client/commands/board';
import { Agent, hidden, signIn, startWebHarness, YEAR, type WebHarness } from './harness';
import * as path from 'node:path';
import { REPO_ROOT } from '../../infra/paths';

const programme = { ...loadProgramme(path.join(REPO_ROOT, 'plans', 'programme.yaml')), units: ['yiyang-st-bureau', 'no-such-bureau'] };
const PERF = programme.people[0].email;
let h: WebHarness;

beforeAll(async () => {
  h = await startWebHarness('web-programme', { programme });
});
afterAll(() => h?.stop());

test('a programme person signs in and sees the units ranked, with the unit that has no cycle listed, not ranked', async () => {
  const perf = new Agent(h.web.url);
  await signIn(h, perf, PERF);
  const home = await perf.get('/');
  expect(home.text).toContain(`/programme/`);
  const page = await perf.get(`/programme/${YEAR}`);
  expect(page.status).toBe(200);
  expect(page.text).toMatch(/<td>1<\/td><td>益阳市科技局/);
  expect(page.text).toMatch(/no-such-bureau \(no cycle for \d{4}\)/);
  // The programme person acts in no cycle: a unit's own pages refuse them.
  expect((await perf.get(`/cycles/yiyang-st-bureau/${YEAR}/board`)).status).toBe(403);
});

test('an office person may not read the board across units', async () => {
  const hto = new Agent(h.web.url);
  await signIn(h, hto, 'gaoxinban@kjj.yiyang.example');
  const r = await hto.get(`/programme/${YEAR}`);
  expect(r.status).toBe(403);
  expect(r.text).toContain('NOT_AUTHORISED');
});

test('the board says who has not acknowledged (签收) the open request; an acknowledgement takes the office off it', async () => {
  const leader = new Agent(h.web.url);
  await signIn(h, leader, 'yangyaowu@kjj.yiyang.example');
  const board = `/cycles/yiyang-st-bureau/${YEAR}/board`;
  const before = await leader.get(board);
  expect(before.text).toMatch(/未签收 <span class="en">Not acknowledged<\/span>: [^<]*hi-tech-office/);
  const hto = new Agent(h.web.url);
  await signIn(h, hto, 'gaoxinban@kjj.yiyang.example');
  const office = `/cycles/yiyang-st-bureau/${YEAR}/offices/hi-tech-office`;
  const page = await hto.get(office);
  const ack = await hto.post(`${office}/acknowledge`, { _csrf: hidden(page.text, '_csrf'), period: `${YEAR}-Q1` });
  expect(ack.status).toBeLessThan(400);
  const after = await leader.get(board);
  expect(after.text).not.toMatch(/未签收 <span class="en">Not acknowledged<\/span>: [^<]*hi-tech-office/);
});
