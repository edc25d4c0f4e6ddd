/** Worker settings come from the one configuration schema and fail fast naming the variable. */
import { ConfigError, loadConfig } from '../../infra/config';

test('defaults: the SDK sizes the sticky cache, the bundle cache is on', () => {
  expect(loadConfig({}).worker).toEqual({ maxCachedWorkflows: undefined, bundleCache: true });
});

test('values are read, trimmed and checked', () => {
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: ' 40 ', WORKFLOW_BUNDLE_CACHE: '0' }).worker).toEqual({ maxCachedWorkflows: 40, bundleCache: false });
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).worker.maxCachedWorkflows).toBe(0);
});

test.each(['-1', '1.5', 'many'])('WORKER_MAX_CACHED_WORKFLOWS=%s is refused by name', (v) => {
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(ConfigError);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
});

test('WORKFLOW_BUNDLE_CACHE=yes is refused by name', () => {
  expect(() => loadConfig({ WORKFLOW_BUNDLE_CACHE: 'yes' })).toThrow(/WORKFLOW_BUNDLE_CACHE: must be 1/);
});
