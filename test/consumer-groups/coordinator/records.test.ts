import { strict as assert } from 'node:assert';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord, isConsumerGroupRecordKey } from '../../../src/consumer-groups/coordinator/records';
import { restoreConsumerGroup } from '../../../src/consumer-groups/coordinator/restore';
import { beat, newGroup, ok, show } from './harness';

const OPTIONS = { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, rebalanceTimeoutMs: 60_000, newMemberId: () => 'fresh' };

describe('consumer group records', () => {
  it('encode and decode every record of a run, tombstones included, to the same records', () => {
    const g = newGroup({ t: 3 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, instanceId: 'i', rack: 'r1', subscribedTopicNames: ['t'], serverAssignor: 'range' }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: -1 }, 1));
    assert.ok(g.log.some((r) => r.kind === 'tombstone'));
    for (const r of g.log) {
      const e = encodeConsumerGroupRecord(r);
      assert.ok(isConsumerGroupRecordKey(e.key));
      assert.deepEqual(decodeConsumerGroupRecord(e.key, e.value), r);
    }
  });

  it('tells an offset key from a metadata key', () => {
    assert.equal(isConsumerGroupRecordKey(Buffer.from(JSON.stringify({ g: 'g', t: 'orders', p: 0 }))), false);
  });

  it('refuses a key it did not write, saying what a key looks like', () => {
    assert.throws(() => decodeConsumerGroupRecord(Buffer.from('{"k":"nope","g":"g"}'), null), /"k" must be one of group-epoch/);
    assert.throws(() => decodeConsumerGroupRecord(Buffer.from('{"k":"member-target","g":"g"}'), null), /needs "m", the member id/);
    assert.throws(() => decodeConsumerGroupRecord(Buffer.from('{"k":"group-epoch","g":"g"}'), Buffer.from('{"epoch":3}')), /expected a JSON object with groupEpoch/);
  });

  it('rebuilds a coordinator mid-rebalance that continues where the old one stopped', () => {
    const g = newGroup({ t: 4 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'b', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'a', memberEpoch: 1 }, 1)); // a now revoking t:2, t:3
    const wire = g.log.map(encodeConsumerGroupRecord).map((e) => decodeConsumerGroupRecord(e.key, e.value));
    const restored = restoreConsumerGroup('g', wire, OPTIONS, new Map([['t', 4]]), 100_000);
    assert.deepEqual(restored.snapshot(), g.group.snapshot());
    assert.equal(restored.state(), 'reconciling');
    // Timers restart at takeover: nobody expires a session timeout after the old heartbeats...
    assert.deepEqual(restored.tick(100_000 + 44_999).result, { expired: [], fenced: [] });
    // ...and the rebalance goes on: a acknowledges the revocation, b gets the partitions.
    const rg = { group: restored, log: [] };
    assert.equal(ok(beat(rg, { memberId: 'a', memberEpoch: 1, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 100_001)).memberEpoch, 2);
    assert.equal(show(ok(beat(rg, { memberId: 'b', memberEpoch: 2 }, 100_002)).assignment), 't:2,3');
    assert.equal(restored.state(), 'stable');
  });

  it('restores a deleted consumer group as dead', () => {
    const g = newGroup({ t: 1 });
    ok(beat(g, { memberId: 'a', memberEpoch: 0, subscribedTopicNames: ['t'] }, 0));
    ok(beat(g, { memberId: 'a', memberEpoch: -1 }, 1));
    g.log.push(...g.group.delete().records);
    assert.equal(restoreConsumerGroup('g', g.log, OPTIONS, new Map(), 0).state(), 'dead');
  });
});
