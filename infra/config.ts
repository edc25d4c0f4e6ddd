/**
 * Configuration from the environment, parsed once at start-up; a bad value
 * fails fast with a message that names the variable. Secrets (SMTP password,
 * Temporal API key) come only from the environment or files it names, and
 * are never printed: `describeConfig` redacts them.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { TASK_QUEUE_DEFAULT } from '../domain/names';
import { DATA_DIR } from './paths';

const envSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233 or my-ns.a1b2c.tmprl.cloud:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).max(255).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).max(200).default(TASK_QUEUE_DEFAULT),
  TEMPORAL_API_KEY_FILE: z.string().min(1).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp://host:port or smtps://host:port (put the password in SMTP_PASSWORD or SMTP_PASSWORD_FILE)')
    .optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_PASSWORD_FILE: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).default('"绩效考核小组 Assessment Group" <assessment-group@localhost>'),
  MAIL_LEDGER_DIR: z.string().min(1).optional(),
  EVIDENCE_DIR: z.string().min(1).optional(),
  REPORTS_DIR: z.string().min(1).optional(),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface AppConfig {
  temporal: { connectionOptions: NativeConnectionOptions; namespace: string; addressFromEnv: boolean; address: string };
  taskQueue: string;
  smtp: { url?: string; user?: string; password?: string };
  mailFrom: string;
  dataDir: string;
  ledgerDir: string;
  evidenceDir: string;
  reportsDir: string;
}

function readSecretFile(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`${variable}=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): point it at a readable file`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment; fix these variables and start again:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('TEMPORAL_') && v !== undefined) overrides[k] = v;
  if (e.TEMPORAL_API_KEY_FILE) overrides.TEMPORAL_API_KEY = readSecretFile('TEMPORAL_API_KEY_FILE', e.TEMPORAL_API_KEY_FILE);
  let connect;
  try {
    // The SDK's environment configuration: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
    // TEMPORAL_TLS*, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (a TOML profile file).
    connect = loadClientConnectConfig({ overrideEnvVars: overrides });
  } catch (err) {
    throw new ConfigError(`the Temporal connection settings are invalid: ${(err as Error).message}`);
  }
  const address = connect.connectionOptions.address ?? '127.0.0.1:7233';
  const password = e.SMTP_PASSWORD_FILE ? readSecretFile('SMTP_PASSWORD_FILE', e.SMTP_PASSWORD_FILE) : e.SMTP_PASSWORD;
  const dataDir = DATA_DIR;
  return {
    temporal: {
      connectionOptions: { ...connect.connectionOptions, address },
      namespace: connect.namespace ?? 'default',
      addressFromEnv: !!e.TEMPORAL_ADDRESS || !!connect.connectionOptions.address,
      address,
    },
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    smtp: { url: e.SMTP_URL, user: e.SMTP_USER, password },
    mailFrom: e.MAIL_FROM,
    dataDir,
    ledgerDir: path.resolve(e.MAIL_LEDGER_DIR ?? path.join(dataDir, 'sent-ledger')),
    evidenceDir: path.resolve(e.EVIDENCE_DIR ?? path.join(dataDir, 'evidence')),
    reportsDir: path.resolve(e.REPORTS_DIR ?? path.join(dataDir, 'reports')),
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
  };
}
