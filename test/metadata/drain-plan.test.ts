import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { planDrain } from '../../src/metadata/drain-plan';
import type { DrainBroker, ReassignPartition } from '../../src/metadata/metadata-commands';
import type { MetadataState } from '../../src/metadata/metadata-state';
import { brokerLoads } from '../../src/metadata/placement';
import { applyAll, cluster, createTopic, register, rejection } from './metadata-fixtures';

const drain = (id: number, draining = true): DrainBroker => ({ type: 'DrainBroker', id, draining });
const reassign = (name: string, partition: number, replicas: number[]): ReassignPartition => ({ type: 'ReassignPartition', name, partition, replicas });
const replicasPerBroker = (state: MetadataState) => Object.fromEntries([...brokerLoads(state)].map(([id, load]) => [id, load.replicas]));

describe('metadata: draining a broker', () => {
  describe('DrainBroker', () => {
    const before = applyAll([createTopic('t', 1, 3), createTopic('u', 4, 2), createTopic('__meta', 2, 3, { internal: true })], cluster(4));

    it('marks the broker draining and moves every replica off it, internal topics included', () => {
      const drained = applyAll([drain(1)], before);
      assert.equal(drained.brokers.get(1)!.draining, true);
      for (const name of ['t', 'u', '__meta']) {
        before.topics.get(name)!.partitions.forEach((was, partition) => {
          const is = drained.topics.get(name)!.partitions[partition]!;
          assert.ok(!is.replicas.includes(1), `${name}/${partition}: broker 1 is no longer assigned`);
          assert.equal(is.replicas.length, was.replicas.length, `${name}/${partition} keeps its replication factor`);
          assert.equal(new Set(is.replicas).size, is.replicas.length);
          if (was.replicas.includes(1)) assert.deepEqual([is.retiring, is.reassigned], [[1], true], `${name}/${partition} retires broker 1`);
          else assert.equal(is, was, `${name}/${partition} did not involve broker 1 and is untouched`);
        });
      }
      assert.ok(before.topics.get('__meta')!.partitions.some((p) => p.replicas.includes(1)), 'the internal topic had a replica to move');
    });

    it('puts the replacement in the drained broker\'s place, keeping the others in order', () => {
      const state = applyAll([reassign('t', 0, [3, 1, 2])], before);
      assert.deepEqual(applyAll([drain(1)], state).topics.get('t')!.partitions[0]!.replicas, [3, 4, 2]);
      const led = applyAll([reassign('t', 0, [1, 2, 3])], before);
      assert.deepEqual(applyAll([drain(1)], led).topics.get('t')!.partitions[0]!.replicas, [4, 2, 3], 'the new broker becomes the preferred leader');
    });

    it('spreads the moved replicas evenly, counting the ones it has moved already', () => {
      const state = applyAll([createTopic('t', 12, 1)], cluster(4)); // 3 replicas per broker
      assert.deepEqual(replicasPerBroker(applyAll([drain(1)], state)), { 1: 0, 2: 4, 3: 4, 4: 4 });
    });

    it('moves replicas to the least loaded broker first', () => {
      const state = applyAll([createTopic('t', 6, 2), register(4)], cluster(3)); // 4 replicas on each of 1..3, none on 4
      const plan = planDrain(state, 1);
      assert.ok(Array.isArray(plan));
      assert.deepEqual(plan.map((move) => move.replicas.find((id) => !state.topics.get(move.topic)!.partitions[move.partition]!.replicas.includes(id))), [4, 4, 4, 4]);
      assert.deepEqual(replicasPerBroker(applyAll([drain(1)], state)), { 1: 0, 2: 4, 3: 4, 4: 4 });
    });

    it('breaks load ties by the lowest broker id', () => {
      const state = applyAll([createTopic('t', 1, 2)], cluster(4)); // t/0 → [1, 2]
      assert.deepEqual(applyAll([drain(1)], state).topics.get('t')!.partitions[0]!.replicas, [3, 2]);
    });

    it('prefers a rack the partition does not use yet over a less loaded broker', () => {
      // Racks: 1x 2y 3y 4z. t/0 stays on 2 (rack y); 3 (rack y) is idle, 4 (rack z) is busier.
      const state = applyAll([
        createTopic('t', 1, 1), reassign('t', 0, [1, 2]),
        createTopic('busy', 2, 1), reassign('busy', 0, [4]), reassign('busy', 1, [4]),
      ], cluster(4, ['x', 'y', 'y', 'z']));
      assert.ok(brokerLoads(state).get(3)!.replicas < brokerLoads(state).get(4)!.replicas);
      assert.deepEqual(applyAll([drain(1)], state).topics.get('t')!.partitions[0]!.replicas, [4, 2]);
    });

    it('fails as a whole, naming the partition, when too few brokers could take its replicas', () => {
      const state = applyAll([createTopic('a', 1, 1), createTopic('b', 1, 3)], cluster(3));
      const refused = rejection(state, drain(2));
      assert.equal(refused.code, ErrorCode.INVALID_REPLICATION_FACTOR);
      assert.equal(refused.message, 'cannot drain broker 2: b/0 has replication factor 3 and only 2 other broker(s) can take replicas ' +
        '(draining brokers take none); add a broker or lower the replication factor first');
      assert.equal(refused.state.brokers, state.brokers, 'the broker is not marked draining');
      assert.equal(refused.state.topics, state.topics, 'no partition moved, not even those that could');
    });

    it('does not count draining brokers as replacements', () => {
      const state = applyAll([createTopic('t', 1, 3), drain(4)], cluster(4)); // t/0 → [1, 2, 3]; 4 holds nothing
      assert.match(rejection(state, drain(1)).message, /t\/0 has replication factor 3 and only 2 other broker\(s\) can take replicas/);
    });

    it('refuses an unknown broker, listing the registered ones', () => {
      const refused = rejection(before, drain(9));
      assert.equal(refused.code, ErrorCode.INVALID_REQUEST);
      assert.equal(refused.message, 'broker 9 is not registered: registered brokers are 1, 2, 3, 4');
      assert.equal(planDrain(before, 9), 'broker 9 is not registered: registered brokers are 1, 2, 3, 4');
    });

    it('undrains by clearing the flag only, moving nothing back', () => {
      const drained = applyAll([drain(1)], before);
      const undrained = applyAll([drain(1, false)], drained);
      assert.equal(undrained.brokers.get(1)!.draining, false);
      assert.equal(undrained.topics, drained.topics);
    });

    it('keeps the flag when the broker registers again', () => {
      const drained = applyAll([drain(1), register(1)], before);
      assert.equal(drained.brokers.get(1)!.draining, true);
    });
  });

  describe('planDrain', () => {
    it('lists exactly the moves DrainBroker makes, without changing the state', () => {
      const state = applyAll([createTopic('t', 3, 2), createTopic('u', 2, 3)], cluster(4));
      const plan = planDrain(state, 2);
      assert.ok(Array.isArray(plan));
      const drained = applyAll([drain(2)], state);
      const moved = [...drained.topics.values()].flatMap((topic) => topic.partitions
        .map((p, partition) => ({ topic: topic.name, partition, replicas: p.replicas }))
        .filter(({ partition }) => state.topics.get(topic.name)!.partitions[partition]!.replicas.includes(2)));
      assert.deepEqual(plan, moved);
      assert.equal(state.brokers.get(2)!.draining, false);
    });

    it('returns why a drain is impossible instead of moves', () => {
      assert.match(String(planDrain(applyAll([createTopic('t', 1, 2)], cluster(2)), 1)), /^cannot drain broker 1: t\/0 has replication factor 2 and only 1 other broker/);
    });
  });

  describe('placement on draining brokers', () => {
    const drained = applyAll([drain(1)], cluster(4));

    it('places no replica of a new topic on a draining broker', () => {
      const created = applyAll([createTopic('t', 6, 3)], drained);
      for (const p of created.topics.get('t')!.partitions) assert.ok(!p.replicas.includes(1), `replicas ${p.replicas}`);
    });

    it('places no replica of a new partition on a draining broker', () => {
      const grown = applyAll([createTopic('t', 1, 3), { type: 'CreatePartitions', name: 't', totalCount: 7 }], drained);
      for (const p of grown.topics.get('t')!.partitions) assert.ok(!p.replicas.includes(1), `replicas ${p.replicas}`);
    });

    it('counts only brokers that are not draining for the replication factor, and says why', () => {
      const refused = rejection(drained, createTopic('t', 1, 4));
      assert.equal(refused.code, ErrorCode.INVALID_REPLICATION_FACTOR);
      assert.equal(refused.message, 'replication factor 4 is larger than the 3 available broker(s) (1 draining broker(s) take no new replicas): use 1..3');
    });
  });
});
