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
    const completed = applyAll([{ type: 'CompleteReassignment', name: 't', partition: 0, createdAtMs: 5_000, replicas: [1, 3] }], after);
    assert.deepEqual(diffAssignments(after, completed, 2).remove.map((a) => [a.partition, a.replicas]), [[0, [3, 1]]]);
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
