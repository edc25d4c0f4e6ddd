/**
 * Defects new users found at the keyboard, each checked against the real
 * `cycle` process: one line, exit 1 (bad input), before anything connects,
 * so no server runs here and nothing can change.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../infra/paths';
import { tempDir } from '../helpers/temporal';

const dir = tempDir('cli-input');
// A port nothing listens on: a command that got as far as connecting would exit 4, not 1.
const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:9', DATA_DIR: path.join(dir, 'data') };

function cycle(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin', 'cycle.js'), ...args], { env, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    ),
  );
}

const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const good = () => file('good.json', JSON.stringify({ values: { 't1-1': 12 } }));
const submit = (...extra: string[]) => cycle('submit', 'yiyang-st-bureau', '--as', 'hto-contact', ...extra);

test.each([
  ['--period foo names the period, not the year', ['--period', 'foo', '--values', 'x.json'], /--period foo is not a period: write \d{4}-04/],
  ['--period 2026-13 is bad input, with an example in the year', ['--period', '2026-13', '--values', 'x.json'], /--period 2026-13 is not a period: write \d{4}-04 for a month/],
])('%s', async (_name, args, says) => {
  const r = await submit(...args);
  expect({ code: r.code, lines: r.err.trim().split('\n').length }).toEqual({ code: 1, lines: 1 });
  expect(r.err).toMatch(says);
});

test.each([
  ['.nan is named NaN, not null', 'nan.yaml', 'values:\n  t1-1: .nan\n', /is NaN, not a finite number/],
  ['1e309 is named as too large, not null', 'big.json', '{"values": {"t1-1": 1e309}}', /is Infinity \(too large\), not a finite number/],
  ['a target given twice is refused with its line', 'twice.json', '{"values": {\n"t1-1": 1,\n"t1-1": 2}}', /line 3\): a key is given twice: give each target once/],
  ['broken JSON says so, with a line', 'broken.json', '{"values": {', /is not valid JSON \(line \d+\)/],
])('values file: %s', async (_name, name, content, says) => {
  const r = await submit('--period', '2026-04', '--values', file(name, content));
  expect({ code: r.code, lines: r.err.trim().split('\n').length }).toEqual({ code: 1, lines: 1 });
  expect(r.err).toMatch(says);
});

test('a 50 MB values file is refused by size before it is read', async () => {
  const big = file('huge.json', Buffer.alloc(50 * 1024 * 1024, 0x20));
  const t0 = Date.now();
  const r = await submit('--period', '2026-04', '--values', big);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/is 50\.0 MiB; the limit is 1 MiB/);
  expect(Date.now() - t0).toBeLessThan(30_000); // generous: it used to take 60 s and 2.4 GB
});

test.each([
  ['/dev/zero (a device reporting 0 bytes)', '/dev/zero', /is not a regular file \(a device or pipe\)/],
  ['a folder', dir, /is not a regular file \(a folder\)/],
  ['a missing file', path.join(dir, 'nope.pdf'), /no such file/],
])('evidence: %s is one line, exit 1', async (_name, evidence, says) => {
  const r = await submit('--period', '2026-04', '--values', good(), '--evidence', evidence);
  expect({ code: r.code, lines: r.err.trim().split('\n').length }).toEqual({ code: 1, lines: 1 });
  expect(r.err).toMatch(says);
});

test('an evidence file whose name has a line break is refused at the door', async () => {
  const sub = path.join(dir, 'odd');
  mkdirSync(sub, { recursive: true });
  const r = await submit('--period', '2026-04', '--values', good(), '--evidence', file('odd/a\nb.pdf', 'x'));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/must not contain line breaks/);
});

test('validate --json on an invalid plan prints the problems as JSON on stdout', async () => {
  const r = await cycle('validate', file('bad.yaml', 'schemaVersion: 1\nplanVersion: x\n'), '--json');
  expect(r.code).toBe(1);
  const parsed = JSON.parse(r.out) as { valid: boolean; problems: { message: string }[] };
  expect(parsed.valid).toBe(false);
  expect(parsed.problems.length).toBeGreaterThan(0);
});

test('appraise without --start or --finalize does nothing without saying what each does', async () => {
  const r = await cycle('appraise', 'yiyang-st-bureau', '--as', 'yang-yaowu', '--year', '2026');
  // It must look at the cycle to say what each would do: here no server answers, so it cannot, and says that.
  expect(r.code).toBe(4);
  expect(r.err.trim().split('\n')).toHaveLength(1);
});
