// The budgets a broker derives from its open-file limit (RLIMIT_NOFILE) at start.
import assert from 'node:assert/strict';
import { deriveDescriptorBudget, readOpenFileLimit } from '../../src/broker/descriptor-budget';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63704                63704                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('descriptor budget', () => {
  it('reads the soft limit of open files from /proc/self/limits', () => {
    assert.equal(readOpenFileLimit(() => LIMITS), 1024);
    assert.equal(readOpenFileLimit(() => LIMITS.replace('1024 ', 'unlimited')), 2 ** 20);
    assert.equal(readOpenFileLimit(() => 'nothing here'), undefined);
    assert.equal(readOpenFileLimit(() => { throw new Error('ENOENT'); }), undefined);
    assert.ok((readOpenFileLimit() ?? 1) > 0, 'this process has a readable limit (Linux)');
  });

  it('derives the pool and the partition limit, leaving a reserve, and takes set limits as given', () => {
    assert.deepEqual(deriveDescriptorBudget(1024, { maxPartitionReplicas: 0, maxOpenSegmentFiles: 0 }), { openFileLimit: 1024, reserved: 256, segmentFilePool: 128, partitionReplicas: 639, overcommitted: false });
    assert.deepEqual(deriveDescriptorBudget(256, { maxPartitionReplicas: 0, maxOpenSegmentFiles: 0 }), { openFileLimit: 256, reserved: 64, segmentFilePool: 32, partitionReplicas: 159, overcommitted: false });
    const set = deriveDescriptorBudget(256, { maxPartitionReplicas: 1000, maxOpenSegmentFiles: 10 });
    assert.equal(set.partitionReplicas, 1000);
    assert.equal(set.segmentFilePool, 10);
    assert.equal(set.overcommitted, true, 'more than the limit holds: reported at start');
  });
});
