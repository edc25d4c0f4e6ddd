/** Worker settings come from the one configuration schema and fail fast naming the variable. */
import { ConfigError, describeConfig, loadConfig } from '../../infra/config';

test('defaults: a sticky cache of 500 cycles, V8 grows its heaps, the workflow heap is limited to 1,536 MiB, the bundle cache is on', () => {
  const c = loadConfig({});
  expect(c.worker).toEqual({ maxCachedWorkflows: 500, heapGrowingPercent: 0, workflowHeapMiB: 1536, bundleCache: true });
  expect(describeConfig(c).worker).toBe("sticky cache 500 cycles, heap growth V8's own, workflow heap 1536 MiB, bundle cache on");
  expect(describeConfig(loadConfig({ WORKER_WORKFLOW_HEAP_MIB: '0' })).worker).toContain("workflow heap V8's own");
});

test('values are read, trimmed and checked', () => {
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: ' 40 ', WORKER_HEAP_GROWING_PERCENT: '50', WORKER_WORKFLOW_HEAP_MIB: ' 3072 ', WORKFLOW_BUNDLE_CACHE: '0' }).worker).toEqual({ maxCachedWorkflows: 40, heapGrowingPercent: 50, workflowHeapMiB: 3072, bundleCache: false });
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_HEAP_GROWING_PERCENT: '0', WORKER_WORKFLOW_HEAP_MIB: '0' }).worker).toMatchObject({ maxCachedWorkflows: 0, heapGrowingPercent: 0, workflowHeapMiB: 0 });
});

test.each(['-1', '1.5', 'many'])('WORKER_MAX_CACHED_WORKFLOWS=%s is refused by name', (v) => {
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(ConfigError);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
});

test.each(['-5', '2.5', 'lots', '500'])('WORKER_HEAP_GROWING_PERCENT=%s is refused by name', (v) => {
  expect(() => loadConfig({ WORKER_HEAP_GROWING_PERCENT: v })).toThrow(/WORKER_HEAP_GROWING_PERCENT: must be/);
});

test.each(['100', '1.5', 'big', '20000'])('WORKER_WORKFLOW_HEAP_MIB=%s is refused by name', (v) => {
  expect(() => loadConfig({ WORKER_WORKFLOW_HEAP_MIB: v })).toThrow(/WORKER_WORKFLOW_HEAP_MIB: must be/);
});

test('a workflow heap the cache could outgrow is refused, naming both variables and what to do', () => {
  // The rule is the measured point: 2,000 cached cycles within the default 1,536 MiB, i.e. 256 MiB plus 0.64 a cycle.
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '2000' }).worker.workflowHeapMiB).toBe(1536);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '2001' })).toThrow(/WORKER_WORKFLOW_HEAP_MIB=1536 is too small for a sticky cache of 2001 cycles \(WORKER_MAX_CACHED_WORKFLOWS\): give it at least 1537 MiB/);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '4000' })).toThrow(/give it at least 2816 MiB/);
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '4000', WORKER_WORKFLOW_HEAP_MIB: '2816' }).worker.workflowHeapMiB).toBe(2816);
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '4000', WORKER_WORKFLOW_HEAP_MIB: '0' }).worker.workflowHeapMiB).toBe(0);
  // Past what any allowed limit holds, the advice is the cache, not a limit the variable refuses.
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '50000', WORKER_WORKFLOW_HEAP_MIB: '16384' })).toThrow(/no allowed limit is enough; lower the cache to at most 25200 cycles/);
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '25200', WORKER_WORKFLOW_HEAP_MIB: '16384' }).worker.workflowHeapMiB).toBe(16384);
});

test('WORKFLOW_BUNDLE_CACHE=yes is refused by name', () => {
  expect(() => loadConfig({ WORKFLOW_BUNDLE_CACHE: 'yes' })).toThrow(/WORKFLOW_BUNDLE_CACHE: must be 1/);
});
