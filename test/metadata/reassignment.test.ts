import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { planDrain } from '../../src/metadata/drain-plan';
import { decodeCommand, encodeCommand } from '../../src/metadata/metadata-commands';
import { holdsReplica } from '../../src/metadata/metadata-state';
import { decodeState, encodeState } from '../../src/metadata/state-codec';
import { applyAll, cluster, createTopic, rejection } from './metadata-fixtures';

describe('metadata: reassignment and drain', () => {
  const base = applyAll([createTopic('t', 1, 3)], cluster(4));
  const assigned = () => base.topics.get('t')!.partitions[0]!;

  it('a reassignment keeps the leaving brokers as retiring until the leader completes it', () => {
    assert.deepEqual(assigned(), { replicas: [1, 2, 3], retiring: [], reassigned: false });
    const moved = applyAll([{ type: 'ReassignPartition', name: 't', partition: 0, replicas: [2, 3, 4] }], base);
    const p = moved.topics.get('t')!.partitions[0]!;
    assert.deepEqual(p, { replicas: [2, 3, 4], retiring: [1], reassigned: true });
    assert.ok(holdsReplica(p, 1) && holdsReplica(p, 4) && !holdsReplica({ ...p, retiring: [] }, 1));
    const again = applyAll([{ type: 'ReassignPartition', name: 't', partition: 0, replicas: [4, 2] }], moved);
    assert.deepEqual(again.topics.get('t')!.partitions[0]!.retiring, [1, 3], 'a second move before the first completes retires both');
    const done = applyAll([{ type: 'CompleteReassignment', name: 't', partition: 0, createdAtMs: 5_000, replicas: [2, 4] }], again);
    assert.deepEqual(done.topics.get('t')!.partitions[0]!.retiring, []);
  });

  it('a reassignment to the current replicas changes nothing', () => {
    const same = applyAll([{ type: 'ReassignPartition', name: 't', partition: 0, replicas: [1, 2, 3] }], base);
    assert.equal(same.topics, base.topics);
  });

  it('refuses stale completion reports: another incarnation of the topic, or replicas changed since', () => {
    const moved = applyAll([{ type: 'ReassignPartition', name: 't', partition: 0, replicas: [2, 3, 4] }], base);
    const wrongTopic = rejection(moved, { type: 'CompleteReassignment', name: 't', partition: 0, createdAtMs: 1, replicas: [2, 3, 4] });
    assert.match(wrongTopic.message, /stale report.*re-created/);
    const wrongReplicas = rejection(moved, { type: 'CompleteReassignment', name: 't', partition: 0, createdAtMs: 5_000, replicas: [1, 2, 3] });
    assert.match(wrongReplicas.message, /now assigned to brokers 2, 3, 4/);
    assert.equal(wrongReplicas.state.topics.get('t')!.partitions[0]!.retiring.length, 1);
  });

  it('drains a broker: moves each of its replicas to the least loaded other broker and places nothing new on it', () => {
    const state = applyAll([createTopic('u', 4, 2)], base);
    const plan = planDrain(state, 1);
    assert.ok(Array.isArray(plan));
    const drained = applyAll([{ type: 'DrainBroker', id: 1, draining: true }], state);
    assert.equal(drained.brokers.get(1)!.draining, true);
    for (const topic of drained.topics.values()) {
      for (const p of topic.partitions) {
        assert.ok(!p.replicas.includes(1), `${topic.name}: broker 1 is no longer assigned`);
        assert.equal(new Set(p.replicas).size, p.replicas.length);
      }
    }
    const perBroker = new Map<number, number>();
    for (const topic of drained.topics.values()) for (const p of topic.partitions) for (const id of p.replicas) perBroker.set(id, (perBroker.get(id) ?? 0) + 1);
    const counts = [...perBroker.values()];
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `replicas spread evenly: ${JSON.stringify([...perBroker])}`);
    const created = applyAll([createTopic('v', 6, 3)], drained);
    for (const p of created.topics.get('v')!.partitions) assert.ok(!p.replicas.includes(1), 'no new replica on a draining broker');
    assert.match(rejection(drained, { type: 'ReassignPartition', name: 't', partition: 0, replicas: [1, 2] }).message, /being drained/);
    assert.match(rejection(drained, createTopic('w', 1, 4)).message, /1 draining broker/);
    const undrained = applyAll([{ type: 'DrainBroker', id: 1, draining: false }], drained);
    assert.equal(undrained.brokers.get(1)!.draining, false);
    assert.equal(undrained.topics, drained.topics, 'undraining moves nothing back');
  });

  it('prefers a replacement on a rack the partition does not use yet', () => {
    const racked = applyAll([createTopic('r', 1, 2)], cluster(4, ['x', 'x', 'y', 'z']));
    const replicas = racked.topics.get('r')!.partitions[0]!.replicas;
    const leaving = replicas[0]!;
    const plan = planDrain(racked, leaving);
    assert.ok(Array.isArray(plan));
    const next = plan[0]!.replicas;
    const rackOf = (id: number) => racked.brokers.get(id)!.rack;
    assert.notEqual(rackOf(next[1]!), rackOf(next[0]!), `replicas ${next} span two racks`);
  });

  it('refuses a drain that leaves too few brokers, changing nothing, and an unknown broker', () => {
    const three = applyAll([createTopic('t', 1, 3)], cluster(3));
    const impossible = rejection(three, { type: 'DrainBroker', id: 2, draining: true });
    assert.equal(impossible.code, ErrorCode.INVALID_REPLICATION_FACTOR);
    assert.match(impossible.message, /t\/0 has replication factor 3 and only 2 other broker/);
    assert.equal(impossible.state.brokers.get(2)!.draining, false, 'the failed drain did not mark the broker');
    assert.equal(impossible.state.topics, three.topics);
    assert.match(rejection(base, { type: 'DrainBroker', id: 9, draining: true }).message, /broker 9 is not registered: registered brokers are 1, 2, 3, 4/);
  });

  it('round-trips the new fields through commands and snapshots, and reads old snapshots', () => {
    const command = { type: 'DrainBroker', id: 3, draining: true } as const;
    assert.deepEqual(decodeCommand(encodeCommand(command)), command);
    const moved = applyAll([{ type: 'DrainBroker', id: 1, draining: true }], base);
    assert.deepEqual(decodeState(encodeState(moved)), moved);
    const old = JSON.stringify({ v: 1, version: 3, brokers: [{ id: 1, host: 'h', port: 1, httpPort: 2, rack: null, registeredAtMs: 0 }], topics: [{ name: 't', internal: false, partitions: [{ replicas: [1] }], replicationFactor: 1, config: {}, createdAtMs: 1 }] });
    const decoded = decodeState(Buffer.from(old));
    assert.deepEqual(decoded.topics.get('t')!.partitions[0], { replicas: [1], retiring: [], reassigned: false });
    assert.equal(decoded.brokers.get(1)!.draining, false);
  });
});
