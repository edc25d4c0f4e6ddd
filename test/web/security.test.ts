/**
 * The web door's security, over HTTP against the real server, store, Temporal
 * dev server and SMTP sink: sign-in links are spent only by a POST and only
 * once; CSRF on every POST; an office cannot read or act for another, nor
 * approve; what people type stays text on every page; cookie flags; rate
 * limits; sessions survive a restart of the web server.
 */
import { sha256 } from '../../web/auth';
import { startWeb } from '../../web/start';
import { Agent, hidden, lastSeq, REF, signIn, signInLink, startWebHarness, type WebHarness } from './harness';

const HTO = 'gaoxinban@kjj.yiyang.example';
const RSS = 'nongsheke@kjj.yiyang.example';
const LEADER = 'yangyaowu@kjj.yiyang.example';
const office = (o: string) => `/cycles/${REF.unitId}/${REF.year}/offices/${o}`;
const Q1 = `${REF.year}-Q1`;
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

let h: WebHarness;
let hto: Agent;
let leader: Agent;

beforeAll(async () => {
  h = await startWebHarness('web-security', { perAddress: 5 });
  hto = new Agent(h.web.url);
  leader = new Agent(h.web.url);
  await signIn(h, hto, HTO);
  await signIn(h, leader, LEADER);
});

afterAll(() => h?.stop());

test('opening a sign-in link (GET) does not spend it; the POST does, once; an expired one is refused', async () => {
  const a = new Agent(h.web.url);
  const form = await a.get('/sign-in');
  const seq = lastSeq(h);
  await a.post('/sign-in', { _csrf: hidden(form.text, '_csrf'), email: RSS, returnTo: office('rural-social') });
  const link = new URL(await signInLink(h, RSS, seq));
  // A mail scanner opens it twice.
  const g1 = await a.get(link.pathname + link.search);
  await new Agent(h.web.url).get(link.pathname + link.search);
  expect(g1.status).toBe(200);
  expect(a.cookies.has('sid')).toBe(false);
  const ok = await a.post('/sign-in/confirm', { _csrf: hidden(g1.text, '_csrf'), token: hidden(g1.text, 'token') });
  expect(ok.status).toBe(303);
  expect(ok.location).toBe(office('rural-social'));
  expect(a.cookies.has('sid')).toBe(true);
  // Used: refused, and no new session.
  const b = new Agent(h.web.url);
  const g2 = await b.get(link.pathname + link.search);
  const again = await b.post('/sign-in/confirm', { _csrf: hidden(g2.text, '_csrf'), token: hidden(g2.text, 'token') });
  expect(again.status).toBe(403);
  expect(again.text).toContain('already used or expired');
  expect(b.cookies.has('sid')).toBe(false);
  // Expired.
  const token = 'x'.repeat(43);
  const now = Date.now();
  await h.store.auth.createSignInToken({ tokenHash: sha256(token), email: RSS, returnTo: '/', createdAt: now - 20 * 60_000, expiresAt: now - 5 * 60_000 });
  const g3 = await b.get(`/sign-in/confirm?token=${token}`);
  expect((await b.post('/sign-in/confirm', { _csrf: hidden(g3.text, '_csrf'), token })).status).toBe(403);
});

test('an unknown address gets the same page and no mail; a bad return address lands on the home page', async () => {
  const a = new Agent(h.web.url);
  const form = await a.get('/sign-in');
  const seq = lastSeq(h);
  const unknown = await a.post('/sign-in', { _csrf: hidden(form.text, '_csrf'), email: 'stranger@example.org', returnTo: '/' });
  const known = await a.post('/sign-in', { _csrf: hidden(form.text, '_csrf'), email: 'tangzhibin@kjj.yiyang.example', returnTo: '//evil.example/x' });
  expect(unknown.status).toBe(known.status);
  expect(unknown.text.replace(/stranger@example\.org/g, 'X')).toBe(known.text.replace(/tangzhibin@kjj\.yiyang\.example/g, 'X'));
  await signInLink(h, 'tangzhibin@kjj.yiyang.example', seq);
  expect(h.dev.sink.messages.some((m) => m.seq > seq && m.envelopeTo.includes('stranger@example.org'))).toBe(false);
  expect(await signIn(h, new Agent(h.web.url), 'tangzhibin@kjj.yiyang.example', '//evil.example/x')).toBe('/');
});

