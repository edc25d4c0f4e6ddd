/**
 * Where a simulated plan-year's wall time goes: runSimulation's client calls, timed from outside
 * (client/simulate.ts is not changed) by wrapping the environment and the handles it starts.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export function instrumentDriver(env: TestWorkflowEnvironment) {
  const driver: Record<'query' | 'update' | 'envSleep' | 'currentTime' | 'result' | 'start', { n: number; ms: number }> = {
    query: { n: 0, ms: 0 },
    update: { n: 0, ms: 0 },
    envSleep: { n: 0, ms: 0 },
    currentTime: { n: 0, ms: 0 },
    result: { n: 0, ms: 0 },
    start: { n: 0, ms: 0 },
  };
  // Calls of one kind can overlap (people acting at the same instant): a kind's time is the wall time during which
  // at least one of its calls was in flight, so the kinds' shares of the wall time stay comparable.
  const inFlight = new Map<keyof typeof driver, { n: number; since: number }>();
  const timed = async <T>(k: keyof typeof driver, p: () => Promise<T>): Promise<T> => {
    const f = inFlight.get(k) ?? { n: 0, since: 0 };
    inFlight.set(k, f);
    if (f.n++ === 0) f.since = performance.now();
    try {
      return await p();
    } finally {
      driver[k].n++;
      if (--f.n === 0) driver[k].ms += performance.now() - f.since;
    }
  };
  const wf = env.client.workflow;
  const originalStart = wf.start.bind(wf);
  const originalGetHandle = wf.getHandle.bind(wf);
  const instrument = <H extends ReturnType<typeof wf.getHandle>>(h: H): H => {
    const q = h.query.bind(h);
    const u = h.executeUpdate.bind(h);
    Object.assign(h, {
      query: (...a: Parameters<typeof h.query>) => timed('query', () => q(...a)),
      executeUpdate: (...a: Parameters<typeof h.executeUpdate>) => timed('update', () => u(...a)),
    });
    return h;
  };
  const instrumentedStart = (async (...args: Parameters<typeof wf.start>) => {
    // The scripted people act through the application layer, which opens its own handles: those are timed too.
    wf.getHandle = ((...a: Parameters<typeof wf.getHandle>) => instrument(originalGetHandle(...a))) as typeof wf.getHandle;
    const h = instrument(await timed('start', () => originalStart(...args)));
    const res = h.result.bind(h);
    return Object.assign(h, { result: () => timed('result', () => res()) });
  }) as typeof wf.start;
  /** Undo: the plain start and getHandle again. */
  const restore = () => {
    wf.start = originalStart;
    wf.getHandle = originalGetHandle;
  };
  const envProxy = {
    client: env.client,
    namespace: env.namespace,
    sleep: (ms: number) => timed('envSleep', () => env.sleep(ms)),
    currentTimeMs: () => timed('currentTime', () => env.currentTimeMs()),
  } as unknown as TestWorkflowEnvironment;
  return { driver, instrumentedStart, restore, envProxy };
}
