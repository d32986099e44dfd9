import { strict as assert } from 'node:assert';
import { diffAssignments } from '../../src/metadata/assignment-diff';
import { applyAll, cluster, createTopic } from './metadata-fixtures';

describe('metadata assignment diff', () => {
  const base = applyAll([createTopic('t', 3, 2)], cluster(3)); // [[1,2],[3,1],[2,3]]

  it('lists the replicas a broker must create for a new topic', () => {
    const diff = diffAssignments(cluster(3), base, 1);
    assert.deepEqual(diff.create.map((a) => [a.partition, a.replicas]), [[0, [1, 2]], [1, [3, 1]]]);
    assert.deepEqual([diff.remove, diff.membershipChanged, diff.configChanged], [[], [], []]);
  });

  it('lists the replicas a broker must remove when a topic is deleted', () => {
    const after = applyAll([{ type: 'DeleteTopic', name: 't' }], base);
    assert.deepEqual(diffAssignments(base, after, 3).remove.map((a) => a.partition), [1, 2]);
  });

  it('splits a reassignment into create, remove and membership change', () => {
    const after = applyAll([
      { type: 'ReassignPartition', name: 't', partition: 0, replicas: [3, 1] },
      { type: 'ReassignPartition', name: 't', partition: 2, replicas: [2, 1] },
    ], base);
    const forOne = diffAssignments(base, after, 1);
    assert.deepEqual(forOne.create.map((a) => a.partition), [2]);
    assert.deepEqual(forOne.membershipChanged.map((a) => [a.partition, a.replicas]), [[0, [3, 1]]]);
    const forTwo = diffAssignments(base, after, 2);
    assert.deepEqual(forTwo.remove, [], 'broker 2 keeps its retiring copy of partition 0 until the move completes');
    assert.deepEqual(forTwo.membershipChanged.map((a) => a.partition), [0, 2]);
  });

  it('tells a broker creating a replica whether the partition was reassigned and who is retiring', () => {
    const grown = applyAll([{ type: 'CreatePartitions', name: 't', totalCount: 4 }], base);
    const holder = grown.topics.get('t')!.partitions[3]!.replicas[0]!;
    assert.deepEqual(diffAssignments(base, grown, holder).create, [{ topic: 't', partition: 3, replicas: grown.topics.get('t')!.partitions[3]!.replicas, retiring: [], reassigned: false, topicCreatedAtMs: 5_000 }]);
    const moved = applyAll([{ type: 'ReassignPartition', name: 't', partition: 2, replicas: [2, 1] }], base);
    assert.deepEqual(diffAssignments(base, moved, 1).create, [{ topic: 't', partition: 2, replicas: [2, 1], retiring: [3], reassigned: true, topicCreatedAtMs: 5_000 }]);
  });

  describe('a retiring replica', () => {
    const moved = applyAll([{ type: 'ReassignPartition', name: 't', partition: 0, replicas: [3, 1] }], base); // broker 2 retires from t/0

    it('is kept while the move is under way', () => {
      const diff = diffAssignments(base, moved, 2);
      assert.deepEqual(diff.remove, []);
      assert.deepEqual(diff.membershipChanged.map((a) => [a.partition, a.replicas, a.retiring]), [[0, [3, 1], [2]]]);
    });

    it('is removed when the move completes', () => {
      const completed = applyAll([{ type: 'CompleteReassignment', name: 't', partition: 0, createdAtMs: 5_000, replicas: [1, 3] }], moved);
      assert.deepEqual(diffAssignments(moved, completed, 2).remove, [{ topic: 't', partition: 0, replicas: [3, 1], retiring: [2], reassigned: true, topicCreatedAtMs: 5_000 }]);
      for (const stays of [1, 3]) {
        const diff = diffAssignments(moved, completed, stays);
        assert.deepEqual([diff.create, diff.remove, diff.membershipChanged], [[], [], []], `broker ${stays} keeps its replica as it is`);
      }
    });

    it('is removed when its topic is deleted before the move completes', () => {
      const deleted = applyAll([{ type: 'DeleteTopic', name: 't' }], moved);
      assert.deepEqual(diffAssignments(moved, deleted, 2).remove.map((a) => a.partition), [0, 2]);
    });
  });

  it('lists new partitions and config changes of topics the broker holds', () => {
    const after = applyAll([
      { type: 'CreatePartitions', name: 't', totalCount: 4 },
      { type: 'AlterTopicConfig', name: 't', set: { 'retention.ms': '1000' }, delete: [] },
    ], base);
    const p3 = after.topics.get('t')!.partitions[3]!.replicas;
    const holder = p3[0]!;
    assert.deepEqual(diffAssignments(base, after, holder).create.map((a) => a.partition), [3]);
    const changed = diffAssignments(base, after, 1).configChanged;
    assert.equal(changed.length, 1);
    assert.equal(changed[0]!.config['retention.ms'], 1000);
  });

  it('treats a topic deleted and re-created under the same name as remove plus create', () => {
    const after = applyAll([{ type: 'DeleteTopic', name: 't' }, createTopic('t', 1, 3, { nowMs: 9_999 })], base);
    const diff = diffAssignments(base, after, 2);
    assert.deepEqual(diff.remove.map((a) => a.partition), [0, 2]);
    assert.deepEqual(diff.create.map((a) => [a.partition, a.topicCreatedAtMs]), [[0, 9_999]]);
  });

  it('is empty for a broker the change does not touch', () => {
    const after = applyAll([createTopic('solo', 1, 1)], base);
    const holder = after.topics.get('solo')!.partitions[0]!.replicas[0]!;
    const other = [1, 2, 3].find((id) => id !== holder)!;
    const diff = diffAssignments(base, after, other);
    assert.deepEqual([diff.create, diff.remove, diff.membershipChanged, diff.configChanged], [[], [], [], []]);
  });
});