test('a signed-out person opening a mail link is asked to sign in and lands on that page after', async () => {
  const a = new Agent(h.web.url);
  const r = await a.get(office('hi-tech-office'));
  expect(r.status).toBe(303);
  expect(r.location).toBe(`/sign-in?returnTo=${encodeURIComponent(office('hi-tech-office'))}`);
  expect(await signIn(h, a, HTO, office('hi-tech-office'))).toBe(office('hi-tech-office'));
  expect((await a.get(office('hi-tech-office'))).status).toBe(200);
});

test('a POST without the CSRF token is refused and changes nothing', async () => {
  const before = await h.state();
  const r = await hto.post(`${office('hi-tech-office')}/acknowledge`, { period: Q1 });
  expect(r.status).toBe(400);
  expect(r.text).toContain('CSRF');
  const fd = new FormData();
  fd.append('formToken', 'abc');
  fd.append('v:t1-1', '5');
  fd.append('evidence', new Blob(['forged evidence']), 'forged.txt');
  const up = await hto.post(`${office('hi-tech-office')}/reports/${Q1}`, fd);
  expect(up.status).toBe(400);
  expect(await h.store.evidence.has(sha256('forged evidence'))).toBe(false);
  expect(await h.state()).toEqual(before);
});

test("office A cannot see or file for office B by editing the address or the form", async () => {
  const before = await h.state();
  const see = await hto.get(office('rural-social'));
  expect(see.status).toBe(403);
  expect(see.text).toContain('NOT_AUTHORISED');
  expect(see.text).toContain('您的角色不能查看或办理此项');
  expect(see.text).not.toContain('Nothing was changed'); // it only looked
  const page = await hto.get(office('hi-tech-office'));
  const fd = new FormData();
  fd.append('_csrf', hidden(page.text, '_csrf'));
  fd.append('formToken', 'tok-1');
  fd.append('v:t2-1', '3');
  const file = await hto.post(`${office('rural-social')}/reports/${Q1}`, fd);
  expect(file.status).toBe(403);
  expect(file.text).toContain('NOT_AUTHORISED');
  expect((await hto.get('/cycles/yiyang-st-bureau/2026/board')).status).toBe(403);
  expect(await h.state()).toEqual(before);
});

test('an office person cannot approve; what people type is inert on every page', async () => {
  // The office files a report whose narrative and file name carry markup.
  const form = await hto.get(`${office('hi-tech-office')}/reports/${Q1}`);
  const fd = new FormData();
  fd.append('_csrf', hidden(form.text, '_csrf'));
  fd.append('formToken', hidden(form.text, 'formToken'));
  fd.append('v:t1-1', '4');
  fd.append('narrative', XSS);
  fd.append('evidence', new Blob(['quarter one']), '<img src=x onerror=alert(3)>.txt');
  const filed = await hto.post(`${office('hi-tech-office')}/reports/${Q1}`, fd);
  expect(filed.status).toBe(200);
  const before = await h.state();
  const approvals = `/cycles/${REF.unitId}/${REF.year}/approvals`;
  expect((await hto.get(approvals)).status).toBe(403);
  const csrf = hidden((await hto.get(office('hi-tech-office'))).text, '_csrf');
  const tried = await hto.post(`${approvals}/decide`, { _csrf: csrf, formToken: 'x', [`d:hi-tech-office|${Q1}`]: 'approve' });
  expect(tried.status).toBe(403);
  expect(tried.text).toContain('NOT_AUTHORISED');
  expect(await h.state()).toEqual(before);
  // The leader returns it with a comment that also carries markup.
  const lp = await leader.get(approvals);
  const ret = await leader.post(`${approvals}/decide`, { _csrf: hidden(lp.text, '_csrf'), formToken: hidden(lp.text, 'formToken'), [`d:hi-tech-office|${Q1}`]: 'return', [`c:hi-tech-office|${Q1}`]: XSS });
  expect(ret.status).toBe(200);
  const pages = [await hto.get(office('hi-tech-office')), await hto.get(`${office('hi-tech-office')}/reports/${Q1}`), await leader.get(`/cycles/${REF.unitId}/${REF.year}/appraisal`), await leader.get(`/cycles/${REF.unitId}/${REF.year}/board`)];
  for (const p of pages) {
    expect(p.status).toBe(200);
    expect(p.text).not.toMatch(/<script>alert|<img src=x/);
    expect(p.res.headers.get('content-security-policy')).toContain("script-src 'none'");
  }
  expect(pages[0].text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(pages[0].text).toContain('&lt;img src=x onerror=alert(3)&gt;.txt');
  // The evidence is served to its office and the group, as an attachment, and to nobody else.
  const href = /href="(\/evidence\/[0-9a-f]{64}\?[^"]+)"/.exec(pages[0].text)![1].replace(/&amp;/g, '&');
  const dl = await hto.get(href);
  expect(dl.status).toBe(200);
  expect(dl.text).toBe('quarter one');
  expect(dl.res.headers.get('content-disposition')).toMatch(/^attachment;/);
  const rss = new Agent(h.web.url);
  await signIn(h, rss, RSS);
  expect((await rss.get(href)).status).toBe(403);
});

