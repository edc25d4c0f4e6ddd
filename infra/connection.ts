/** Connections to Temporal and to the mail server, from the parsed configuration. */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import * as nodemailer from 'nodemailer';
import type { AppConfig } from './config';
import type { MailTransport } from '../activities';

type Tls = NonNullable<AppConfig['temporal']['connectionOptions']['tls']>;
const toBuffer = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b));

/** The same TLS settings for the client connection (grpc-js takes Buffers, the environment configuration gives Uint8Arrays). */
export function clientTlsOptions(tls: Tls | null | undefined): ConnectionOptions['tls'] {
  if (!tls || typeof tls === 'boolean') return tls ?? undefined;
  return {
    ...tls,
    serverRootCACertificate: toBuffer(tls.serverRootCACertificate),
    clientCertPair: tls.clientCertPair && { crt: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) },
  };
}

export async function connectClient(config: AppConfig): Promise<Client> {
  const o = config.temporal.connectionOptions;
  const connection = await Connection.connect({
    address: config.temporal.address,
    tls: clientTlsOptions(o.tls),
    apiKey: typeof o.apiKey === 'string' ? o.apiKey : undefined,
    metadata: o.metadata,
    connectTimeout: 5_000,
  });
  return new Client({ connection, namespace: config.temporal.namespace });
}

export async function connectWorker(config: AppConfig): Promise<NativeConnection> {
  // The worker SDK is loaded when a worker connects, not by every command that only needs a client.
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect(config.temporal.connectionOptions);
}

export interface SmtpTransportOptions {
  /** TLS settings (e.g. a private CA); given for a loopback server, they also make STARTTLS required there. */
  tls?: tls.ConnectionOptions;
  /** TCP_NODELAY on the SMTP sockets (default on; off only to measure what it saves, in the bench). */
  noDelay?: boolean;
}

type SocketCallback = (err: Error | null, socketOptions?: { connection: net.Socket; secured?: boolean }) => void;

/**
 * nodemailer's `getSocket` hook, opening every SMTP connection with TCP_NODELAY: without it each
 * message waits about 40 ms on Nagle's algorithm and delayed ACKs (bench: 0.43x the dispatch time).
 * The pool uses only a `{ connection }` result, which it treats as already open; the socket is handed
 * over while still connecting, so a refused connect reaches nodemailer as a socket error, which removes
 * the pool slot. (Reporting it through the hook's own error argument does not: nodemailer then keeps the
 * dead slot, and after `maxConnections` failures the pool hangs, as the SMTP-outage test showed.)
 * The greeting timeout bounds a connect that never completes. STARTTLS upgrades this same socket, so
 * the option carries over; for smtps: the TLS socket is handed over as already secured.
 */
export function noDelaySocket(u: URL, port: number, tlsOptions: tls.ConnectionOptions | undefined) {
  const implicitTls = u.protocol === 'smtps:';
  return (_options: unknown, callback: SocketCallback): void => {
    const socket: net.Socket = implicitTls
      ? tls.connect({ ...tlsOptions, host: u.hostname, port, servername: net.isIP(u.hostname) ? undefined : u.hostname })
      : net.connect({ host: u.hostname, port });
    socket.setNoDelay(true);
    callback(null, { connection: socket, secured: implicitTls });
  };
}

/** A pooled SMTP transport; the URL never carries the password (SMTP_PASSWORD / SMTP_PASSWORD_FILE). */
export function smtpTransport(url: string, auth?: { user?: string; password?: string; maxConnections?: number }, options: SmtpTransportOptions = {}): MailTransport {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'smtps:' ? 465 : 25));
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost';
  return nodemailer.createTransport({
    host: u.hostname,
    port,
    secure: u.protocol === 'smtps:',
    auth: auth?.user ? { user: auth.user, pass: auth.password } : undefined,
    pool: true,
    // Connections per worker: more is faster (bench: 16 → 0.49x at 200 cycles) but mail relays often cap it.
    maxConnections: auth?.maxConnections ?? 8,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    tls: options.tls,
    getSocket: options.noDelay === false ? undefined : noDelaySocket(u, port, options.tls),
    // A local sink on loopback speaks plain SMTP; a real server must offer TLS.
    ignoreTLS: loopback && !options.tls,
    requireTLS: loopback && !!options.tls && u.protocol === 'smtp:',
  }) as unknown as MailTransport;
}
