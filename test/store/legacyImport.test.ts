/**
 * Upgrading a deployment that ran on loose files: the sent ledger written by
 * FileLedger and the evidence folder are imported on first open, once, and a
 * mail already sent is not sent again through the store's ledger.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileLedger, StoreLedger } from '../../activities/ledger';
import { openStore } from '../../store';
import { tempDir } from '../helpers/temporal';

async function oldDeployment() {
  const dataDir = tempDir('legacy');
  const files = new FileLedger(path.join(dataDir, 'sent-ledger'));
  for (const key of ['wf/2026-12/planning/dispatch/0', 'wf/2026-12/rural-social/dispatch/0']) {
    await files.claim(key);
    await files.markSent({ key, messageId: `<${key}>`, sentAt: '2026-12-31T01:00:00.000Z', accepted: ['o@x'], response: '250 ok' });
  }
  await files.claim('wf/2026-12/achievements/dispatch/0'); // in flight when the old worker stopped
  const evidence = Buffer.from('季度报告 evidence');
  const sha = createHash('sha256').update(evidence).digest('hex');
  mkdirSync(path.join(dataDir, 'evidence', sha.slice(0, 2)), { recursive: true });
  writeFileSync(path.join(dataDir, 'evidence', sha.slice(0, 2), sha), evidence);
  return { dataDir, sha, evidence };
}

test('the file ledger and evidence folder are imported once; sent mail stays sent', async () => {
  const { dataDir, sha, evidence } = await oldDeployment();
  const first = await openStore({ dataDir });
  try {
    expect(first.imported).toEqual({ ledger: 2, evidence: 1 });
    const ledger = new StoreLedger(first.ledger);
    expect(await ledger.sent('wf/2026-12/planning/dispatch/0')).toEqual({
      key: 'wf/2026-12/planning/dispatch/0',
      messageId: '<wf/2026-12/planning/dispatch/0>',
      sentAt: '2026-12-31T01:00:00.000Z',
      accepted: ['o@x'],
      response: '250 ok',
    });
    expect(await ledger.claim('wf/2026-12/planning/dispatch/0')).toBe(false); // sent: never claimed again
    expect(await ledger.claim('wf/2026-12/achievements/dispatch/0')).toBe(true); // the old claim is not carried over
    expect((await first.evidence.get(sha))?.bytes.equals(evidence)).toBe(true);
  } finally {
    await first.close();
  }
  // A file written after the import (an old worker still running) is not picked up on a later open: the import ran once.
  await new FileLedger(path.join(dataDir, 'sent-ledger')).markSent({ key: 'late', messageId: '<late>', sentAt: 'x', accepted: [] });
  const second = await openStore({ dataDir });
  try {
    expect(second.imported).toEqual({ ledger: 0, evidence: 0 });
    expect(await second.ledger.sent('late')).toBeUndefined();
  } finally {
    await second.close();
  }
});

test('a damaged ledger file stops the import with one line naming it, and nothing is imported', async () => {
  const { dataDir } = await oldDeployment();
  const bad = path.join(dataDir, 'sent-ledger', 'ab', `${'ab'.repeat(32)}.sent`);
  mkdirSync(path.dirname(bad), { recursive: true });
  writeFileSync(bad, '{"key": "trunc');
  const e = await openStore({ dataDir }).catch((err: Error) => err);
  expect((e as Error).message).toMatch(new RegExp(`^sent-ledger file ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON .*repair or remove that file`));
  expect((e as Error).message).not.toContain('\n');
  const store = await openStore({ dataDir, legacy: false });
  try {
    expect(await store.ledger.sent('wf/2026-12/planning/dispatch/0')).toBeUndefined();
  } finally {
    await store.close();
  }
});
