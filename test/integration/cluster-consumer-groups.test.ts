// A consumer group survives kill -9 of its coordinator (the leader of the group's
// __consumer_offsets partition): the new leader restores the group from the partition's records,
// and the members carry on with their epochs and partitions. A heartbeat sent to another broker
// is answered NOT_COORDINATOR with the coordinator's address.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { ThinMember } from '../consumer-groups/thin-member';
import { until } from '../until';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';

const GROUP = 'workers';
const TOPIC = 'jobs';

describe('cluster: consumer groups across a coordinator failover (3 broker processes)', function () {
  let cluster: ClusterHarness;
  before(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, 4, 3);
  });
  after(async () => cluster.close());

  it('answers NOT_COORDINATOR elsewhere, and keeps members, epochs, assignment and offsets after kill -9 of the coordinator', async () => {
    const offsetsPartition = offsetsPartitionFor(GROUP, 8);
    let coordinator = await cluster.leaderOf('__consumer_offsets', offsetsPartition);
    const other = cluster.ids.find((id) => id !== coordinator)!;
    const elsewhere = await cluster.call(other, 'sluice.v1.Groups', 'consumerGroupHeartbeat', { groupId: GROUP, subscribedTopicNames: [TOPIC] });
    assert.equal(elsewhere.errorCode, ErrorCode.NOT_COORDINATOR, elsewhere.errorMessage);
    assert.equal(elsewhere.coordinator, cluster.address(coordinator));

    const at = () => (method: string, request: object) => cluster.call(coordinator, 'sluice.v1.Groups', method, request);
    const a = new ThinMember(at, GROUP, TOPIC);
    const b = new ThinMember(at, GROUP, TOPIC);
    await a.join();
    await b.join();
    await until(async () => {
      await a.beat();
      await b.beat();
      return a.owned.length === 2 && b.owned.length === 2;
    }, 'a 2+2 split');
    assert.equal((await a.commit(a.owned[0]!, 21)).errorCode, ErrorCode.NONE);
    const [before] = (await cluster.call(coordinator, 'sluice.v1.Groups', 'describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(before.state, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE);

    await cluster.kill(coordinator, 'SIGKILL');
    coordinator = await cluster.leaderOf('__consumer_offsets', offsetsPartition);
    const aOwned = [...a.owned];
    const bOwned = [...b.owned];
    // The members find the new coordinator and carry on: same epochs, same partitions, no rebalance.
    // Calls to a broker still electing may fail outright: retry those too.
    await until(async () => (await a.beat().catch(() => ({ errorCode: -1 }))).errorCode === ErrorCode.NONE, 'a heartbeat accepted by the new coordinator', { maxWaitMs: 30_000, intervalMs: 100 });
    assert.equal((await b.beat()).errorCode, ErrorCode.NONE);
    assert.deepEqual([a.owned, b.owned], [aOwned, bOwned]);
    assert.equal(a.memberEpoch, before.groupEpoch);
    const [after] = (await cluster.call(coordinator, 'sluice.v1.Groups', 'describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.deepEqual(after.members, before.members);
    assert.deepEqual(after.offsets.map((o: any) => [o.partition, o.offset]), [[aOwned[0], 21]]);
    assert.equal((await b.commit(bOwned[0]!, 9)).errorCode, ErrorCode.NONE);
  });
});
