// Bounded replay on a real broker (in-process, real storage and gRPC): after enough commits the
// broker snapshots the group's __consumer_offsets partition into the partition itself, and a
// restart that replays from that snapshot keeps the group, its epochs, assignment and every
// committed offset (docs/consumer-groups.md, "Bounded replay").
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { until } from '../until';
import { ThinMember } from './thin-member';

const TOPIC = 'orders';
const GROUP = 'billing';

/** Offsets of the snapshot chunks in the group's offsets partition. */
async function snapshotChunkOffsets(fx: BrokerFixture): Promise<number[]> {
  const found: number[] = [];
  let offset = 0;
  for (;;) {
    const fetched = await fx.data('fetch', { partitions: [{ topic: '__consumer_offsets', partition: offsetsPartitionFor(GROUP, 8), offset, maxBytes: 1 << 20 }] });
    const batches = fetched.partitions[0].batches as any[];
    if (batches.length === 0) return found;
    for (const b of batches) {
      b.batch.records.forEach((r: any, i: number) => {
        if ('snap' in JSON.parse(Buffer.from(r.key).toString())) found.push(Number(b.baseOffset) + i);
      });
      offset = Number(b.baseOffset) + b.batch.records.length;
    }
  }
}

describe('consumer groups: a broker restart replays its offsets partition from a snapshot', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture({ groupSessionTimeoutMs: 1_500, groupHeartbeatIntervalMs: 100, groupStateSnapshotMinRecords: 20 });
    await fx.admin('createTopics', { topics: [{ name: TOPIC, partitions: 4 }] });
  });
  after(async () => fx.close());

  it('snapshots after enough commits, and a restart from the snapshot keeps members, epochs, assignment and offsets', async () => {
    const a = new ThinMember(() => fx.groups, GROUP, TOPIC);
    const b = new ThinMember(() => fx.groups, GROUP, TOPIC);
    await a.join();
    await b.join();
    await until(async () => {
      await a.beat();
      await b.beat();
      return a.owned.length === 2 && b.owned.length === 2;
    }, 'a 2+2 split');
    const last = new Map<number, number>();
    for (let i = 1; i <= 60; i++) {
      const member = i % 2 === 0 ? a : b;
      const partition = member.owned[i % 2]!;
      assert.equal((await member.commit(partition, i)).errorCode, ErrorCode.NONE);
      last.set(partition, i);
    }
    await until(async () => (await snapshotChunkOffsets(fx)).length > 0, 'a snapshot in the offsets partition');
    // Commits after the snapshot: the replay folds them on top of it.
    assert.equal((await a.commit(a.owned[0]!, 1_000)).errorCode, ErrorCode.NONE);
    last.set(a.owned[0]!, 1_000);
    await a.beat();
    await b.beat();
    const [before] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;

    fx = await fx.restart();
    const [after] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(after.state, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE);
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.deepEqual(after.members, before.members);
    const offsets = (o: any[]): number[][] => o.map((x) => [x.partition, Number(x.offset)]).sort((x, y) => x[0]! - y[0]!);
    assert.deepEqual(offsets(after.offsets), [...last].sort((x, y) => x[0] - y[0]));
    assert.deepEqual(offsets(after.offsets), offsets(before.offsets));
    const aOwned = [...a.owned];
    assert.equal((await a.beat()).errorCode, ErrorCode.NONE);
    assert.deepEqual(a.owned, aOwned);
    assert.equal((await b.commit(b.owned[0]!, 2_000)).errorCode, ErrorCode.NONE);
  });
});
