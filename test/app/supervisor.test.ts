/**
 * `npm start`'s supervisor (client/supervisor.ts): a part that dies is restarted with backoff, and
 * when everything stops, a part still starting (the first time or a restart) is stopped once it
 * runs rather than left behind, and nothing new starts.
 */
import { Supervisor, type Running } from '../../client/supervisor';

/** A part whose start resolves when the test says so; it records whether it was stopped. */
function controllablePart() {
  const log: string[] = [];
  let release: () => void = () => undefined;
  let end: (how: string) => void = () => undefined;
  const start = (): Promise<Running> => {
    const n = log.filter((l) => l === 'started').length + 1;
    return new Promise<Running>((resolve) => {
      release = () => {
        log.push('started');
        resolve({ ended: new Promise<string>((r) => (end = r)), stop: async () => void log.push(`stopped ${n}`) });
      };
    });
  };
  return { log, start, release: () => release(), end: (how: string) => end(how) };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a part still starting when everything stops is stopped once it has started', async () => {
  const sup = new Supervisor({ log: () => undefined, giveUp: () => undefined });
  const p = controllablePart();
  const kept = sup.keep('the worker', p.start);
  await tick();
  const stopping = sup.stopAll(() => undefined);
  p.release();
  await kept;
  await stopping;
  expect(p.log).toEqual(['started', 'stopped 1']);
  await expect(sup.keep('another part', p.start)).rejects.toThrow(/not started: everything is stopping/);
});

test('a restart under way when everything stops is stopped once it has started', async () => {
  const lines: string[] = [];
  const sup = new Supervisor({ log: (l) => lines.push(l), giveUp: () => undefined, backoffMs: [1] });
  const p = controllablePart();
  const kept = sup.keep('the worker', p.start);
  p.release();
  await kept;
  p.end('exit code 1');
  await new Promise((r) => setTimeout(r, 20)); // the backoff passes and the restart begins
  expect(lines).toEqual(['the worker stopped (exit code 1); restarting in 0.001 s']);
  const stopping = sup.stopAll(() => undefined);
  p.release();
  await stopping;
  expect(p.log).toEqual(['started', 'started', 'stopped 2']);
  expect(lines).not.toContain('the worker is running again');
});
