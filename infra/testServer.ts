/**
 * The time-skipping test server, through whichever route provisioning recorded.
 *
 * On the routes that name a binary, this process starts the server itself and connects as soon as its port accepts,
 * rather than through the SDK's `createTimeSkipping`. The SDK's core waits 100 ms before its first look at the port
 * and then in steps of 100 ms, and the server accepts after about 30 ms here: an environment took 120-200 ms that way
 * (197, 120, 119 ms), against 35-40 ms now (99 ms for the first, which loads the SDK), on every `cycle simulate` and
 * every test environment. The environment is the SDK's own, with time skipping, over the server it was given; its
 * teardown closes the connections, then stops the server.
 */
import { spawn } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dieWithParent, freePort, isPortOpen } from './devServer';
import { requireProvisioned } from './provision';

/** How long a started server may take to accept connections before the start is given up. */
const START_TIMEOUT_MS = 15_000;

/**
 * The SDK's environment factory for a server already running, with time skipping: `create` is private in its types
 * (1.24.0, pinned in package.json); `createFromExistingServer`, the public one, turns time skipping off.
 * test/integration/testServer.test.ts fails if an upgrade removes it.
 */
type CreateEnvironment = (opts: { server: { type: 'existing' }; supportsTimeSkipping: true; address: string; namespace: string }) => Promise<TestWorkflowEnvironment>;

export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const server = requireProvisioned('test');
  // The sdk route lets the SDK run its own download.
  if (server.route === 'sdk') return TestWorkflowEnvironment.createTimeSkipping({});
  return timeSkippingEnvironmentAt(server.path as string);
}

/** Starts the test server binary at `binary` on a free port and returns the SDK's environment over it. */
export async function timeSkippingEnvironmentAt(binary: string): Promise<TestWorkflowEnvironment> {
  const port = await freePort();
  // The server must not outlive this process, even one killed with SIGKILL (setpriv --pdeathsig, as for the dev server).
  const [cmd, ...args] = [...dieWithParent('SIGKILL'), binary, String(port)];
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-2000)));
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // Not started at all (no such file): Node reports an error and no exit.
    child.once('error', (e) => resolve(void (spawnError = e)));
  });
  const ended = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;
  // If this process ends without a teardown, the server goes with it.
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const stop = async () => {
    process.off('exit', killNow);
    if (!ended()) child.kill('SIGKILL');
    await exited;
  };
  const why = () => (ended() ? (spawnError?.message ?? `it exited (${child.exitCode ?? child.signalCode})${stderr ? `: ${stderr.trim()}` : ''}`) : undefined);
  try {
    await untilAccepting(port, why);
  } catch (e) {
    await stop();
    throw new Error(`the time-skipping test server (${binary}) did not start: ${(e as Error).message}. Run \`npm run provision\` to install it again.`, { cause: e });
  }
  const create = (TestWorkflowEnvironment as unknown as { create?: CreateEnvironment }).create;
  if (typeof create !== 'function') {
    await stop();
    throw new Error('@temporalio/testing no longer has the factory infra/testServer.ts uses (TestWorkflowEnvironment.create): keep the SDK at the version package.json pins, or change infra/testServer.ts');
  }
  try {
    const env = await create.call(TestWorkflowEnvironment, { server: { type: 'existing' }, supportsTimeSkipping: true, address: `127.0.0.1:${port}`, namespace: 'default' });
    const closeConnections = env.teardown.bind(env);
    env.teardown = async () => {
      try {
        await closeConnections();
      } finally {
        await stop();
      }
    };
    return env;
  } catch (e) {
    await stop();
    throw new Error(`could not connect to the time-skipping test server on port ${port}: ${(e as Error).message}`, { cause: e });
  }
}

async function untilAccepting(port: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    // Open, and still ours: a server that lost the port to another process exits rather than serve it.
    if ((await isPortOpen('127.0.0.1', port, 500)) && !failed()) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not accept connections within ${START_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
