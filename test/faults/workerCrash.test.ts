/** SIGKILL mid-dispatch with the default store: SQLite in the worker's DATA_DIR (see crashScenario.ts). */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { startDevHarness, type DevHarness } from '../helpers/devServer';
import { sigkillMidDispatch } from './crashScenario';

let h: DevHarness;
beforeAll(async () => {
  h = await startDevHarness('worker-crash');
});
afterAll(async () => {
  await h?.stop();
});

test('SIGKILL of the worker at three points of a 24-cycle month-end dispatch (SQLite ledger): exactly one dispatch per office, no report lost', async () => {
  const dataDir = path.join(h.dir, 'worker-data');
  const file = path.join(dataDir, 'app.sqlite');
  await sigkillMidDispatch(h, {
    env: { DATA_DIR: dataDir },
    async countSent() {
      if (!existsSync(file)) return 0;
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM mail_sent').get() as { n: number }).n;
      } catch {
        return 0; // the worker has not created its tables yet
      } finally {
        db.close();
      }
    },
  });
}, 420_000);
