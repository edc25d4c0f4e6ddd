/**
 * Test fixture: an SMTP server on loopback that requires and accepts AUTH
 * (PLAIN or LOGIN, over plain loopback) and records the credentials it was
 * given and every raw message, so a test can prove a configured password was
 * really used, and then look for it everywhere else.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export class AuthSmtpServer {
  readonly logins: { method: string; username: string; password: string }[] = [];
  readonly messages: { from: string; to: string[]; user: unknown; raw: Buffer }[] = [];
  private server?: SMTPServer;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      authOptional: false,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 500,
      onAuth: (auth, _session, cb) => {
        this.logins.push({ method: auth.method, username: auth.username ?? '', password: auth.password ?? '' });
        cb(null, { user: auth.username });
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user,
            raw: Buffer.concat(chunks),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
