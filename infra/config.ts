/**
 * Configuration: every environment variable the product reads is parsed and
 * checked here, once, at start-up; a bad value fails fast with a message that
 * names the variable. Secrets (SMTP password, Temporal API key, database URL
 * credentials) come only from the environment or files it names, and are never
 * printed: `describeConfig` redacts them. Data folders are derived in one
 * place (`dataPaths`), so no refactor can silently move the sent-mail ledger.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { TASK_QUEUE_DEFAULT } from '../domain/names';
import { REPO_ROOT, SEED_PLAN_PATH } from './paths';
import { isWorkflowHeapMiB, WORKFLOW_HEAP_MIB_RANGE } from '../worker/memory';

const port = (what: string) => z.coerce.number({ invalid_type_error: `must be a port number (${what})` }).int().min(1, 'must be a port from 1 to 65535').max(65535, 'must be a port from 1 to 65535');
const positiveInt = (max: number) => z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);

/** The workflow thread's heap limit by default (MiB): see WORKER_WORKFLOW_HEAP_MIB and docs/performance.md. */
const WORKFLOW_HEAP_MIB_DEFAULT = 1536;

/**
 * A workflow heap limit the cache can outgrow stops the worker with "out of memory" at a month-end, so it is refused at
 * start. The rule is the one point measured: 2,000 cached cycles ran within the default limit (1,310 MiB RSS for the
 * whole worker; docs/performance-history.md, round eight), so 256 MiB plus 0.64 per cached cycle.
 */
const HEAP_MIB_MAX = WORKFLOW_HEAP_MIB_RANGE.max;
const heapNeededMiB = (cache: number) => 256 + Math.ceil((cache * 16) / 25); // 0.64 MiB a cycle, in whole numbers

function workflowHeapProblem(cache: number, heapMiB: number): string | undefined {
  const need = heapNeededMiB(cache);
  if (!heapMiB || heapMiB >= need) return undefined;
  const where = `WORKER_WORKFLOW_HEAP_MIB=${heapMiB} is too small for a sticky cache of ${cache} cycles (WORKER_MAX_CACHED_WORKFLOWS)`;
  if (need > HEAP_MIB_MAX) return `${where}: no allowed limit is enough; lower the cache to at most ${Math.floor(((HEAP_MIB_MAX - 256) * 25) / 16)} cycles, or set the limit to 0 to leave it to V8`;
  return `${where}: give it at least ${need} MiB (256 plus 0.64 per cached cycle), lower the cache, or set it to 0 to leave the limit to V8`;
}

const envSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233 or my-ns.a1b2c.tmprl.cloud:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).max(255).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).max(200).default(TASK_QUEUE_DEFAULT),
  TEMPORAL_API_KEY_FILE: z.string().min(1).optional(),
  TEMPORAL_SQLITE_SYNCHRONOUS: z.enum(['OFF', 'NORMAL', 'FULL', 'EXTRA'], { message: 'must be OFF, NORMAL, FULL or EXTRA' }).default('NORMAL'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp://host:port or smtps://host:port (put the password in SMTP_PASSWORD or SMTP_PASSWORD_FILE)')
    .optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_PASSWORD_FILE: z.string().min(1).optional(),
  SMTP_MAX_CONNECTIONS: positiveInt(100).default(8),
  MAIL_FROM: z.string().min(3).default('"绩效考核小组 Assessment Group" <assessment-group@localhost>'),
  DATA_DIR: z.string().min(1).optional(),
  MAIL_LEDGER_DIR: z.string().min(1).optional(),
  EVIDENCE_DIR: z.string().min(1).optional(),
  REPORTS_DIR: z.string().min(1).optional(),
  STORE_SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL'], { message: 'must be NORMAL (commits survive a crash, the last may be lost on power loss) or FULL (fsync every commit, slower)' }).default('NORMAL'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be postgres://user@host:port/database (leave it unset for the embedded SQLite store)').optional(),
  PLAN_FILE: z.string().min(1).optional(),
  /** The performance office's programme file (its people see the board across units on the web). */
  PROGRAMME_FILE: z.string().min(1).optional(),
  PLAN_YEAR: z.coerce.number({ invalid_type_error: 'must be a year, e.g. 2026' }).int('must be a year, e.g. 2026').min(2000, 'must be a year from 2000 to 2100').max(2100, 'must be a year from 2000 to 2100').optional(),
  DEV_SERVER_PORT: port('the local Temporal dev server').default(7233),
  DEV_SERVER_UI_PORT: port('its Web UI').optional(),
  SMTP_SINK_PORT: port('the local mail sink').default(2525),
  WEB_PORT: port('the web door').default(3000),
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  WEB_TRUST_PROXY: z.enum(['true', 'false'], { message: 'must be true (behind a reverse proxy that sets X-Forwarded-For) or false' }).default('false'),
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be the address people open, e.g. https://kaohe.example.gov.cn (no query or fragment)')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'], { message: 'must be TRACE, DEBUG, INFO, WARN or ERROR' }).default('WARN'),
  /**
   * Workflows kept in the worker's sticky cache (0 turns it off). Every cycle wakes at the same month-end instant, so
   * a worker serving more cycles than this replays the evicted ones then, and at every status query of one (the
   * board): that is the price of a worker whose memory is bounded in the number of cycles instead of growing by
   * about 0.6 MiB per cycle at the month-end peak until the machine runs out. Measured at 2,000 cycles: 500 held the
   * peak RSS at 817-865 MiB with V8's own heap, and 647-731 MiB with the workflow heap limit below
   * (WORKER_WORKFLOW_HEAP_MIB), for 1.22x the uncapped dispatch time with the limit and 1.29x without (bracketed;
   * every cap below the cycles costs that, or more); uncapped (the SDK's default, about 2,300 here) it peaks at 1.3-1.4 GiB
   * (docs/performance-history.md, rounds seven and eight). A deployment whose workers each serve more cycles than this raises
   * it where memory allows (and the workflow heap with it), or adds workers, rather than have its board replay cycles.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number({ invalid_type_error: 'must be a whole number of workflows' }).int('must be a whole number of workflows').min(0, 'must be 0 or more (0 turns the cache off)').max(100_000).default(500),
  /**
   * V8's heap growth between collections, in percent, for the worker's process (worker/memory.ts); 0 leaves V8 its own
   * heuristics. Memory for CPU: with the cache capped at 500, 50 held 2,000 cycles at 569 MiB for 1.31x the uncapped
   * dispatch time (single-order runs), against V8's own 817-865 MiB. The workflow heap limit below bounds the same
   * growth for less, and is the default.
   */
  WORKER_HEAP_GROWING_PERCENT: z.coerce.number({ invalid_type_error: 'must be a whole number of percent' }).int('must be a whole number of percent').min(0, 'must be 0 (V8 decides) or more').max(200, 'must be at most 200').default(0),
  /**
   * The workflow thread's heap limit in MiB (V8's old space; worker/memory.ts); 0 leaves V8's own, a quarter of the
   * machine's memory up to 4 GiB. Below 2 GiB V8 also lets that heap grow less between collections, which is what
   * bounds a month-end's garbage: the cached cycles live there. It is a limit: raise it with the cache.
   */
  WORKER_WORKFLOW_HEAP_MIB: z.coerce.number({ invalid_type_error: 'must be a whole number of MiB' }).int('must be a whole number of MiB').refine(isWorkflowHeapMiB, `must be 0 (V8 decides) or from ${WORKFLOW_HEAP_MIB_RANGE.min} to ${HEAP_MIB_MAX}`).default(WORKFLOW_HEAP_MIB_DEFAULT),
  /** 1: reuse the workflow bundle cached on disk, keyed by a hash of every source (worker/bundle.ts); 0: bundle at every start. */
  WORKFLOW_BUNDLE_CACHE: z.enum(['0', '1'], { message: 'must be 1 (use the cached workflow bundle) or 0 (bundle at every start)' }).default('1'),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where the runtime state lives under one data folder (each may be moved by its own variable). */
