// What a partition that cannot be opened tells clients, and which failures are a broker's
// shortage (never rebuilt) rather than a damaged log (src/broker/out-of-service.ts).
import assert from 'node:assert/strict';
import { isResourceExhaustion, openFailureReason } from '../../src/broker/out-of-service';

const errnoError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('a partition that cannot be opened', () => {
  it('is described to clients without any server path', () => {
    const reason = openFailureReason(errnoError('EISDIR', "EISDIR: illegal operation on a directory, open '/var/lib/sluice/partitions/orders-0/00000000000000000000.log'"));
    assert.equal(reason, "EISDIR: illegal operation on a directory, open '00000000000000000000.log'");
    assert.equal(
      openFailureReason(new Error('/data/partitions/orders-0: segment 00000000000000000100.log starts at offset 100 / raft index 9, expected offset 50 / raft index 5: the log is not dense')),
      'orders-0: segment 00000000000000000100.log starts at offset 100 / raft index 9, expected offset 50 / raft index 5: the log is not dense',
    );
  });

  it('counts running out of descriptors, memory or space as a shortage, and anything else as damage', () => {
    for (const code of ['EMFILE', 'ENFILE', 'ENOMEM', 'ENOSPC']) assert.equal(isResourceExhaustion(errnoError(code, code)), true, code);
    for (const code of ['EISDIR', 'ENOTDIR', 'EEXIST', 'EACCES', 'EIO']) assert.equal(isResourceExhaustion(errnoError(code, code)), false, code);
    assert.equal(isResourceExhaustion(new Error('the log is not dense')), false);
  });
});
