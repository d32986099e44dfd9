import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { applyCommand } from '../../src/metadata/apply-command';
import type { CompleteReassignment, ReassignPartition } from '../../src/metadata/metadata-commands';
import { holdsReplica, type MetadataState } from '../../src/metadata/metadata-state';
import { applyAll, cluster, createTopic, rejection } from './metadata-fixtures';

const reassign = (replicas: number[], partition = 0): ReassignPartition => ({ type: 'ReassignPartition', name: 't', partition, replicas });
const complete = (replicas: number[], extra: Partial<CompleteReassignment> = {}): CompleteReassignment =>
  ({ type: 'CompleteReassignment', name: 't', partition: 0, createdAtMs: 5_000, replicas, ...extra });
const partition0 = (state: MetadataState) => state.topics.get('t')!.partitions[0]!;

describe('metadata: partition reassignment', () => {
  const base = applyAll([createTopic('t', 1, 3)], cluster(4)); // t/0 → [1, 2, 3]

  describe('ReassignPartition', () => {
    it('creates partitions with their first replicas, nothing retiring and not reassigned', () => {
      assert.deepEqual(partition0(base), { replicas: [1, 2, 3], retiring: [], reassigned: false });
      const grown = applyAll([{ type: 'CreatePartitions', name: 't', totalCount: 2 }], base);
      assert.deepEqual(grown.topics.get('t')!.partitions[1]!.retiring, []);
      assert.equal(grown.topics.get('t')!.partitions[1]!.reassigned, false);
    });

    it('sets the new replicas and keeps the brokers that leave as retiring', () => {
      const moved = applyAll([reassign([2, 3, 4])], base);
      assert.deepEqual(partition0(moved), { replicas: [2, 3, 4], retiring: [1], reassigned: true });
    });

    it('retires the brokers of both moves when a second one starts before the first completes', () => {
      const twice = applyAll([reassign([2, 3, 4]), reassign([4, 2])], base);
      assert.deepEqual(partition0(twice), { replicas: [4, 2], retiring: [1, 3], reassigned: true });
    });

    it('stops retiring a broker that a later move takes back', () => {
      const back = applyAll([reassign([2, 3, 4]), reassign([1, 2, 3])], base);
      assert.deepEqual(partition0(back), { replicas: [1, 2, 3], retiring: [4], reassigned: true });
    });

    it('counts a new preferred-leader order as a reassignment with nothing retiring', () => {
      const reordered = applyAll([reassign([3, 1, 2])], base);
      assert.deepEqual(partition0(reordered), { replicas: [3, 1, 2], retiring: [], reassigned: true });
    });

    it('accepts the current replicas in the same order as a no-op', () => {
      const result = applyCommand(base, reassign([1, 2, 3]), base.version + 1);
      assert.deepEqual(result.outcome, { ok: true });
      assert.equal(result.state.topics, base.topics);
      assert.equal(result.state.version, base.version + 1);
    });

    it('refuses a target broker that is being drained, changing nothing', () => {
      const drained = applyAll([{ type: 'DrainBroker', id: 4, draining: true }], base);
      const refused = rejection(drained, reassign([1, 2, 4]));
      assert.equal(refused.code, ErrorCode.INVALID_REQUEST);
      assert.equal(refused.message, 'broker(s) 4 are being drained and take no new replicas: undrain them first or choose others');
      assert.equal(refused.state.topics, drained.topics);
    });
  });

  describe('holdsReplica', () => {
    it('is true for assigned and retiring brokers only', () => {
      const assignment = { replicas: [2, 3], retiring: [1], reassigned: true };
      assert.deepEqual([1, 2, 3, 4].map((id) => holdsReplica(assignment, id)), [true, true, true, false]);
    });
  });

  describe('CompleteReassignment', () => {
    const moved = applyAll([reassign([2, 3, 4])], base);

    it('clears the retiring brokers when the reported replicas equal the assignment in any order', () => {
      const done = applyAll([complete([4, 3, 2])], moved);
      assert.deepEqual(partition0(done), { replicas: [2, 3, 4], retiring: [], reassigned: true });
    });

    it('is an accepted no-op once nothing is retiring', () => {
      const done = applyAll([complete([2, 3, 4])], moved);
      const again = applyCommand(done, complete([2, 3, 4]), done.version + 1);
      assert.deepEqual(again.outcome, { ok: true });
      assert.equal(again.state.topics, done.topics);
    });

    it('refuses a report about another incarnation of the topic as stale', () => {
      const refused = rejection(moved, complete([2, 3, 4], { createdAtMs: 1 }));
      assert.equal(refused.code, ErrorCode.INVALID_REQUEST);
      assert.equal(refused.message, "stale report: topic 't' (created at 1) no longer exists; it was deleted or re-created");
      assert.deepEqual(partition0(refused.state).retiring, [1]);
    });

    it('tells incarnations apart by topic id when the report carries one, whatever their creation times', () => {
      const topicId = moved.topics.get('t')!.topicId;
      const done = applyAll([complete([2, 3, 4], { topicId, createdAtMs: 1 })], moved);
      assert.deepEqual(partition0(done).retiring, []);
      const refused = rejection(moved, complete([2, 3, 4], { topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw' }));
      assert.equal(refused.message, "stale report: topic 't' (id eMpzUX3ZTSqGv7Ahjq4_nw) no longer exists; it was deleted or re-created");
    });

    it('refuses a report about a deleted topic as stale', () => {
      const deleted = applyAll([{ type: 'DeleteTopic', name: 't' }], moved);
      assert.match(rejection(deleted, complete([2, 3, 4])).message, /^stale report: topic 't' \(created at 5000\) no longer exists/);
    });

    it('refuses a report whose replicas are no longer the assignment as stale', () => {
      const movedAgain = applyAll([reassign([3, 4, 1])], moved);
      const refused = rejection(movedAgain, complete([2, 3, 4]));
      assert.equal(refused.code, ErrorCode.INVALID_REQUEST);
      assert.equal(refused.message, 'stale report: t/0 is now assigned to brokers 3, 4, 1, not 2, 3, 4; it was reassigned again');
      assert.deepEqual(partition0(refused.state).retiring, [2]);
    });

    it('refuses a report about a partition that does not exist', () => {
      const refused = rejection(moved, complete([2, 3, 4], { partition: 3 }));
      assert.equal(refused.code, ErrorCode.INVALID_REQUEST);
      assert.equal(refused.message, "invalid report: t/3 does not exist; topic 't' has partitions 0..0");
    });
  });
});
