import assert from 'node:assert/strict';
import { groupIdProblem, javaStringHash, offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { decodeOffsetsPartitionRecords, encodeOffsetBatch } from '../../src/consumer-groups/offset-records';
import { scanBatch } from '../../src/protocol/batch-scan';

describe('group offset placement and records', () => {
  it("hashes group ids like Java's String.hashCode", () => {
    assert.equal(javaStringHash(''), 0);
    assert.equal(javaStringHash('hello'), 99162322);
    assert.equal(javaStringHash('polygenelubricants'), -2147483648);
  });

  it('places a group on a partition in range, the same one every time', () => {
    for (const group of ['a', 'billing', 'polygenelubricants', 'x'.repeat(200)]) {
      const p = offsetsPartitionFor(group, 8);
      assert.ok(p >= 0 && p < 8);
      assert.equal(offsetsPartitionFor(group, 8), p);
    }
  });

  it('validates group ids', () => {
    assert.equal(groupIdProblem('billing-v2'), undefined);
    assert.equal(groupIdProblem('bad group'), undefined, 'Kafka takes spaces');
    assert.equal(groupIdProblem('bad\ngroup'), 'group id "bad\\ngroup" is invalid: use 1-249 characters, none of them control characters');
    assert.match(groupIdProblem('y'.repeat(300))!, /^group id "y{64}"… \(300 characters\) is invalid/);
  });

  it('round-trips commits through an ordinary record batch', () => {
    const records = [
      { groupId: 'g', topic: 'orders', partition: 3, offset: 42, metadata: 'm', commitTimeMs: 1000 },
      { groupId: 'g', topic: 'orders', partition: 4, offset: 7, metadata: '', commitTimeMs: 1000 },
      { groupId: 'g', topic: 'orders', partition: 5, offset: 8, metadata: '', commitTimeMs: 1000, topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw' },
    ];
    const batch = encodeOffsetBatch(records, 1000);
    const scan = scanBatch(batch);
    assert.ok(scan.ok);
    assert.equal(scan.ok && scan.summary.recordCount, 3);
    assert.deepEqual(decodeOffsetsPartitionRecords(batch).map((r) => (r.kind === 'offset' ? r.record : r)), records);
  });
});
