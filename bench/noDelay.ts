/**
 * Experiment only: TCP_NODELAY on every socket this process connects from now on (nodemailer's
 * SMTP connections; the Temporal connections are native and unaffected). Returns a function that
 * restores the original behaviour for sockets connected afterwards.
 */
import * as net from 'node:net';

export function forceNoDelay(): () => void {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const r = (original as (...a: unknown[]) => net.Socket).apply(this, args);
    this.setNoDelay(true);
    return r;
  } as typeof original;
  return () => {
    net.Socket.prototype.connect = original;
  };
}
