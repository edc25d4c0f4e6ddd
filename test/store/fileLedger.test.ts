/**
 * The file ledger (in-process tests, the bench's baseline, the PostgreSQL journal) claims
 * the way the store's ledger does: a key that is already sent cannot be claimed, even by
 * an attempt that looked before the other one recorded it.
 */
import * as path from 'node:path';
import { FileLedger } from '../../activities/ledger';
import { tempDir } from '../helpers/temporal';

test('a sent key cannot be claimed, and the refused claim leaves nothing behind', async () => {
  const ledger = new FileLedger(path.join(tempDir('file-ledger'), 'sent-ledger'));
  expect(await ledger.sent('k')).toBeUndefined(); // a second attempt looks: not sent yet
  expect(await ledger.claim('k')).toBe(true); // the first attempt claims, sends and records (which releases)
  await ledger.markSent({ key: 'k', messageId: '<k>', sentAt: 'x', accepted: ['a@x'], rejected: ['b@x'] });
  expect(await ledger.claim('k')).toBe(false); // the second attempt's claim comes after the record
  expect(await ledger.claim('k')).toBe(false);
  expect((await ledger.sent('k'))?.rejected).toEqual(['b@x']);
  expect(await ledger.claim('other')).toBe(true);
});
