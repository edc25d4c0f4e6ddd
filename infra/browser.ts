/**
 * A real Chromium for the browser tests: Debian's package at /usr/bin/chromium,
 * installed with apt-get (as root, non-interactive) on a fresh machine. A
 * browser that cannot be found or installed is an error that says how to fix it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const fix = 'install it with: sudo apt-get update && sudo apt-get install -y chromium fonts-wqy-microhei';
  if (process.getuid?.() !== 0) throw new Error(`no browser at ${CHROMIUM} and this process is not root, so it cannot install one: ${fix}`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  } catch (e) {
    throw new Error(`installing chromium with apt-get failed (${(e as Error).message.split('\n')[0]}): ${fix}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing: ${fix}`);
  return CHROMIUM;
}
