/**
 * The time-skipping server as the product starts it (infra/testServer.ts): this process runs the binary and hands the
 * SDK's environment a server already accepting, through a factory the SDK keeps private. This checks the environment
 * still skips time (an SDK upgrade that drops the factory or its time skipping fails here), that teardown stops the
 * server, and that a server that cannot start says so instead of hanging.
 */
import { isPortOpen } from '../../infra/devServer';
import { createTimeSkippingEnvironment, timeSkippingEnvironmentAt } from '../../infra/testServer';
import { quietRuntime } from '../helpers/temporal';

beforeAll(quietRuntime);

describe('the time-skipping test server', () => {
  it('gives an environment that skips time, and stops the server at teardown', async () => {
    const env = await createTimeSkippingEnvironment();
    const [host, port] = env.address.split(':');
    try {
      const before = await env.currentTimeMs();
      await env.sleep('30 days'); // without time skipping this would wait 30 days, far past the test's timeout
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * 86_400_000);
      expect(await isPortOpen(host, Number(port))).toBe(true);
    } finally {
      await env.teardown();
    }
    expect(await isPortOpen(host, Number(port))).toBe(false);
  });

  it('reports a server that exits at once, and how to reinstall it', async () => {
    await expect(timeSkippingEnvironmentAt('/bin/false')).rejects.toThrow(/test server \(\/bin\/false\) did not start: .*npm run provision/s);
  });

  it('reports a binary that is not there', async () => {
    await expect(timeSkippingEnvironmentAt('/nonexistent/temporal-test-server')).rejects.toThrow(/did not start/);
  });
});
