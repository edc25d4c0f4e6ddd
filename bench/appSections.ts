/**
 * 7. store, 8. board, 9. web: the application layer's own costs, each against a
 * baseline in the same run: the sent ledger per message on SQLite and PostgreSQL
 * against the file ledger of earlier versions; the board across N cycles against
 * listing them by visibility alone; the board and office pages against a static
 * file served by the same web server.
 */
import { REF, startFortyOfficeCycle, startWebHarness } from '../test/web/harness';
import { benchBoard } from './board';
import { CONFIG } from './config';
import { fmt, results, row } from './report';
import { benchStore } from './store';
import { benchWebPages } from './web';

export async function storeSection() {
  const r = await benchStore(Number(process.env.BENCH_STORE_N ?? 2000), () => undefined);
  const file = r.find((x) => x.backend === 'file')!;
  for (const x of r.filter((y) => y.backend !== 'file')) row('7 store', `ledger claim + record per message, ${x.backend} (n=${x.n})`, `${fmt(x.usPerOp / 1000, 2)} ms`, `${fmt(file.usPerOp / 1000, 2)} ms file ledger`, x.usPerOp / file.usPerOp);
  results.store = r;
}

export async function boardSection() {
  const n = Number(process.env.BENCH_BOARD_N ?? 500);
  const b = await benchBoard(n, CONFIG.runs);
  row('8 board', `cycle board over ${n} running cycles (median of ${b.runs})`, `${fmt(b.boardMs, 0)} ms (${fmt(b.perCycleBoardMs, 1)} ms/cycle)`, `${fmt(b.listMs, 0)} ms listing by visibility`, b.ratio);
  results.board = b;
}

export async function webSection() {
  const h = await startWebHarness('bench-web');
  try {
    const email = 'yangyaowu@kjj.yiyang.example';
    const seed = await benchWebPages({ app: h.app, auth: h.store.auth, ref: REF, officeId: 'hi-tech-office', email, requests: 100 });
    const { ref } = await startFortyOfficeCycle(h);
    const forty = await benchWebPages({ app: h.app, auth: h.store.auth, ref, officeId: 'office-40', email, requests: 100 });
    for (const [label, r] of [['seed plan (4 offices)', seed], ['40 offices', forty]] as const) {
      row('9 web', `board page, ${label}: p50 / p95`, `${fmt(r.board.p50, 1)} / ${fmt(r.board.p95, 1)} ms`, `${fmt(r.static.p50, 1)} / ${fmt(r.static.p95, 1)} ms static`, r.board.p50 / Math.max(r.static.p50, 0.1));
      row('9 web', `office page, ${label}: p50 / p95`, `${fmt(r.office.p50, 1)} / ${fmt(r.office.p95, 1)} ms`, `${fmt(r.static.p50, 1)} / ${fmt(r.static.p95, 1)} ms static`, r.office.p50 / Math.max(r.static.p50, 0.1));
    }
    results.web = { seed, forty };
  } finally {
    await h.stop();
  }
}
