/**
 * Provisioning: the explicit-path route (which is how a machine with its own
 * binaries, or with internet access, is simulated here) is honoured first, a
 * bad path is a clear error, and forcing a route works. Uses a private tools
 * folder so the real record used by the other tests is untouched.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const tools = mkdtempSync(path.join(os.tmpdir(), 'cycle-tools-'));
const saved = { ...process.env };
let provision: typeof import('../../infra/provision');

beforeAll(() => {
  process.env.TEMPORAL_TOOLS_DIR = tools;
  jest.isolateModules(() => {
    provision = require('../../infra/provision');
  });
});
afterEach(() => {
  for (const k of ['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH', 'TEMPORAL_PROVISION_ROUTE', 'TEMPORAL_SDK_DOWNLOAD', 'PATH']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

test('an explicit TEMPORAL_TEST_SERVER_PATH is used before anything else, and recorded', async () => {
  const fake = path.join(tools, 'my-test-server');
  writeFileSync(fake, '#!/bin/sh\nexit 0\n');
  chmodSync(fake, 0o755);
  process.env.TEMPORAL_TEST_SERVER_PATH = fake;
  const rec = await provision.provision('test');
  expect(rec).toMatchObject({ role: 'test', route: 'env', path: fake });
  expect(JSON.parse(readFileSync(path.join(tools, 'provisioned-test.json'), 'utf8'))).toMatchObject({ route: 'env', path: fake });
  expect(provision.requireProvisioned('test')).toMatchObject({ route: 'env', path: fake });
});

test('an explicit TEMPORAL_CLI_PATH that is not an executable is an error naming the variable', async () => {
  process.env.TEMPORAL_CLI_PATH = path.join(tools, 'does-not-exist');
  await expect(provision.provision('dev')).rejects.toThrow(/TEMPORAL_CLI_PATH=.*does-not-exist is not an executable file/);
});

test('a binary on PATH comes next, then the SDK download (skipped when unreachable or turned off)', async () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'cycle-bin-'));
  const cli = path.join(bin, 'temporal');
  writeFileSync(cli, '#!/bin/sh\necho "temporal version 9.9.9"\n');
  chmodSync(cli, 0o755);
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  expect(await provision.provision('dev')).toMatchObject({ route: 'path', path: cli, version: 'temporal version 9.9.9' });
  process.env.TEMPORAL_SDK_DOWNLOAD = 'off';
  expect(await provision.canReachSdkDownloads()).toBe(false);
});

test('a forced route that does not exist for a server is refused', async () => {
  process.env.TEMPORAL_PROVISION_ROUTE = 'maven';
  await expect(provision.provision('dev')).rejects.toThrow(/not a route for the dev server: use one of env, path, sdk, pypi/);
});

test('with nothing provisioned, a test that needs a server fails saying how to get one', () => {
  jest.isolateModules(() => {
    process.env.TEMPORAL_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), 'cycle-empty-'));
    delete process.env.TEMPORAL_TEST_SERVER_PATH;
    const p = require('../../infra/provision') as typeof import('../../infra/provision');
    expect(() => p.requireProvisioned('test')).toThrow(/run `npm test` \(it provisions before running jest\) or `npm run provision`, or set TEMPORAL_TEST_SERVER_PATH/);
  });
});
