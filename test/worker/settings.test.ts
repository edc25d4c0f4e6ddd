/** Worker settings from the environment: defaults, values, and refusals that name the variable. */
import { DEFAULT_MAX_CACHED_WORKFLOWS, workerSettingsFromEnv } from '../../worker/settings';

test('defaults: the SDK sizes the cache (no cap), and the bundle cache is on', () => {
  expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBeUndefined();
  expect(workerSettingsFromEnv({})).toEqual({ maxCachedWorkflows: undefined, bundleCache: true });
  expect(workerSettingsFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: '' }).maxCachedWorkflows).toBeUndefined();
});

test('values are read', () => {
  expect(workerSettingsFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: ' 40 ', WORKFLOW_BUNDLE_CACHE: '0' })).toEqual({ maxCachedWorkflows: 40, bundleCache: false });
  expect(workerSettingsFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).maxCachedWorkflows).toBe(0);
});

test.each(['-1', '2.5', 'lots', '1e9x'])('WORKER_MAX_CACHED_WORKFLOWS=%s is refused, naming the variable', (v) => {
  expect(() => workerSettingsFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: v })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
});

test('WORKFLOW_BUNDLE_CACHE takes only 0 or 1', () => {
  expect(() => workerSettingsFromEnv({ WORKFLOW_BUNDLE_CACHE: 'yes' })).toThrow(/WORKFLOW_BUNDLE_CACHE/);
});
