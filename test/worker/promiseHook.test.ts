/**
 * worker/promiseHook.ts pauses the SDK's workflow promise hook for a private simulation and puts it back. The check
 * drives the SDK's real global handlers with a pending promise made inside a V8 context that looks like a workflow's
 * (the hook finds the workflow by its context's `__TEMPORAL_ACTIVATOR__`), in a plain Node process: under Jest the
 * SDK's `Error.prepareStackTrace` is set on Jest's realm and never runs, so the hook records nothing either way.
 * It fails if an SDK upgrade changes what the pause relies on.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../infra/paths';

const probe = (steps: string): Record<string, unknown> => {
  const script = `
    const vm = require('node:vm');
    const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
    const { pauseWorkflowPromiseHook } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'worker', 'promiseHook.js'))});
    const store = { promiseToStack: new Map(), childToParent: new Map() };
    const context = vm.createContext({ __TEMPORAL_ACTIVATOR__: { info: { runId: 'run-1' }, promiseStackStore: store } });
    // How many stacks the hook records for one pending promise made in the workflow's context.
    const recorded = () => { store.promiseToStack.clear(); vm.runInContext('globalThis.kept = new Promise(() => {})', context); return store.promiseToStack.size; };
    const stack = () => String(vm.runInContext('new Error("boom").stack', context));
    const out = {};
    ${steps}
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8' })) as Record<string, unknown>;
};

test('installed, the SDK records where a workflow promise was made', () => {
  expect(probe(`globalHandlers.install(); out.hook = globalHandlers.promiseHookInstalled; out.recorded = recorded();`)).toEqual({ hook: true, recorded: 1 });
});

test('paused: nothing recorded, workflows told stack traces are off, errors still formatted by the SDK; resumed: recorded again', () => {
  const out = probe(`
    globalHandlers.install();
    const sdkPrepare = Error.prepareStackTrace;
    const resume = pauseWorkflowPromiseHook();
    out.paused = { recorded: recorded(), hook: globalHandlers.promiseHookInstalled, samePrepare: Error.prepareStackTrace === sdkPrepare, stack: stack() };
    resume();
    out.resumed = { recorded: recorded(), hook: globalHandlers.promiseHookInstalled };`);
  expect(out).toEqual({
    paused: { recorded: 0, hook: false, samePrepare: true, stack: expect.stringMatching(/^Error: boom\n {4}at /) },
    resumed: { recorded: 1, hook: true },
  });
});

test('with nothing installed, pausing and resuming change nothing', () => {
  expect(probe(`
    const before = Error.prepareStackTrace;
    const resume = pauseWorkflowPromiseHook();
    out.samePrepare = Error.prepareStackTrace === before;
    resume();
    out.installed = globalHandlers.installed;
    out.recorded = recorded();`)).toEqual({ samePrepare: true, installed: false, recorded: 0 });
});
