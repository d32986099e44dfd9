// The per-broker partition-replica limit, as the metadata state machine applies it: the limit
// travels in the command, counts every broker's replicas separately, and a command without one
// (written before the limit existed) is applied as before.
import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { decodeCommand, encodeCommand } from '../../src/metadata/metadata-commands';
import { applyAll, cluster, createTopic, rejection } from './metadata-fixtures';

describe('metadata state machine: partition replicas per broker', () => {
  it('refuses a topic whose replicas take a broker past the limit, naming the count and what is left', () => {
    const state = applyAll([createTopic('a', 4, 3, { maxReplicasPerBroker: 6 })], cluster(3));
    const r = rejection(state, createTopic('b', 3, 3, { maxReplicasPerBroker: 6 }));
    assert.equal(r.code, ErrorCode.POLICY_VIOLATION);
    assert.match(r.message, /^topic 'b' with 3 partition\(s\) × 3 replica\(s\) needs 3 partition replica\(s\) on broker 1, which holds 4 of its limit of 6 .*: 2 left;/);
    assert.equal(r.state.topics.has('b'), false);
    assert.ok(applyAll([createTopic('b', 2, 3, { maxReplicasPerBroker: 6 })], state).topics.has('b'), 'up to the limit fits');
  });

  it('applies a command without a limit as before (older logs replay unchanged)', () => {
    const state = applyAll([createTopic('big', 50, 1)], cluster(1));
    assert.equal(state.topics.get('big')!.partitions.length, 50);
  });

  it('keeps the limit through the command codec, and its absence too', () => {
    const limited = createTopic('t', 1, 1, { maxReplicasPerBroker: 159 });
    assert.deepEqual(decodeCommand(encodeCommand(limited)), limited);
    const unlimited = createTopic('t', 1, 1);
    assert.deepEqual(decodeCommand(encodeCommand(unlimited)), unlimited);
    assert.throws(() => decodeCommand(encodeCommand({ ...limited, maxReplicasPerBroker: 1.5 })), /CreateTopic\.maxReplicasPerBroker is invalid \(1\.5\): expected an integer or nothing/);
  });
});
