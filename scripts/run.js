#!/usr/bin/env node
/**
 * Entry point of `npm start`, `npm test`, `npm run bench` and `npm run provision`
 * on a fresh clone: installs what is missing (npm ci when the lockfile
 * changed), compiles the TypeScript, provisions the Temporal servers, then runs
 * the task. Plain Node with no dependencies, because it runs before them.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const task = process.argv[2];
const rest = process.argv.slice(3);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(what) {
  process.stdout.write(`\n== ${what}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args, what) {
  const code = run(cmd, args);
  if (code !== 0) {
    console.error(`\n${what} failed (exit ${code}).`);
    process.exit(code);
  }
}

function ensureInstalled() {
  const lock = readFileSync(path.join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(root, 'node_modules', '.supervision-cycle-lock');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  step('installing dependencies (npm ci)');
  must(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], 'npm ci');
  writeFileSync(stamp, hash);
}

function ensureBuilt() {
  step('compiling TypeScript (tsc)');
  must(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], 'tsc');
}

function provision(roles) {
  step(`provisioning Temporal servers (${roles.join(', ')})`);
  must(process.execPath, [path.join(root, 'dist', 'infra', 'provisionMain.js'), ...roles], 'provisioning');
}

const started = Date.now();
ensureInstalled();
ensureBuilt();
switch (task) {
  case 'start': {
    provision(['dev']);
    step(`set-up took ${((Date.now() - started) / 1000).toFixed(1)} s; starting`);
    // Not spawnSync: a SIGINT or SIGTERM sent to this process alone (a service manager, `kill PID`) must reach
    // the engine, which then stops everything it started.
    const child = spawn(process.execPath, [path.join(root, 'dist', 'client', 'start.js'), ...rest], { cwd: root, stdio: 'inherit', env: process.env });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    break;
  }
  case 'test': {
    provision(['dev', 'test']);
    step('lint (eslint)');
    must(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], 'lint');
    step('compose file check');
    must('bash', [path.join(root, '.ci', 'compose-check.sh')], 'docker-compose.yml check');
    step(`set-up took ${((Date.now() - started) / 1000).toFixed(1)} s; running jest`);
    process.exit(run(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', ...rest]));
    break;
  }
  case 'bench':
    provision(['dev', 'test']);
    process.exit(run(process.execPath, [path.join(root, 'dist', 'bench', 'main.js'), ...rest]));
    break;
  case 'provision':
    provision(rest.length ? rest : ['dev', 'test']);
    break;
  case 'build':
    break;
  default:
    console.error(`usage: node scripts/run.js start|test|bench|provision`);
    process.exit(2);
}
