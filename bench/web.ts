/**
 * Web door bench: board and office page times (p50/p95) against a static
 * file served by the same server, for the seed plan and for a plan grown to
 * many offices. The caller brings a running cycle (a dev server and worker);
 * the session is made directly in the store, so no mail round-trip is timed.
 */
import type { AppContext, CycleRef } from '../app/context';
import { randomToken, sha256 } from '../web/auth';
import { pagePath } from '../domain/links';
import type { Plan } from '../domain/plan';
import type { AuthStore } from '../store/types';
import { startWeb } from '../web/start';

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

/** The seed plan with `offices` offices: the extra ones co-own the seed's targets in turn, so every one is dispatched. */
export function planWithOffices(seed: Plan, offices: number): Plan {
  const plan: Plan = JSON.parse(JSON.stringify(seed));
  const targets = plan.categories.flatMap((c) => c.indicators.flatMap((i) => i.targets)).filter((t) => t.measure.kind !== 'declaration');
  for (let k = plan.offices.length + 1; k <= offices; k++) {
    const id = `office-${k}`;
    plan.offices.push({
      id,
      name: { zh: `第${k}科室`, en: `Office ${k}` },
      contact: { personId: `${id}-contact`, name: `联络员 ${k}`, email: `${id}@bench.example` },
      head: { personId: `${id}-head`, name: `科长 ${k}`, email: `${id}-head@bench.example` },
    } as Plan['offices'][number]);
    const t = targets[k % targets.length];
    t.offices.coOwners = [...(t.offices.coOwners ?? []), id];
  }
  return plan;
}

async function time(url: string, cookie: string, n: number): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), n };
}

export interface WebBenchResult {
  static: Timing;
  board: Timing;
  office: Timing;
}

/** Time the pages of a running cycle as `email` (a group member, who may open both). */
export async function benchWebPages(o: { app: AppContext; auth: AuthStore; ref: CycleRef; officeId: string; email: string; requests: number }): Promise<WebBenchResult> {
  const id = randomToken();
  const now = Date.now();
  await o.auth.createSession({ idHash: sha256(id), email: o.email, createdAt: now, lastSeenAt: now, idleExpiresAt: now + 3600_000, absoluteExpiresAt: now + 3600_000, csrfSecret: randomToken() });
  const web = await startWeb({
    app: o.app,
    auth: o.auth,
    mail: { transport: { sendMail: async () => ({}) }, from: 'bench@localhost' },
    publicUrl: 'http://127.0.0.1',
    host: '127.0.0.1',
    port: 0,
    requestsPerMinute: 1_000_000,
  });
  try {
    const cookie = `sid=${id}`;
    const { unitId, year } = o.ref;
    await time(web.url + pagePath.board(unitId, year), cookie, 3); // warm the plan cache and the connection
    return {
      static: await time(`${web.url}/static/app.css`, cookie, o.requests),
      board: await time(web.url + pagePath.board(unitId, year), cookie, o.requests),
      office: await time(web.url + pagePath.office(unitId, year, o.officeId), cookie, o.requests),
    };
  } finally {
    await web.close();
  }
}
