/**
 * The mail activity over the store's ledger (SQLite here; the ledger itself is
 * tested on both backends in store.test.ts), with a real SMTP server on
 * loopback: a message goes out once; a claim left by a crashed attempt is taken
 * over at once; a live claim makes the activity retry rather than send; the
 * recipients a server refused are still reported by an attempt that finds the
 * message already sent; a report written on another machine is attached from
 * the store.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as os from 'node:os';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import { createMailActivities } from '../../activities/mail';
import { StoreLedger } from '../../activities/ledger';
import { smtpTransport } from '../../infra/connection';
import { MailSink } from '../../infra/smtpSink';
import type { MailMessage } from '../../domain/mail';
import { openStore, type Store } from '../../store';
import { tempDir } from '../helpers/temporal';

let sink: MailSink;
let store: Store;
let acts: ReturnType<typeof createMailActivities>;
let transport: ReturnType<typeof smtpTransport>;
beforeAll(async () => {
  sink = await new MailSink({ rejectRecipients: (a) => a === 'gone@test.local' }).start();
  store = await openStore({ dataDir: tempDir('mail-activity') });
  transport = smtpTransport(sink.url);
  acts = createMailActivities({ transport, ledger: new StoreLedger(store.ledger), from: 'group@test.local', attachmentRoot: tempDir('mail-activity-reports'), publicUrl: 'https://kaohe.example.test' });
});
afterAll(async () => {
  transport?.close?.();
  await store?.close();
  await sink?.stop();
});

function message(key: string): MailMessage {
  return {
    key,
    messageId: `<${key}@test.local>`,
    kind: 'dispatch',
    period: '2026-12',
    officeId: 'planning',
    to: ['planning@test.local'],
    cc: [],
    subject: `dispatch ${key}`,
    text: 'please report',
    html: '<p>please report</p>',
    date: '2026-12-31T01:00:00.000Z',
    headers: { 'X-Cycle-Key': key },
    attachments: [],
  };
}

const received = (key: string) => sink.messages.filter((m) => m.header('x-cycle-key') === key).length;
const run = <T>(fn: () => Promise<T>) => new MockActivityEnvironment().run(fn);

test('sent once: a second attempt finds it in the ledger and does not send again', async () => {
  expect(await run(() => acts.sendMail(message('once')))).toMatchObject({ status: 'sent', accepted: ['planning@test.local'] });
  expect(await run(() => acts.sendMail(message('once')))).toMatchObject({ status: 'already-sent', messageId: '<once@test.local>' });
  await sink.waitFor(() => received('once') >= 1, 10_000, 'the message');
  expect(received('once')).toBe(1);
  expect((await store.ledger.sent('once'))?.accepted).toEqual(['planning@test.local']);
});

test('recipients refused with a sent message are reported again by a later attempt that finds it sent', async () => {
  // A local activity whose workflow task was lost runs again: its first attempt's refusals must not be lost.
  const msg = { ...message('partly'), cc: ['gone@test.local'] };
  expect(await run(() => acts.sendMail(msg))).toMatchObject({ status: 'sent', accepted: ['planning@test.local'], rejected: ['gone@test.local'] });
  expect(await run(() => acts.sendMail(msg))).toMatchObject({ status: 'already-sent', rejected: ['gone@test.local'] });
  expect((await store.ledger.sent('partly'))?.rejected).toEqual(['gone@test.local']);
  expect(received('partly')).toBeLessThanOrEqual(1);
});

test("a report written on another machine is attached from the store's copy", async () => {
  const root = tempDir('mail-activity-elsewhere');
  const elsewhere = createMailActivities({ transport, ledger: new StoreLedger(store.ledger), from: 'group@test.local', attachmentRoot: root, publicUrl: 'https://kaohe.example.test', reportIndex: store.reports });
  const file = path.join(root, 'cycle-x', 'appraisal.csv'); // never written here
  const bytes = Buffer.from('indicator,score\nt1,40\n');
  await store.reports.record({ workflowId: 'cycle-x', unitId: 'u', year: 2026, format: 'csv', path: file, sha256: 'x', bytes: bytes.length, createdAt: 'now' }, bytes);
  const msg = { ...message('with-report'), headers: { 'X-Cycle-Key': 'with-report', 'X-Cycle-Id': 'cycle-x' }, attachments: [{ filename: 'appraisal.csv', path: file }] };
  expect(await run(() => elsewhere.sendMail(msg))).toMatchObject({ status: 'sent' });
  await sink.waitFor(() => received('with-report') >= 1, 10_000, 'the message with its report');
  const got = sink.messages.find((m) => m.header('x-cycle-key') === 'with-report');
  expect(got?.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['appraisal.csv', bytes.toString()]]);
});

test('a claim left by a crashed attempt on this host is taken over at once and the mail goes out', async () => {
  const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  expect(await store.ledger.claim('crashed', { host: os.hostname(), pid: gone }, Date.now())).toBe(true);
  expect(await run(() => acts.sendMail(message('crashed')))).toMatchObject({ status: 'sent' });
  await sink.waitFor(() => received('crashed') >= 1, 10_000, 'the taken-over message');
  expect(received('crashed')).toBe(1);
});

test('a live claim by another worker makes the attempt retry (MailInProgress) and send nothing', async () => {
  expect(await store.ledger.claim('busy', { host: 'other-machine', pid: 1 }, Date.now())).toBe(true);
  const e = await run(() => acts.sendMail(message('busy'))).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ApplicationFailure);
  expect(e).toMatchObject({ type: 'MailInProgress', nonRetryable: false });
  await new Promise((r) => setTimeout(r, 300));
  expect(received('busy')).toBe(0);
  expect(await store.ledger.sent('busy')).toBeUndefined();
});
