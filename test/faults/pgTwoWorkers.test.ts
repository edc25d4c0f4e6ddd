/**
 * Two workers that share nothing on disk (each its own data folder), only a
 * PostgreSQL ledger, as workers on two machines would: still exactly one mail
 * per office per event.
 */
import { loadPlan } from '../../client/planLoader';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { openStore } from '../../store';
import type { supervisionCycle } from '../../workflows/cycle';
import { startDevHarness, type DevHarness } from '../helpers/devServer';
import { usePostgres } from '../helpers/postgres';
import { tempDir } from '../helpers/temporal';

const pg = usePostgres();
let h: DevHarness;
beforeAll(async () => {
  h = await startDevHarness('pg-two-workers');
});
afterAll(async () => {
  await h?.stop();
});

test('12 cycles served by two workers with separate data folders and one PostgreSQL ledger: one dispatch per office and cycle', async () => {
  const url = await pg.freshDatabase();
  const taskQueue = `pg-two-${Date.now()}`;
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  const [dirA, dirB] = [tempDir('pg-two-a'), tempDir('pg-two-b')];
  const [storeA, storeB] = [await openStore({ databaseUrl: url, dataDir: dirA }), await openStore({ databaseUrl: url, dataDir: dirB })];
  const a = await h.startWorker({ taskQueue, identity: 'worker-a', store: storeA, reportsDir: dirA });
  const b = await h.startWorker({ taskQueue, identity: 'worker-b', store: storeB, reportsDir: dirB });
  try {
    const handles = [];
    for (let i = 0; i < 12; i++) {
      handles.push(
        await h.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
          taskQueue,
          workflowId: `pg-two-${i}-${Date.now()}`,
          args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 11, 31, 0, 59, 57)).toISOString() } }],
        }),
      );
    }
    const ids = new Set(handles.map((x) => x.workflowId));
    const mine = () => h.sink.messages.filter((m) => ids.has(m.header('x-cycle-id') ?? ''));
    await h.sink.waitFor(() => mine().length >= 48, 60_000, '48 dispatches');
    await new Promise((r) => setTimeout(r, 3000)); // anything doubled would arrive now
    const count = new Map<string, number>();
    for (const m of mine()) {
      const k = `${m.header('x-cycle-id')}/${m.header('x-cycle-office')}/${m.header('x-cycle-kind')}`;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    expect(count.size).toBe(12 * 4);
    expect([...count.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // Every message is in the one ledger, whichever worker sent it.
    for (const m of mine()) expect(await storeB.ledger.sent(String(m.header('x-cycle-key') ?? ''))).toBeDefined();
    for (const handle of handles) await handle.terminate('test done');
  } finally {
    await a.stop();
    await b.stop();
    await storeA.close();
    await storeB.close();
  }
});
