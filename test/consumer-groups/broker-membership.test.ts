// Consumer-group membership served by a broker (in-process, real gRPC): raw requests as a thin
// client in any language would send them (proto3: fields at their default left off the wire).
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { until } from '../until';
import { partitionsOf as partitionsOfTopic, ThinMember } from './thin-member';

const TOPIC = 'orders';
const GROUP = 'billing';
const partitionsOf = (assignment: { topic: string; partitions: number[] }[]): number[] => partitionsOfTopic(assignment, TOPIC);

class Member extends ThinMember {
  constructor(fx: () => BrokerFixture) {
    super(() => fx().groups, GROUP, TOPIC);
  }
}

/** Heartbeats every member until the group is stable and each holds `counts[i]` partitions. */
async function converge(fx: BrokerFixture, members: Member[], counts: number[]): Promise<void> {
  await until(async () => {
    for (const m of members) await m.beat();
    const [group] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    return group.state === ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE && members.every((m, i) => m.owned.length === counts[i]);
  }, `group stable with ${counts.join('+')} partitions`);
}

describe('consumer groups on the broker (ConsumerGroupHeartbeat, DescribeGroups, fenced commits)', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture({ groupSessionTimeoutMs: 1_500, groupHeartbeatIntervalMs: 100 });
    await fx.admin('createTopics', { topics: [{ name: TOPIC, partitions: 4 }] });
  });
  afterEach(async () => fx.close());

  it('splits a 4-partition topic 2+2, revoking from the first member before the second gets anything, and gives all back on leave', async () => {
    const a = new Member(() => fx);
    const b = new Member(() => fx);
    await a.join();
    assert.deepEqual(a.owned, [0, 1, 2, 3]);
    assert.equal(a.memberEpoch, 1);

    await b.join();
    assert.deepEqual(b.owned, [], 'b gets nothing while a still holds everything');
    // a is told to keep two partitions; its epoch does not move until it has revoked the others.
    const revoking = await a.beat([0, 1, 2, 3]);
    assert.equal(revoking.memberEpoch, 1);
    const kept = partitionsOf(revoking.assignment);
    assert.equal(kept.length, 2);
    const given = [0, 1, 2, 3].filter((p) => !kept.includes(p));
    // Until a reports it gave them up, b still gets nothing.
    await b.beat();
    assert.deepEqual(b.owned, []);
    const [during] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(during.state, ConsumerGroupState.CONSUMER_GROUP_STATE_RECONCILING);
    const aDescribed = during.members.find((m: any) => m.memberId === a.memberId);
    assert.deepEqual(partitionsOf(aDescribed.pendingRevocation), given);

    await a.beat(kept);
    assert.equal(a.memberEpoch, 2);
    await b.beat();
    assert.deepEqual(b.owned, given);
    assert.equal(b.memberEpoch, 2);
    const [stable] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(stable.state, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE);
    assert.equal(stable.groupEpoch, 2);
    assert.equal(stable.assignor, 'uniform');
    assert.equal(stable.members.length, 2);

    const left = await a.leave();
    assert.equal(left.errorCode, ErrorCode.NONE, left.errorMessage);
    await b.beat();
    assert.deepEqual(b.owned, [0, 1, 2, 3]);
    const listed = await fx.groups('listGroups', {});
    assert.deepEqual(listed.groups.map((g: any) => [g.groupId, g.state, g.memberCount]), [[GROUP, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE, 1]]);
  });

  it('evicts a member that stops heartbeating after the session timeout and hands its partitions to the other', async () => {
    const a = new Member(() => fx);
    const b = new Member(() => fx);
    await a.join();
    await b.join();
    await converge(fx, [a, b], [2, 2]);
    // Only b heartbeats from now on: a's session expires and b gets everything.
    await until(async () => (await b.beat(), b.owned.length === 4), 'b to own all 4 partitions');
    const [group] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.deepEqual(group.members.map((m: any) => m.memberId), [b.memberId]);
    const late = await a.beat();
    assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, late.errorMessage);
  });

  it('fences a zombie\'s offset commits and accepts the holder\'s', async () => {
    const a = new Member(() => fx);
    const b = new Member(() => fx);
    await a.join();
    await b.join();
    await converge(fx, [a, b], [2, 2]);
    const aPartition = a.owned[0]!;
    assert.equal((await a.commit(aPartition, 10)).errorCode, ErrorCode.NONE);
    // A member may not commit a partition it does not hold, nor with an epoch newer than its own.
    assert.equal((await a.commit(b.owned[0]!, 99)).errorCode, ErrorCode.STALE_MEMBER_EPOCH);
    assert.equal((await a.commit(aPartition, 11, a.memberEpoch + 1)).errorCode, ErrorCode.STALE_MEMBER_EPOCH);
    // A commit without a member id is refused while the group has members.
    const { partitions } = await fx.groups('commitOffsets', { groupId: GROUP, partitions: [{ topic: TOPIC, partition: aPartition, offset: 50 }] });
    assert.equal(partitions[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);

    // a goes silent past its session: it is a zombie, b takes its partitions.
    await until(async () => (await b.beat(), b.owned.length === 4), 'b to own all 4 partitions');
    const zombie = await a.commit(aPartition, 20);
    assert.equal(zombie.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, zombie.errorMessage);
    assert.equal((await b.commit(aPartition, 15)).errorCode, ErrorCode.NONE);
    const fetched = await fx.groups('fetchOffsets', { groupId: GROUP, partitions: [{ topic: TOPIC, partition: aPartition }] });
    assert.equal(fetched.partitions[0].offset, 15);
  });

  it('keeps the group, its epochs, assignment and offsets across a broker restart', async () => {
    const a = new Member(() => fx);
    const b = new Member(() => fx);
    await a.join();
    await b.join();
    await converge(fx, [a, b], [2, 2]);
    assert.equal((await a.commit(a.owned[0]!, 7)).errorCode, ErrorCode.NONE);
    const [before] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;

    fx = await fx.restart();
    const [after] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(after.state, ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE);
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.deepEqual(after.members, before.members);
    assert.deepEqual(after.offsets.map((o: any) => [o.partition, o.offset]), [[a.owned[0], 7]]);
    // The members carry on with the epochs they had: no rebalance.
    const aOwned = [...a.owned];
    await a.beat();
    await b.beat();
    assert.deepEqual(a.owned, aOwned);
    assert.equal(a.memberEpoch, before.groupEpoch);
    assert.equal((await b.commit(b.owned[0]!, 3)).errorCode, ErrorCode.NONE);
  });

  it('answers heartbeats whose fields are at their proto3 defaults (absent from the wire)', async () => {
    // No member id, epoch 0 (join), no instance id, rack, regex, assignor, rebalance timeout or owned partitions.
    const joined = await fx.groups('consumerGroupHeartbeat', { groupId: GROUP, subscribedTopicNames: [TOPIC] });
    assert.equal(joined.errorCode, ErrorCode.NONE, joined.errorMessage);
    assert.notEqual(joined.memberId, '');
    assert.equal(joined.memberEpoch, 1);
    assert.equal(joined.heartbeatIntervalMs, 100);
    assert.deepEqual(partitionsOf(joined.assignment), [0, 1, 2, 3]);
    // A heartbeat with only the group, member id and epoch: subscription unchanged, owns nothing yet.
    const steady = await fx.groups('consumerGroupHeartbeat', { groupId: GROUP, memberId: joined.memberId, memberEpoch: joined.memberEpoch });
    assert.equal(steady.errorCode, ErrorCode.NONE, steady.errorMessage);
    assert.deepEqual(partitionsOf(steady.assignment), [0, 1, 2, 3]);
    assert.equal(steady.memberEpoch, 1);
    // A join that subscribes to nothing is refused, naming what is missing.
    const unsubscribed = await fx.groups('consumerGroupHeartbeat', { groupId: GROUP });
    assert.equal(unsubscribed.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(unsubscribed.errorMessage, /must subscribe/);
    // Every field absent: the group id is missing.
    await assert.rejects(fx.groups('consumerGroupHeartbeat', {}), /group id "" is invalid/);
    // A commit at its defaults (no member id) is refused while the group has a member.
    const { partitions } = await fx.groups('commitOffsets', { groupId: GROUP, partitions: [{ topic: TOPIC }] });
    assert.equal(partitions[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('deletes only an empty group, with its committed offsets', async () => {
    const a = new Member(() => fx);
    await a.join();
    assert.equal((await a.commit(0, 5)).errorCode, ErrorCode.NONE);
    const refused = (await fx.groups('deleteGroups', { groupIds: [GROUP] })).results[0];
    assert.equal(refused.errorCode, ErrorCode.NON_EMPTY_GROUP, refused.errorMessage);
    await a.leave();
    const deleted = (await fx.groups('deleteGroups', { groupIds: [GROUP] })).results[0];
    assert.equal(deleted.errorCode, ErrorCode.NONE, deleted.errorMessage);
    const [gone] = (await fx.groups('describeGroups', { groupIds: [GROUP] })).groups;
    assert.equal(gone.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    const again = (await fx.groups('deleteGroups', { groupIds: [GROUP] })).results[0];
    assert.equal(again.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    // Deleted for good: a restart replays the tombstones, and a new join starts a new group.
    fx = await fx.restart();
    assert.equal((await fx.groups('describeGroups', { groupIds: [GROUP] })).groups[0].errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    const fresh = new Member(() => fx);
    await fresh.join();
    assert.equal(fresh.memberEpoch, 1);
  });

  it('counts rebalances, and lag in seconds since the oldest unconsumed batch was appended, on /metrics', async () => {
    const metric = async (name: string): Promise<number | undefined> => {
      const text = await (await fetch(`http://127.0.0.1:${fx.broker.httpPort}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const a = new Member(() => fx);
    await a.join();
    assert.equal(await metric('sluice_consumer_group_rebalances_total{group="billing"}'), 1);
    const b = new Member(() => fx);
    await b.join();
    await converge(fx, [a, b], [2, 2]);
    assert.equal(await metric('sluice_consumer_group_rebalances_total{group="billing"}'), 2, 'one rebalance per group epoch, not per heartbeat');
    const p = a.owned[0]!;
    await fx.data('produce', { partitions: [{ topic: TOPIC, partition: p, batch: { records: [1, 2, 3].map((i) => ({ value: Buffer.from(String(i)) })) } }] });
    assert.equal((await a.commit(p, 1)).errorCode, ErrorCode.NONE);
    const lagSeconds = `sluice_consumer_group_lag_seconds{group="billing",topic="orders",partition="${p}"}`;
    // Offset 1 is in the batch appended above: its age grows until the group catches up.
    await until(async () => ((await metric(lagSeconds)) ?? 0) > 0, 'a positive lag in seconds');
    assert.equal((await a.commit(p, 3)).errorCode, ErrorCode.NONE);
    assert.equal(await metric(lagSeconds), 0, 'caught up: no lag');
  });

  it('serves members, epoch, state and lag of its groups on /metrics', async () => {
    const a = new Member(() => fx);
    await a.join();
    await fx.data('produce', { partitions: [{ topic: TOPIC, partition: 1, batch: { records: [1, 2, 3, 4, 5].map((i) => ({ value: Buffer.from(String(i)) })) } }] });
    assert.equal((await a.commit(1, 2)).errorCode, ErrorCode.NONE);
    const text = await (await fetch(`http://127.0.0.1:${fx.broker.httpPort}/metrics`)).text();
    assert.match(text, /^sluice_consumer_group_members\{group="billing"\} 1$/m);
    assert.match(text, /^sluice_consumer_group_epoch\{group="billing"\} 1$/m);
    assert.match(text, /^sluice_consumer_group_state\{group="billing",state="stable"\} 1$/m);
    assert.match(text, /^sluice_consumer_group_lag\{group="billing",topic="orders",partition="1"\} 3$/m);
  });
});