export function dataPaths(dataDir: string) {
  return {
    ledger: path.join(dataDir, 'sent-ledger'),
    /** Sends accepted by the mail server but not yet recorded in the store: local to each worker's machine. */
    journal: path.join(dataDir, 'sent-journal'),
    evidence: path.join(dataDir, 'evidence'),
    reports: path.join(dataDir, 'reports'),
    mail: path.join(dataDir, 'mail'),
    temporal: path.join(dataDir, 'temporal'),
    database: path.join(dataDir, 'app.sqlite'),
    bundle: path.join(dataDir, 'bundle'),
  };
}

/** Where the workflow bundle is cached (WORKFLOW_BUNDLE_CACHE=1, the default), or undefined to bundle at every start. */
export function bundleCacheDir(c: Pick<AppConfig, 'dataDir' | 'worker'>): string | undefined {
  return c.worker.bundleCache ? dataPaths(c.dataDir).bundle : undefined;
}

export interface AppConfig {
  temporal: { connectionOptions: NativeConnectionOptions; namespace: string; addressFromEnv: boolean; address: string; sqliteSynchronous: string };
  taskQueue: string;
  smtp: { url?: string; user?: string; password?: string; maxConnections: number };
  mailFrom: string;
  dataDir: string;
  ledgerDir: string;
  evidenceDir: string;
  reportsDir: string;
  databaseUrl?: string;
  storeSqliteSynchronous: 'NORMAL' | 'FULL';
  plan: { file: string; year?: number };
  programmeFile?: string;
  ports: { devServer: number; devServerUi: number; smtpSink: number };
  web: { port: number; host: string; publicUrl: string; trustProxy: boolean };
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  worker: { maxCachedWorkflows: number; heapGrowingPercent: number; workflowHeapMiB: number; bundleCache: boolean };
}

function readSecretFile(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`${variable}=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): point it at a readable file`);
  }
}

function temporalConnection(env: NodeJS.ProcessEnv, apiKeyFile: string | undefined) {
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('TEMPORAL_') && v !== undefined) overrides[k] = v;
  if (apiKeyFile) overrides.TEMPORAL_API_KEY = readSecretFile('TEMPORAL_API_KEY_FILE', apiKeyFile);
  try {
    // The SDK's environment configuration: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
    // TEMPORAL_TLS*, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (a TOML profile file).
    return loadClientConnectConfig({ overrideEnvVars: overrides });
  } catch (err) {
    throw new ConfigError(`the Temporal connection settings are invalid: ${(err as Error).message}`);
  }
}

