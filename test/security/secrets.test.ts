/**
 * A planted secret (the SMTP password, the Temporal API key) never appears in
 * what the system prints, raises, records or writes: the configuration
 * summary, configuration errors, the `cycle` command's and the standalone
 * worker's output, workflow histories, the cycle's state, report files, the
 * sent-mail ledger, the mail itself and the SDK's logs.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { loadPlan } from '../../client/planLoader';
import type { CycleState } from '../../domain/cycle';
import type { Plan } from '../../domain/plan';
import { ConfigError, describeConfig, loadConfig } from '../../infra/config';
import { smtpTransport } from '../../infra/connection';
import { REPO_ROOT, SEED_PLAN_PATH } from '../../infra/paths';
import { MailSink } from '../../infra/smtpSink';
import { createCycleWorker } from '../../worker/worker';
import type { CycleResult, supervisionCycle } from '../../workflows/cycle';
import { stateQuery, submitReportUpdate, triggerAppraisalUpdate } from '../../workflows/messages';
import type { temporal } from '@temporalio/proto';
import { createTimeSkippingEnv, tempDir, workflowBundle } from '../helpers/temporal';
import { AuthSmtpServer } from './authSmtpServer';

const SMTP_SECRET = 'PLANTED-SMTP-SECRET-9f3a';
const API_KEY = 'PLANTED-API-KEY-77c1';
const FILE_SMTP_SECRET = 'PLANTED-FILE-SMTP-SECRET-41be';
const FILE_API_KEY = 'PLANTED-FILE-API-KEY-d20e';
const SECRETS = [SMTP_SECRET, API_KEY, FILE_SMTP_SECRET, FILE_API_KEY];

/** The secret as written, and as it would look base64-encoded (AUTH LOGIN, AUTH PLAIN) or URL-encoded. */
function forms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(`\u0000u\u0000${secret}`).toString('base64'), encodeURIComponent(secret)];
}

function expectNoSecret(where: string, text: string) {
  const leaked = SECRETS.flatMap(forms).filter((f) => text.includes(f));
  expect({ where, leaked }).toEqual({ where, leaked: [] });
}

// ---------------------------------------------------------------------------------------------
// Everything the SDK logs in this process (TS side and the forwarded core logs) is kept and searched.
const logs: string[] = [];
Runtime.install({
  logger: new DefaultLogger('DEBUG', (entry) => logs.push(`${entry.level} ${entry.message} ${safeJson(entry.meta)}`)),
  telemetryOptions: { logging: { filter: { core: 'INFO', other: 'INFO' }, forward: {} } },
});

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
  } catch {
    return String(x);
  }
}

/** Every string in a structure, with byte arrays (payload data) decoded as UTF-8. */
function allText(x: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (x === null || x === undefined) return out;
  if (typeof x === 'string') out.push(x);
  else if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') out.push(String(x));
  else if (x instanceof Uint8Array) out.push(Buffer.from(x).toString('utf8'));
  else if (typeof x === 'object' && !seen.has(x)) {
    seen.add(x);
    for (const v of Object.values(x as Record<string, unknown>)) allText(v, out, seen);
  }
  return out;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The environment of a child process: this one's, without any TEMPORAL_* or SMTP_* setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TEMPORAL_|SMTP_)/.test(k)) env[k] = v;
  return { ...env, DATA_DIR: tempDir('secrets-data'), ...extra };
}

/** Run a process we start ourselves; kill it (by its own pid) if it is still running after `killAfterMs`. */
function run(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number): Promise<{ code: number | null; killed: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, cwd: tempDir('secrets-cwd'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, out, err });
    });
  });
}

let secretDir: string;
let smtpSecretFile: string;
let apiKeyFile: string;
beforeAll(() => {
  secretDir = tempDir('secrets');
  smtpSecretFile = path.join(secretDir, 'smtp-password');
  apiKeyFile = path.join(secretDir, 'temporal-api-key');
  writeFileSync(smtpSecretFile, `${FILE_SMTP_SECRET}\n`, { mode: 0o600 });
  writeFileSync(apiKeyFile, `${FILE_API_KEY}\n`, { mode: 0o600 });
});

