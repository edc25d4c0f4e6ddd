/**
 * Saved histories (committed under test/histories/, recorded on purpose by
 * `npm run histories:regenerate`) replay without error against the current
 * workflow code: a deploy never breaks a running year-long cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { quietRuntime, workflowBundle } from '../helpers/temporal';

const root = path.join(__dirname, '..', 'histories');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();

test('the saved histories are there (a full year and a cycle stopped mid-year, per recorded code version)', () => {
  expect(files.filter((f) => f.includes('full-year')).length).toBeGreaterThanOrEqual(12);
  expect(files.filter((f) => f.includes('mid-year')).length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s replays on the current code', async (file) => {
  quietRuntime();
  const saved = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { workflowId: string; history: unknown };
  const history = temporal.api.history.v1.History.fromObject(saved.history as Record<string, unknown>);
  expect(history.events?.length).toBeGreaterThan(0);
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, saved.workflowId);
});

test('every saved history replays twice in one worker, sharing its preloaded modules as production does', async () => {
  // The domain is preloaded once per workflow thread and shared by every workflow (worker/bundle.ts): a memo or
  // any module state that leaked from one workflow into another would make a later replay diverge here.
  quietRuntime();
  const histories = [0, 1].flatMap((pass) =>
    files.map((file) => {
      const saved = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { workflowId: string; history: unknown };
      // The workflow id as recorded: a first run derives its state (and its hand-over moment) from it.
      return { workflowId: saved.workflowId, pass, file, history: temporal.api.history.v1.History.fromObject(saved.history as Record<string, unknown>) };
    }),
  );
  const failed: string[] = [];
  let replayed = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
    const h = histories[replayed++];
    if (r.error) failed.push(`pass ${h.pass} ${h.file}: ${r.error.message}`);
  }
  expect(failed).toEqual([]);
  expect(replayed).toBe(histories.length);
}, 120_000);

test('a history replayed on code that changed without patched() fails with a determinism error', async () => {
  quietRuntime();
  const saved = JSON.parse(readFileSync(path.join(root, 'v3', 'full-year.run02.json'), 'utf8')) as { workflowId: string; history: unknown };
  const history = temporal.api.history.v1.History.fromObject(saved.history as Record<string, unknown>);
  const broken = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'fixtures', 'broken', 'index.ts'), logger: new DefaultLogger('ERROR') });
  const replay = Worker.runReplayHistory({ workflowBundle: broken }, history, saved.workflowId);
  await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
});
