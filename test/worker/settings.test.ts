/** Worker settings come from the one configuration schema and fail fast naming the variable. */
import { ConfigError, describeConfig, loadConfig } from '../../infra/config';

test('defaults: a sticky cache of 500 cycles, V8 sizes its heaps, the bundle cache is on', () => {
  const c = loadConfig({});
  expect(c.worker).toEqual({ maxCachedWorkflows: 500, heapGrowingPercent: 0, bundleCache: true });
  expect(describeConfig(c).worker).toBe("sticky cache 500 cycles, heap growth V8's own, bundle cache on");
});

test('values are read, trimmed and checked', () => {
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: ' 40 ', WORKER_HEAP_GROWING_PERCENT: '50', WORKFLOW_BUNDLE_CACHE: '0' }).worker).toEqual({ maxCachedWorkflows: 40, heapGrowingPercent: 50, bundleCache: false });
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_HEAP_GROWING_PERCENT: '0' }).worker).toMatchObject({ maxCachedWorkflows: 0, heapGrowingPercent: 0 });
});

test.each(['-1', '1.5', 'many'])('WORKER_MAX_CACHED_WORKFLOWS=%s is refused by name', (v) => {
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(ConfigError);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
});

test.each(['-5', '2.5', 'lots', '500'])('WORKER_HEAP_GROWING_PERCENT=%s is refused by name', (v) => {
  expect(() => loadConfig({ WORKER_HEAP_GROWING_PERCENT: v })).toThrow(/WORKER_HEAP_GROWING_PERCENT: must be/);
});

test('WORKFLOW_BUNDLE_CACHE=yes is refused by name', () => {
  expect(() => loadConfig({ WORKFLOW_BUNDLE_CACHE: 'yes' })).toThrow(/WORKFLOW_BUNDLE_CACHE: must be 1/);
});