// ---------------------------------------------------------------------------------------------
describe('configuration', () => {
  test('secrets from the environment are loaded but describeConfig prints neither', () => {
    const c = loadConfig({ SMTP_URL: 'smtp://mail.example.org:587', SMTP_USER: 'u', SMTP_PASSWORD: SMTP_SECRET, TEMPORAL_API_KEY: API_KEY, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(c.smtp.password).toBe(SMTP_SECRET);
    expect(c.temporal.connectionOptions.apiKey).toBe(API_KEY);
    const printed = JSON.stringify(describeConfig(c));
    expectNoSecret('describeConfig', printed);
    expect(printed).toContain('password=(set)');
    expect(printed).toContain('apiKey=(set)');
  });

  test('secrets from *_FILE variables are loaded (trimmed) but describeConfig prints neither', () => {
    const c = loadConfig({ SMTP_URL: 'smtps://mail.example.org:465', SMTP_USER: 'u', SMTP_PASSWORD_FILE: smtpSecretFile, TEMPORAL_API_KEY_FILE: apiKeyFile, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(c.smtp.password).toBe(FILE_SMTP_SECRET);
    expect(c.temporal.connectionOptions.apiKey).toBe(FILE_API_KEY);
    const printed = JSON.stringify(describeConfig(c));
    expectNoSecret('describeConfig (files)', printed);
    expect(printed).toContain('password=(set)');
    expect(printed).toContain('apiKey=(set)');
  });

  test('a password written into SMTP_URL is redacted in the summary', () => {
    const c = loadConfig({ SMTP_URL: `smtp://u:${SMTP_SECRET}@mail.example.org:587` });
    const printed = JSON.stringify(describeConfig(c));
    expectNoSecret('describeConfig (URL userinfo)', printed);
    expect(printed).toContain('smtp://***@mail.example.org:587');
  });

  test.each([
    ['another variable is invalid', { TEMPORAL_ADDRESS: 'not an address', SMTP_PASSWORD: SMTP_SECRET, TEMPORAL_API_KEY: API_KEY }, /TEMPORAL_ADDRESS: must be host:port/],
    ['SMTP_URL is not smtp://', { SMTP_URL: `http://u:${SMTP_SECRET}@mail.example.org`, SMTP_PASSWORD: SMTP_SECRET }, /SMTP_URL: must be smtp:\/\/host:port/],
    ['the Temporal profile does not exist', { TEMPORAL_PROFILE: 'no-such-profile', TEMPORAL_API_KEY: API_KEY, SMTP_PASSWORD: SMTP_SECRET }, /Temporal connection settings are invalid/],
    ['a secret file cannot be read', { SMTP_PASSWORD_FILE: '/nonexistent/smtp-password', TEMPORAL_API_KEY: API_KEY }, /SMTP_PASSWORD_FILE=\/nonexistent\/smtp-password cannot be read \(ENOENT\)/],
    ['the secret file is a directory', { TEMPORAL_API_KEY_FILE: '/', SMTP_PASSWORD: SMTP_SECRET }, /TEMPORAL_API_KEY_FILE=\/ cannot be read/],
  ])('a configuration error names the variable, never a secret: %s', (_what, env, says) => {
    let error: unknown;
    try {
      loadConfig(env as NodeJS.ProcessEnv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(says);
    expectNoSecret('ConfigError', `${(error as Error).message}\n${(error as Error).stack ?? ''}`);
  });
});

// ---------------------------------------------------------------------------------------------
describe('processes', () => {
  const CLI = path.join(REPO_ROOT, 'bin', 'cycle.js');
  const WORKER = path.join(REPO_ROOT, 'dist', 'worker', 'main.js');

  test('the cycle command cannot reach Temporal: exit 4, and its output holds no secret (environment variables)', async () => {
    const r = await run([CLI, 'status', 'x'], childEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_PASSWORD: SMTP_SECRET, TEMPORAL_API_KEY: API_KEY, SMTP_USER: 'u', SMTP_URL: 'smtp://127.0.0.1:1' }), 60_000);
    expect({ code: r.code, killed: r.killed }).toEqual({ code: 4, killed: false });
    expect(r.err).toContain('cannot reach Temporal at 127.0.0.1:1');
    expectNoSecret('cycle status stdout', r.out);
    expectNoSecret('cycle status stderr', r.err);
  });

  test('the cycle command cannot reach Temporal: exit 4, and its output holds no secret (*_FILE variables)', async () => {
    const r = await run([CLI, 'status', 'x', '--json'], childEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_PASSWORD_FILE: smtpSecretFile, TEMPORAL_API_KEY_FILE: apiKeyFile }), 60_000);
    expect({ code: r.code, killed: r.killed }).toEqual({ code: 4, killed: false });
    expectNoSecret('cycle status stdout', r.out);
    expectNoSecret('cycle status stderr', r.err);
  });

  test('the cycle command with a bad configuration: exit 1, one message, no secret', async () => {
    const r = await run([CLI, 'status', 'x'], childEnv({ TEMPORAL_ADDRESS: 'bad address', SMTP_PASSWORD: SMTP_SECRET, TEMPORAL_API_KEY: API_KEY }), 60_000);
    expect(r.code).toBe(1);
    expect(r.err).toContain('TEMPORAL_ADDRESS');
    expectNoSecret('cycle (bad config) stderr', r.err + r.out);
  });

  test('the standalone worker prints its configuration and fails to connect, with no secret in its output', async () => {
    const r = await run([WORKER], childEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_URL: 'smtp://127.0.0.1:1', SMTP_USER: 'u', SMTP_PASSWORD: SMTP_SECRET, TEMPORAL_API_KEY: API_KEY }), 20_000);
    const output = r.out + r.err;
    expect(output).toContain('worker configuration');
    expect(output).toContain('password=(set)');
    expect(output).toContain('apiKey=(set)');
    if (!r.killed) expect(r.code).not.toBe(0);
    expectNoSecret('worker output', output);
  });

  test('the standalone worker with *_FILE secrets: no secret in its output', async () => {
    const r = await run([WORKER], childEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_URL: 'smtp://127.0.0.1:1', SMTP_USER: 'u', SMTP_PASSWORD_FILE: smtpSecretFile, TEMPORAL_API_KEY_FILE: apiKeyFile }), 20_000);
    const output = r.out + r.err;
    expect(output).toContain('password=(set)');
    expectNoSecret('worker output (files)', output);
  });

  test('the standalone worker without SMTP_URL: a configuration error with no secret', async () => {
    const r = await run([WORKER], childEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_PASSWORD: SMTP_SECRET, TEMPORAL_API_KEY: API_KEY }), 20_000);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SMTP_URL is not set');
    expectNoSecret('worker output (no SMTP_URL)', r.out + r.err);
  });
});

