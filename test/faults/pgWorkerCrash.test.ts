/** SIGKILL mid-dispatch with the ledger in PostgreSQL (DATABASE_URL), see crashScenario.ts. */
import * as path from 'node:path';
import { Client } from 'pg';
import { startDevHarness, type DevHarness } from '../helpers/devServer';
import { usePostgres } from '../helpers/postgres';
import { sigkillMidDispatch } from './crashScenario';

const pg = usePostgres();
let h: DevHarness;
beforeAll(async () => {
  h = await startDevHarness('pg-worker-crash');
});
afterAll(async () => {
  await h?.stop();
});

test('SIGKILL of the worker at three points of a 24-cycle month-end dispatch (PostgreSQL ledger): exactly one dispatch per office, no report lost', async () => {
  const url = await pg.freshDatabase();
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await sigkillMidDispatch(h, {
      env: { DATABASE_URL: url, DATA_DIR: path.join(h.dir, 'worker-data') },
      async countSent() {
        const r = await db.query("SELECT CASE WHEN to_regclass('mail_sent') IS NULL THEN 0 ELSE (SELECT count(*)::int FROM mail_sent) END AS n").catch(() => ({ rows: [{ n: 0 }] }));
        return Number(r.rows[0].n);
      },
    });
  } finally {
    await db.end();
  }
}, 420_000);
