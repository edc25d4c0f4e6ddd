/**
 * Two workers on the same task queue at once (sharing the sent ledger, as
 * workers of one deployment do): still exactly one mail per office per event.
 */
import { loadPlan } from '../../client/planLoader';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { closeCheckUpdate } from '../../workflows/messages';
import { startDevHarness, type DevHarness } from '../helpers/devServer';

let h: DevHarness;
beforeAll(async () => {
  h = await startDevHarness('two-workers');
});
afterAll(async () => {
  await h?.stop();
});

test('12 cycles served by two workers at once: one dispatch and one quarterly summary per office and cycle', async () => {
  const taskQueue = `two-${Date.now()}`;
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  const a = await h.startWorker({ taskQueue, identity: 'worker-a' });
  const b = await h.startWorker({ taskQueue, identity: 'worker-b' });
  try {
    const handles = [];
    for (let i = 0; i < 12; i++) {
      handles.push(
        await h.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
          taskQueue,
          workflowId: `two-${i}-${Date.now()}`,
          args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 11, 31, 0, 59, 57)).toISOString() } }],
        }),
      );
    }
    const ids = new Set(handles.map((x) => x.workflowId));
    const mine = () => h.sink.messages.filter((m) => ids.has(m.header('x-cycle-id') ?? ''));
    await h.sink.waitFor(() => mine().length >= 48, 60_000, '48 dispatches');
    for (const handle of handles) await handle.executeUpdate(closeCheckUpdate, { args: [{ actor: { personId: 'yang-yaowu', via: 'api' }, period: '2026-Q4', comment: '' }] });
    // Closing the check sends the group's summary and opens the final round (3 requests) for each cycle.
    await h.sink.waitFor(() => mine().length >= 48 + 12 * 4, 60_000, 'summaries and final requests');
    await new Promise((r) => setTimeout(r, 3000));
    const count = new Map<string, number>();
    for (const m of mine()) {
      const k = `${m.header('x-cycle-id')}/${m.header('x-cycle-office')}/${m.header('x-cycle-kind')}`;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    expect(count.size).toBe(12 * (4 + 1 + 3));
    expect([...count.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // Both workers did part of the work: the 24 mail batches (local activities) ran in the workflow tasks of
    // whichever worker held the cycle; the history names the worker that completed each task.
    const identities = new Set<string>();
    for (const handle of handles) {
      const events = (await handle.fetchHistory()).events ?? [];
      const byId = new Map(events.map((e) => [String(e.eventId), e]));
      for (const e of events) {
        const m = e.markerRecordedEventAttributes;
        if (m?.markerName !== 'core_local_activity') continue;
        const identity = byId.get(String(m.workflowTaskCompletedEventId))?.workflowTaskCompletedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    expect([...identities].sort()).toEqual(['worker-a', 'worker-b']);
    for (const handle of handles) await handle.terminate('test done');
  } finally {
    await a.stop();
    await b.stop();
  }
});
