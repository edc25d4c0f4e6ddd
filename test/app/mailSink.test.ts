/**
 * The local mail sink `npm start` runs. Defects: it numbered files from 000001.eml after every start and overwrote
 * earlier mail; and it kept every message parsed in memory for as long as it ran (months, for a year's cycle).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { MailSink } from '../../infra/smtpSink';

async function sendOne(url: string, subject: string) {
  const t = nodemailer.createTransport({ url, ignoreTLS: true } as never);
  await t.sendMail({ from: 'a@localhost', to: 'b@localhost', subject, text: subject });
  t.close();
}

test('a second sink on the same folder keeps numbering and overwrites nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sink-'));
  writeFileSync(path.join(dir, '000001.eml'), 'from an earlier run');
  for (const subject of ['first run', 'second run']) {
    const sink = await new MailSink({ dir }).start();
    await sendOne(sink.url, subject);
    await sink.stop();
  }
  expect(readdirSync(dir).sort()).toEqual(['000001.eml', '000002.eml', '000003.eml']);
  expect(readFileSync(path.join(dir, '000001.eml'), 'utf8')).toBe('from an earlier run');
  expect(readFileSync(path.join(dir, '000002.eml'), 'utf8')).toContain('first run');
  expect(readFileSync(path.join(dir, '000003.eml'), 'utf8')).toContain('second run');
});

test("npm start's sink keeps mail in its folder only: nothing accumulates in memory", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sink-'));
  const sink = await new MailSink({ dir, inMemory: false }).start();
  try {
    for (const subject of ['one', 'two', 'three']) await sendOne(sink.url, subject);
    expect(readdirSync(dir).sort()).toEqual(['000001.eml', '000002.eml', '000003.eml']);
    expect(readFileSync(path.join(dir, '000003.eml'), 'utf8')).toContain('Subject: three');
    expect(sink.messages).toHaveLength(0);
  } finally {
    await sink.stop();
  }
});

test('a message the folder sink cannot write is refused, so the sender keeps it and tries again', async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sink-')), 'mail');
  const sink = await new MailSink({ dir, inMemory: false }).start();
  try {
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'a file where the mail folder was');
    await expect(sendOne(sink.url, 'blocked')).rejects.toThrow();
    expect(readFileSync(dir, 'utf8')).toBe('a file where the mail folder was');
  } finally {
    await sink.stop();
  }
});

test('a sink that keeps nothing in memory needs a folder', async () => {
  await expect(new MailSink({ inMemory: false }).start()).rejects.toThrow(/needs a folder/);
});
