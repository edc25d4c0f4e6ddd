/** The time-skipping test server, through whichever route provisioning recorded. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { requireProvisioned } from './provision';

export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const server = requireProvisioned('test');
  // The sdk route lets the SDK run its own download; every other route names a binary.
  return TestWorkflowEnvironment.createTimeSkipping(server.route === 'sdk' ? {} : { server: { executable: { type: 'existing-path', path: server.path as string } } });
}