test('cookie flags: HttpOnly and SameSite=Lax always; __Host- and Secure behind https', async () => {
  const a = new Agent(h.web.url);
  await a.get('/sign-in');
  const seq = lastSeq(h);
  const f = await a.get('/sign-in');
  await a.post('/sign-in', { _csrf: hidden(f.text, '_csrf'), email: HTO, returnTo: '/' });
  const link = new URL(await signInLink(h, HTO, seq));
  const c = await a.get(link.pathname + link.search);
  const r = await a.post('/sign-in/confirm', { _csrf: hidden(c.text, '_csrf'), token: hidden(c.text, 'token') });
  const sid = r.res.headers.getSetCookie().find((x) => x.startsWith('sid='))!;
  expect(sid).toMatch(/HttpOnly/);
  expect(sid).toMatch(/SameSite=Lax/);
  expect(sid).toMatch(/Path=\//);
  expect(sid).not.toMatch(/Secure/);
  // The same door behind an https PUBLIC_URL (Light-my-request parses cookies with an ES module Jest cannot load: a real socket instead).
  const https = await startWeb({ app: h.app, auth: h.store.auth, mail: { transport: { sendMail: async () => ({}) }, from: 'x@test.local' }, publicUrl: 'https://kaohe.example.gov.cn', host: '127.0.0.1', port: 0 });
  const token = 'y'.repeat(43);
  await h.store.auth.createSignInToken({ tokenHash: sha256(token), email: HTO, returnTo: '/', createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
  const s = new Agent(https.url);
  s.cookies.set('presign', 'p'.repeat(43));
  const res = await s.post('/sign-in/confirm', { _csrf: 'p'.repeat(43), token });
  expect(res.status).toBe(303);
  const secure = res.res.headers.getSetCookie().find((x) => x.startsWith('__Host-sid='))!;
  expect(secure).toMatch(/Secure/);
  expect(secure).toMatch(/HttpOnly/);
  expect(res.res.headers.get('strict-transport-security')).toBeTruthy();
  await https.close();
});

test('sign-in requests are rate-limited per address', async () => {
  const a = new Agent(h.web.url);
  const f = await a.get('/sign-in');
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await a.post('/sign-in', { _csrf: hidden(f.text, '_csrf'), email: 'fengdongyuan@kjj.yiyang.example', returnTo: '/' })).status);
  expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
  expect(statuses[5]).toBe(429);
  expect(h.dev.sink.messages.filter((m) => m.envelopeTo.includes('fengdongyuan@kjj.yiyang.example')).length).toBe(5);
});

test('sessions survive a restart of the web server (they live in the store); sign-out ends them', async () => {
  await h.restartWeb();
  const again = new Agent(h.web.url);
  for (const [k, v] of leader.cookies) again.cookies.set(k, v);
  const home = await again.get('/');
  expect(home.status).toBe(200);
  expect(home.text).toContain(LEADER);
  await again.post('/sign-out', { _csrf: hidden(home.text, '_csrf') });
  expect((await leader.get('/')).status).toBe(303);
});