const invalidEnvironment = (problems: string[]) => new ConfigError(`invalid environment; fix these variables and start again:\n${problems.map((p) => `  ${p}`).join('\n')}`);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Names, never values: a value may carry a secret (a password in a URL).
    throw invalidEnvironment(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const heapProblem = workflowHeapProblem(e.WORKER_MAX_CACHED_WORKFLOWS, e.WORKER_WORKFLOW_HEAP_MIB);
  if (heapProblem) throw invalidEnvironment([heapProblem]);
  const connect = temporalConnection(env, e.TEMPORAL_API_KEY_FILE);
  const address = connect.connectionOptions.address ?? `127.0.0.1:${e.DEV_SERVER_PORT}`;
  const password = e.SMTP_PASSWORD_FILE ? readSecretFile('SMTP_PASSWORD_FILE', e.SMTP_PASSWORD_FILE) : e.SMTP_PASSWORD;
  const dataDir = path.resolve(e.DATA_DIR ?? path.join(REPO_ROOT, '.data'));
  const paths = dataPaths(dataDir);
  return {
    temporal: {
      connectionOptions: { ...connect.connectionOptions, address },
      namespace: connect.namespace ?? 'default',
      addressFromEnv: !!e.TEMPORAL_ADDRESS || !!connect.connectionOptions.address,
      address,
      sqliteSynchronous: e.TEMPORAL_SQLITE_SYNCHRONOUS,
    },
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    smtp: { url: e.SMTP_URL, user: e.SMTP_USER, password, maxConnections: e.SMTP_MAX_CONNECTIONS },
    mailFrom: e.MAIL_FROM,
    dataDir,
    ledgerDir: path.resolve(e.MAIL_LEDGER_DIR ?? paths.ledger),
    evidenceDir: path.resolve(e.EVIDENCE_DIR ?? paths.evidence),
    reportsDir: path.resolve(e.REPORTS_DIR ?? paths.reports),
    databaseUrl: e.DATABASE_URL,
    storeSqliteSynchronous: e.STORE_SQLITE_SYNCHRONOUS,
    plan: { file: path.resolve(e.PLAN_FILE ?? SEED_PLAN_PATH), year: e.PLAN_YEAR },
    programmeFile: e.PROGRAMME_FILE && path.resolve(e.PROGRAMME_FILE),
    ports: { devServer: e.DEV_SERVER_PORT, devServerUi: e.DEV_SERVER_UI_PORT ?? e.DEV_SERVER_PORT + 1000, smtpSink: e.SMTP_SINK_PORT },
    web: { port: e.WEB_PORT, host: e.WEB_HOST, publicUrl: e.PUBLIC_URL ?? `http://127.0.0.1:${e.WEB_PORT}`, trustProxy: e.WEB_TRUST_PROXY === 'true' },
    logLevel: e.LOG_LEVEL,
    worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS, heapGrowingPercent: e.WORKER_HEAP_GROWING_PERCENT, workflowHeapMiB: e.WORKER_WORKFLOW_HEAP_MIB, bundleCache: e.WORKFLOW_BUNDLE_CACHE === '1' },
  };
}

/** scheme://host:port only: whatever credentials a URL carries (even with a raw "@" in them) are dropped. */
export function redactUrl(url: string): string {
  const m = /^([a-z]+:\/\/)(?:.*@)?([^@/]*)(\/.*)?$/i.exec(url);
  return m ? `${m[1]}${url.includes('@') ? '***@' : ''}${m[2]}` : '(unparseable URL)';
}

/** A printable summary with every secret redacted. */
export function describeConfig(c: AppConfig): Record<string, string> {
  const tls = c.temporal.connectionOptions.tls;
  return {
    temporal: `${c.temporal.address} namespace=${c.temporal.namespace} tls=${tls ? 'on' : 'off'} apiKey=${c.temporal.connectionOptions.apiKey ? '(set)' : '(none)'}`,
    taskQueue: c.taskQueue,
    smtp: c.smtp.url ? `${redactUrl(c.smtp.url)} user=${c.smtp.user ?? '(none)'} password=${c.smtp.password ? '(set)' : '(none)'}` : '(local sink)',
    mailFrom: c.mailFrom,
    dataDir: c.dataDir,
    database: c.databaseUrl ? redactUrl(c.databaseUrl) : `(embedded SQLite in ${dataPaths(c.dataDir).database})`,
    web: `${c.web.host}:${c.web.port} public ${c.web.publicUrl}`,
    worker: `sticky cache ${c.worker.maxCachedWorkflows ? `${c.worker.maxCachedWorkflows} cycles` : 'off'}, heap growth ${c.worker.heapGrowingPercent ? `${c.worker.heapGrowingPercent} %` : "V8's own"}, workflow heap ${c.worker.workflowHeapMiB ? `${c.worker.workflowHeapMiB} MiB` : "V8's own"}, bundle cache ${c.worker.bundleCache ? 'on' : 'off'}`,
  };
}
