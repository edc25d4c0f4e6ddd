/** Start the web door on a host and port: used by `npm run web` (web/main.ts) and by `npm start`. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createWebServer, type WebServerOptions } from './server';

export interface StartWebOptions extends WebServerOptions {
  host: string;
  port: number;
}

export interface RunningWeb {
  server: FastifyInstance;
  /** Where it listens (the public address may differ behind a proxy). */
  url: string;
  close(): Promise<void>;
}

export async function startWeb(o: StartWebOptions): Promise<RunningWeb> {
  const server = await createWebServer(o);
  try {
    await server.listen({ host: o.host, port: o.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`WEB_PORT=${o.port}: the port is in use on ${o.host}: stop what holds it or set WEB_PORT to a free port`);
    throw e;
  }
  const a = server.server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return { server, url: `http://${host}:${a.port}`, close: () => server.close() };
}