// ---------------------------------------------------------------------------------------------
describe('a short cycle whose mail transport authenticates with the planted password', () => {
  let env: TestWorkflowEnvironment;
  let plan: Plan;
  let authServer: AuthSmtpServer;
  let refusingSink: MailSink;
  const workers: { worker: Worker; running: Promise<void>; close?: () => void }[] = [];
  const dataDir = tempDir('secrets-cycle');
  const consoleOut: string[] = [];

  async function worker(name: string, url: string) {
    const transport = smtpTransport(url, { user: 'u', password: SMTP_SECRET });
    const taskQueue = `secrets-${name}-${process.pid}`;
    const w = await createCycleWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      transport,
      mailFrom: 'assessment-group@test.local',
      ledgerDir: path.join(dataDir, name, 'ledger'),
      reportsDir: path.join(dataDir, name, 'reports'),
      workflowBundle: await workflowBundle(),
    });
    workers.push({ worker: w, running: w.run(), close: () => transport.close?.() });
    return taskQueue;
  }

  /**
   * March dispatch, one report, the bureau starts and finalizes the appraisal. With `complete`, the
   * workflow is awaited to its end; otherwise (all mail refused) it is followed until the appraisal
   * is written and mailed and then terminated if it is still running.
   */
  async function shortCycle(taskQueue: string, waitForMail: (s: CycleState) => boolean, complete: boolean) {
    const workflowId = `security-secrets-${taskQueue}-${Date.now()}`;
    const handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
      taskQueue,
      workflowId,
      args: [{ plan, options: { simulatedStart: '2013-03-20T00:00:00.000Z' } }],
    });
    await env.sleep(10 * 86_400_000);
    const until = async (pred: (s: CycleState) => boolean, what: string) => {
      for (let i = 0; i < 300; i++) {
        if (pred(await handle.query(stateQuery))) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await until((s) => s.periods['2013-Q1'] !== undefined && waitForMail(s), 'the March dispatch');
    await handle.executeUpdate(submitReportUpdate, { args: [{ actor: { personId: 'hto-contact', via: 'api' }, officeId: 'hi-tech-office', period: '2013-Q1', values: [{ targetId: 't1-1', value: 3 }], narrative: 'Q1', evidence: [] }] });
    // On to the April dispatch: the run hands over (continue-as-new) the night before it, so the state crosses a run boundary.
    await env.sleep(45 * 86_400_000);
    await until((s) => s.nextMonth > 4, 'the April dispatch');
    await handle.executeUpdate(triggerAppraisalUpdate, { args: [{ actor: { personId: 'yang-yaowu', via: 'api' }, action: 'start', reason: '' }] });
    await until((s) => s.phase === 'appraisal', 'the appraisal to start');
    await handle.executeUpdate(triggerAppraisalUpdate, { args: [{ actor: { personId: 'yang-yaowu', via: 'api' }, action: 'finalize', reason: '' }] });
    let result: CycleResult | undefined;
    if (complete) result = await handle.result();
    else {
      await until((s) => !!s.appraisal?.mailed && s.failures.some((f) => f.key.includes('/appraisal/')), 'the appraisal to be mailed');
      // With its mail sent inside its own workflow tasks, the cycle may already have ended by now.
      await handle.terminate('test done').catch((e: unknown) => {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      });
    }
    const state = await handle.query(stateQuery);
    // Every run's history (the cycle continues as new after the March dispatch).
    const histories: temporal.api.history.v1.IHistory[] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    for (let i = 0; runId && i < 100; i++) {
      const history: temporal.api.history.v1.IHistory = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      histories.push(history);
      const last: temporal.api.history.v1.IHistoryEvent | undefined = history.events?.[history.events.length - 1];
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return { workflowId, result, state, histories, reportFiles: state.appraisal?.reportFiles ?? [] };
  }

  let accepted: Awaited<ReturnType<typeof shortCycle>>;
  let refused: Awaited<ReturnType<typeof shortCycle>>;

  beforeAll(async () => {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        consoleOut.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a) + String(a))).join(' '));
      });
    }
    env = await createTimeSkippingEnv();
    plan = loadPlan(SEED_PLAN_PATH);
    authServer = await new AuthSmtpServer().start();
    refusingSink = await new MailSink().start(); // offers AUTH but refuses it: every message fails permanently (535)
    const okQueue = await worker('auth-ok', authServer.url);
    const refusedQueue = await worker('auth-refused', refusingSink.url);
    accepted = await shortCycle(okQueue, () => authServer.messages.length >= 4, true);
    refused = await shortCycle(refusedQueue, (s) => s.failures.length >= 4, false);
  });

  afterAll(async () => {
    for (const w of workers) w.worker.shutdown();
    for (const w of workers) {
      await w.running;
      w.close?.();
    }
    await authServer?.stop();
    await refusingSink?.stop();
    await env?.teardown();
    jest.restoreAllMocks();
  });

  test('the planted password really was used: the mail server received it and accepted the mail', () => {
    expect(accepted.result?.reportFiles).toHaveLength(4); // the cycle whose mail went out ran to its end
    expect(authServer.logins.length).toBeGreaterThan(0);
    for (const l of authServer.logins) expect(l).toMatchObject({ username: 'u', password: SMTP_SECRET });
    expect(authServer.messages.length).toBeGreaterThanOrEqual(4 + 3 + 5); // dispatches, final-value requests, appraisal mail
    expect(refusingSink.messages).toHaveLength(0);
    expect(refused.state.failures.length).toBeGreaterThanOrEqual(4);
    expect(refused.state.failures.map((f) => f.error).join('\n')).toMatch(/535/);
  });

  test('no secret in any run of either workflow history', () => {
    for (const [name, c] of [['accepted', accepted], ['refused', refused]] as const) {
      expect(c.histories.length).toBeGreaterThanOrEqual(2);
      const text = c.histories.map((h) => `${JSON.stringify(h)}\n${allText(h).join('\n')}`).join('\n');
      expect(text).toContain('hto-contact'); // payloads were decoded: the plan and the report are in there
      expectNoSecret(`${name} history`, text);
    }
  });

  test('no secret in the cycle state, its delivery failures or the appraisal', () => {
    for (const [name, c] of [['accepted', accepted], ['refused', refused]] as const) {
      expectNoSecret(`${name} state`, JSON.stringify(c.state));
      expectNoSecret(`${name} result`, JSON.stringify(c.result ?? null));
    }
  });

  test('no secret in the report files or the sent-mail ledger', () => {
    for (const [name, c] of [['accepted', accepted], ['refused', refused]] as const) {
      expect(c.reportFiles.map((f) => path.basename(f)).sort()).toEqual(['appraisal.csv', 'appraisal.html', 'appraisal.json', 'appraisal.md']);
      for (const f of c.reportFiles) expectNoSecret(`${name} ${path.basename(f)}`, readFileSync(f, 'utf8'));
    }
    expect(readFileSync(refused.reportFiles.find((f) => f.endsWith('.md'))!, 'utf8')).toContain('Mail that could not be delivered');
    const ledger = filesUnder(path.join(dataDir, 'auth-ok', 'ledger'));
    expect(ledger.length).toBeGreaterThanOrEqual(4);
    for (const f of [...ledger, ...filesUnder(path.join(dataDir, 'auth-refused'))]) expectNoSecret(f, readFileSync(f, 'utf8'));
  });

  test('no secret in the mail that was sent', () => {
    for (const m of authServer.messages) expectNoSecret(`mail to ${m.to.join(',')}`, m.raw.toString('utf8'));
  });

  test('no secret in the SDK logs or the console of this process', () => {
    expect(logs.length).toBeGreaterThan(0);
    expectNoSecret('SDK logs', logs.join('\n'));
    expectNoSecret('console', consoleOut.join('\n'));
  });
});
