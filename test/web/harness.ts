/**
 * The web door on real parts: a Temporal dev server, a worker, the SMTP sink,
 * the SQLite store and the web server listening on loopback; a cycle of the
 * seed plan for 2026 whose plan clock starts just before the Q1 (March)
 * month-end dispatch, so a quarterly report is due within seconds.
 */
import { planWithOffices } from '../../bench/web';
import type { Programme } from '../../domain/programme';
import * as path from 'node:path';
import { loadPlan } from '../../client/planLoader';
import type { AppContext, CycleRef } from '../../app/context';
import { listCycles } from '../../app/actions/admin';
import { smtpTransport } from '../../infra/connection';
import { freePort } from '../../infra/devServer';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { cycleWorkflowId } from '../../domain/names';
import type { CycleState } from '../../domain/cycle';
import { openStore, type OpenedStore } from '../../store';
import { startWeb, type RunningWeb } from '../../web/start';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery } from '../../workflows/messages';
import { startDevHarness, type DevHarness } from '../helpers/devServer';

export const UNIT = 'yiyang-st-bureau';
export const YEAR = 2026;
export const REF: CycleRef = { unitId: UNIT, year: YEAR };

export interface WebHarness {
  dev: DevHarness;
  store: OpenedStore;
  app: AppContext;
  web: RunningWeb;
  /** Start a web server again on the same store (a restart). */
  restartWeb(): Promise<void>;
  state(): Promise<CycleState>;
  stop(): Promise<void>;
}

export async function startWebHarness(name: string, webOpts: { perAddress?: number; programme?: Programme } = {}): Promise<WebHarness> {
  const dev = await startDevHarness(name);
  const taskQueue = `web-${name}`;
  const worker = await dev.startWorker({ taskQueue });
  const store = await openStore({ dataDir: path.join(dev.dir, 'store'), legacy: false });
  const transport = smtpTransport(dev.sink.url);
  const app: AppContext = { client: dev.client, namespace: 'default', taskQueue, evidence: store.evidence, reports: store.reports };
  const port = await freePort();
  const start = () =>
    startWeb({ app, auth: store.auth, mail: { transport, from: 'kaohe@test.local' }, publicUrl: `http://127.0.0.1:${port}`, host: '127.0.0.1', port, rateLimits: { perAddress: webOpts.perAddress ?? 20 }, programme: webOpts.programme });
  const plan = loadPlan(SEED_PLAN_PATH, { year: YEAR });
  const handle = await dev.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue,
    workflowId: cycleWorkflowId(UNIT, YEAR),
    // 01:00 UTC is 09:00 in Yiyang, when the March month-end dispatch goes out.
    args: [{ plan, options: { simulatedStart: new Date(Date.UTC(YEAR, 2, 31, 0, 59, 57)).toISOString(), searchAttributes: true } }],
  });
  const deadline = Date.now() + 60_000;
  // The quarter's dispatch has happened, and visibility lists the cycle (sign-in looks cycles up there).
  while (!(await handle.query(stateQuery)).periods[`${YEAR}-Q1`] || !(await listCycles(app, { runningOnly: true })).length) {
    if (Date.now() > deadline) throw new Error('the Q1 dispatch did not happen within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const h: WebHarness = {
    dev,
    store,
    app,
    web: await start(),
    async restartWeb() {
      await h.web.close();
      h.web = await start();
    },
    state: () => handle.query(stateQuery),
    async stop() {
      await h.web.close().catch(() => undefined);
      transport.close?.();
      await worker.stop();
      await store.close();
      await dev.stop();
    },
  };
  return h;
}

/** A minimal cookie-keeping HTTP client: what a browser does with cookies, redirects left to the test. */
export class Agent {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const v = pair.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || v === '') this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), v);
    }
  }

  async request(method: string, p: string, body?: Record<string, string> | FormData): Promise<{ status: number; text: string; location: string | null; res: Response }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body).toString();
    }
    const go = () => fetch(this.base + p, { method, headers, body: payload, redirect: 'manual' });
    // A pooled keep-alive socket to a web server that was restarted is closed under us: one retry on a fresh one.
    const res = await go().catch(go);
    this.remember(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location'), res };
  }

  get = (p: string) => this.request('GET', p);
  post = (p: string, body: Record<string, string> | FormData) => this.request('POST', p, body);
}

/** A hidden field's value on a page. */
export function hidden(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no hidden field "${name}" on the page:\n${page.slice(0, 2000)}`);
  return m[1];
}

/** The sign-in link in the latest sign-in mail the sink received for an address. */
export async function signInLink(h: WebHarness, email: string, after: number): Promise<string> {
  const sink = h.dev.sink;
  const find = () => sink.messages.filter((m) => m.envelopeTo.includes(email) && /sign-in link/.test(m.parsed.subject ?? '') && m.seq > after).pop();
  await sink.waitFor(() => !!find(), 15_000, `a sign-in mail to ${email}`);
  const m = /(http:\/\/\S+\/sign-in\/confirm\?token=[A-Za-z0-9_-]+)/.exec(find()!.parsed.text ?? '');
  if (!m) throw new Error('no sign-in link in the mail');
  return m[1];
}

export const lastSeq = (h: WebHarness) => h.dev.sink.messages.reduce((n, m) => Math.max(n, m.seq), 0);

/** Sign an agent in as a person would: ask for a link, open the mail, open the link, press the button. */
export async function signIn(h: WebHarness, agent: Agent, email: string, returnTo = '/'): Promise<string> {
  const form = await agent.get(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  const seq = lastSeq(h);
  const sent = await agent.post('/sign-in', { _csrf: hidden(form.text, '_csrf'), email, returnTo });
  if (sent.status !== 200) throw new Error(`sign-in request answered ${sent.status}: ${sent.text.slice(0, 500)}`);
  const link = new URL(await signInLink(h, email, seq));
  const confirm = await agent.get(link.pathname + link.search);
  const done = await agent.post('/sign-in/confirm', { _csrf: hidden(confirm.text, '_csrf'), token: hidden(confirm.text, 'token') });
  if (done.status !== 303) throw new Error(`sign-in confirm answered ${done.status}: ${done.text.slice(0, 500)}`);
  return done.location!;
}

/** A second cycle whose plan has 40 offices, started at the March month-end like the harness's own; resolves once Q1 is dispatched. */
export async function startFortyOfficeCycle(h: WebHarness) {
  const big = planWithOffices(loadPlan(SEED_PLAN_PATH, { year: YEAR }), 40);
  big.unit.id = 'bench-40-offices';
  const handle = await h.dev.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.app.taskQueue,
    workflowId: cycleWorkflowId(big.unit.id, YEAR),
    args: [{ plan: big, options: { simulatedStart: new Date(Date.UTC(YEAR, 2, 31, 0, 59, 57)).toISOString() } }],
  });
  for (let i = 0; i < 300 && !(await handle.query(stateQuery)).periods[`${YEAR}-Q1`]; i++) await new Promise((r) => setTimeout(r, 200));
  return { plan: big, handle, ref: { unitId: big.unit.id, year: YEAR } };
}
