// The end-of-run replica comparison (replica-logs.ts) reads a replica's segments in order and
// says where two replicas part. No namespaces needed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { segmentFileName } from '../../../src/storage/segment';
import { describeDifference, partitionDifferences, replicaLogBytes } from './replica-logs';

describe('chaos replica log comparison', () => {
  it('concatenates a replica\'s segment files in offset order, ignoring other files', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-replica-'));
    try {
      const dir = join(dataDir, 'partitions', 'chaos@abc-1');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, segmentFileName(50)), 'second');
      writeFileSync(join(dir, segmentFileName(0)), 'first-');
      writeFileSync(join(dir, 'log-start'), 'not an entry');
      assert.equal(replicaLogBytes(dataDir, 'chaos', 1)?.toString(), 'first-second');
      assert.equal(replicaLogBytes(dataDir, 'chaos', 2), undefined);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says nothing of identical logs and where different ones part', () => {
    assert.equal(describeDifference(Buffer.from('abc'), Buffer.from('abc')), undefined);
    assert.equal(describeDifference(Buffer.from('abc'), Buffer.from('abcd')), 'one is a prefix of the other (3 and 4 bytes)');
    assert.equal(describeDifference(Buffer.from('abXd'), Buffer.from('abYd')), 'they differ from byte 2 (4 and 4 bytes)');
  });

  it('compares the final replica set: a replica without a log, a broker that left and kept its log, and a move under way are reported', () => {
    const same = Buffer.from('entries');
    const logs = new Map([[1, same], [2, same], [4, same], [3, same]]);
    assert.deepEqual(partitionDifferences('chaos/0', { replicas: [1, 2, 4], retiring: [] }, logs, 3), ['chaos/0: brokers 3 still hold a log of it, though its replicas are 1,2,4']);
    assert.deepEqual(partitionDifferences('chaos/0', { replicas: [1, 2, 4], retiring: [3] }, logs, 3), ['chaos/0: still moving: brokers 3 are retiring from replicas 1,2,4']);
    assert.deepEqual(partitionDifferences('chaos/0', { replicas: [1, 2, 4], retiring: [] }, new Map([[1, same], [2, Buffer.from('entries+')]]), 3), [
      'chaos/0: replicas 4 hold no log of it (replicas 1,2,4)',
      'chaos/0: the logs of brokers 1 and 2 differ: one is a prefix of the other (7 and 8 bytes)',
    ]);
    assert.deepEqual(partitionDifferences('chaos/0', { replicas: [1, 2, 3], retiring: [] }, new Map([[1, same], [2, same], [3, same]]), 3), []);
  });
});
