/**
 * The product's SMTP transport (infra/connection.ts) opens its sockets with TCP_NODELAY through
 * nodemailer's getSocket hook. Mail must still arrive over plain SMTP, STARTTLS and implicit TLS
 * (smtps:) against a real local smtp-server with a self-signed certificate, and a server that is
 * down must fail the send (so the activity retries) rather than hang it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../infra/devServer';
import { smtpTransport } from '../../infra/connection';
import type { MailTransport } from '../../activities';

interface Received {
  secure: boolean;
  data: string;
}

let certDir: string;
let key: Buffer;
let cert: Buffer;

beforeAll(() => {
  certDir = mkdtempSync(path.join(os.tmpdir(), 'cycle-smtp-tls-'));
  // A throw-away self-signed certificate for the loopback address; the client trusts exactly it.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
  key = readFileSync(path.join(certDir, 'key.pem'));
  cert = readFileSync(path.join(certDir, 'cert.pem'));
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

async function startServer(mode: 'plain' | 'starttls' | 'implicit'): Promise<{ port: number; received: Received[]; stop: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: mode === 'implicit',
    ...(mode === 'plain' ? { disabledCommands: ['STARTTLS'] } : { key, cert }),
    authOptional: true,
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ secure: session.secure, data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  // A client that refuses the certificate closes mid-handshake: the server reports it, the test checks the client.
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { port, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Remote ports of the sockets the transport turned TCP_NODELAY on for. */
function watchNoDelay() {
  const ports: number[] = [];
  const original = net.Socket.prototype.setNoDelay;
  const spy = jest.spyOn(net.Socket.prototype, 'setNoDelay').mockImplementation(function (this: net.Socket, enable?: boolean) {
    // Before the connect the remote port is unknown: record it once connected.
    if (enable) this.once('connect', () => ports.push(this.remotePort ?? -1));
    return original.call(this, enable);
  });
  return { ports, restore: () => spy.mockRestore() };
}

async function sendThree(transport: MailTransport) {
  for (let i = 0; i < 3; i++) await transport.sendMail({ from: 'a@bench.local', to: 'b@bench.local', subject: `no-delay ${i}`, text: `message ${i}` });
}

describe.each([
  ['plain', 'smtp'],
  ['starttls', 'smtp'],
  ['implicit', 'smtps'],
] as const)('SMTP transport with TCP_NODELAY: %s', (mode, scheme) => {
  test('delivers every message, over TLS where asked, on sockets with TCP_NODELAY', async () => {
    const server = await startServer(mode);
    const watch = watchNoDelay();
    const transport = smtpTransport(`${scheme}://127.0.0.1:${server.port}`, undefined, mode === 'plain' ? {} : { tls: { ca: cert } });
    try {
      await sendThree(transport);
      expect(server.received.map((r) => /Subject: (.*)/.exec(r.data)?.[1]).sort()).toEqual(['no-delay 0', 'no-delay 1', 'no-delay 2']);
      expect(server.received.every((r) => r.secure === (mode !== 'plain'))).toBe(true);
      expect(watch.ports).toContain(server.port);
    } finally {
      watch.restore();
      transport.close?.();
      await server.stop();
    }
  });
});

test('a server that is down fails the send with a connection error instead of hanging, and the next send gets through once it is back', async () => {
  const port = await freePort();
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
  try {
    await expect(transport.sendMail({ from: 'a@bench.local', to: 'b@bench.local', subject: 'down', text: 'x' })).rejects.toThrow(/ECONNREFUSED/);
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        stream.resume();
        stream.on('end', () => (received.push('ok'), cb()));
      },
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    try {
      await transport.sendMail({ from: 'a@bench.local', to: 'b@bench.local', subject: 'back', text: 'x' });
      expect(received).toEqual(['ok']);
    } finally {
      transport.close?.(); // the pool keeps its connection open, and the server's close waits for it
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    transport.close?.();
  }
});

test('a TLS server with an untrusted certificate is refused (the hook keeps certificate checks)', async () => {
  const server = await startServer('implicit');
  const transport = smtpTransport(`smtps://127.0.0.1:${server.port}`);
  try {
    await expect(transport.sendMail({ from: 'a@bench.local', to: 'b@bench.local', subject: 'x', text: 'x' })).rejects.toThrow(/self[- ]signed|certificate/i);
    expect(server.received).toHaveLength(0);
  } finally {
    transport.close?.();
    await server.stop();
  }
});
