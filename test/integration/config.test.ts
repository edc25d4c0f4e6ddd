/** Configuration for a real cluster: TLS, mTLS files and an API key through the SDK's environment configuration. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../../infra/config';
import { clientTlsOptions } from '../../infra/connection';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cycle-config-'));

test('an API key from a file turns TLS on and reaches the connection options, never the printed summary', () => {
  const keyFile = path.join(dir, 'api-key');
  writeFileSync(keyFile, 'cloud-key-123\n');
  const c = loadConfig({ TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'my-ns.a1b2c', TEMPORAL_API_KEY_FILE: keyFile });
  expect(c.temporal).toMatchObject({ address: 'my-ns.a1b2c.tmprl.cloud:7233', namespace: 'my-ns.a1b2c', addressFromEnv: true });
  expect(c.temporal.connectionOptions.apiKey).toBe('cloud-key-123');
  expect(c.temporal.connectionOptions.tls).toBeTruthy();
  expect(JSON.stringify(describeConfig(c))).not.toContain('cloud-key-123');
  expect(describeConfig(c).temporal).toContain('tls=on apiKey=(set)');
});

test('mTLS client certificate and key paths are read', () => {
  const cert = path.join(dir, 'client.pem');
  const key = path.join(dir, 'client.key');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
  const c = loadConfig({ TEMPORAL_ADDRESS: 'temporal.example.gov.cn:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_NAME: 'temporal.example.gov.cn' });
  const tls = c.temporal.connectionOptions.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array }; serverNameOverride?: string };
  expect(Buffer.from(tls.clientCertPair!.crt).toString()).toContain('BEGIN CERTIFICATE');
  expect(Buffer.from(tls.clientCertPair!.key).toString()).toContain('BEGIN PRIVATE KEY');
  // The client (grpc-js) wants Buffers where the native worker connection takes Uint8Arrays.
  const clientTls = clientTlsOptions(c.temporal.connectionOptions.tls) as { clientCertPair: { crt: unknown } };
  expect(Buffer.isBuffer(clientTls.clientCertPair.crt)).toBe(true);
  expect(tls.serverNameOverride).toBe('temporal.example.gov.cn');
});

test('without anything set: the local dev server, no TLS', () => {
  const c = loadConfig({});
  expect(c.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', addressFromEnv: false });
  expect(c.temporal.connectionOptions.tls).toBeFalsy();
  expect(c.taskQueue).toBe('supervision-cycle');
});

test('bad values fail fast naming the variable', () => {
  expect(() => loadConfig({ TEMPORAL_ADDRESS: 'http://x' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
  expect(() => loadConfig({ SMTP_URL: 'mail.example.org' })).toThrow(/SMTP_URL: must be smtp:\/\/host:port/);
  expect(() => loadConfig({ SMTP_PASSWORD_FILE: path.join(dir, 'nope') })).toThrow(ConfigError);
  expect(() => loadConfig({ SMTP_PASSWORD_FILE: path.join(dir, 'nope') })).toThrow(/SMTP_PASSWORD_FILE=.*nope cannot be read/);
});
