/** Defect: the local mail sink numbered files from 000001.eml after every `npm start` and overwrote earlier mail. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
