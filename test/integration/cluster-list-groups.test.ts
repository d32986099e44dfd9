// ListGroups answers every group of the cluster, whichever broker is asked: each broker
// coordinates the groups of the __consumer_offsets partitions it leads, and the broker asked
// gathers the others' (3 broker processes; docs/consumer-groups.md, "The host").
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';

const OFFSETS_PARTITIONS = 8;

describe('cluster: ListGroups across the brokers (3 broker processes)', function () {
  let cluster: ClusterHarness;
  before(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, 'jobs', 2, 3);
  });
  after(async () => cluster.close());

  it('lists every group of every offsets partition on whichever broker is asked', async () => {
    // One group per offsets partition, so that every coordinator holds some.
    const groups = new Map<number, string>();
    for (let i = 0; groups.size < OFFSETS_PARTITIONS; i++) {
      const id = `list-${i}`;
      if (!groups.has(offsetsPartitionFor(id, OFFSETS_PARTITIONS))) groups.set(offsetsPartitionFor(id, OFFSETS_PARTITIONS), id);
    }
    const leaders = new Set<number>();
    for (const p of groups.keys()) leaders.add(await cluster.leaderOf('__consumer_offsets', p));
    assert.ok(leaders.size >= 2, `the offsets partitions are led by more than one broker (${[...leaders].join(', ')})`);
    for (const groupId of groups.values()) {
      await cluster.retry(`a commit of ${groupId}`, async (id) => {
        const { partitions } = await cluster.call(id, 'sluice.v1.Groups', 'commitOffsets', { groupId, partitions: [{ topic: 'jobs', partition: 0, offset: 1 }] });
        return partitions[0].errorCode === ErrorCode.NONE ? true : undefined;
      });
    }
    // And one group with a member, to show its state and member count travel too.
    const withMember = groups.get(7)!;
    const coordinator = await cluster.leaderOf('__consumer_offsets', 7);
    const joined = await cluster.call(coordinator, 'sluice.v1.Groups', 'consumerGroupHeartbeat', { groupId: withMember, subscribedTopicNames: ['jobs'] });
    assert.equal(joined.errorCode, ErrorCode.NONE, joined.errorMessage);

    const expected = [...groups.values()].sort();
    for (const id of cluster.ids) {
      const listed = await cluster.call(id, 'sluice.v1.Groups', 'listGroups', {});
      assert.deepEqual(listed.groupIds, expected, `broker ${id} lists every group`);
      const member = listed.groups.find((g: any) => g.groupId === withMember);
      assert.equal(member.state, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE);
      assert.equal(member.memberCount, 1);
    }
  });
});
