// kill -9 of a consumer group's coordinator in the middle of a cooperative rebalance (3 broker
// processes): two members split a 6-partition topic, a third joins, both old members are told to
// revoke a partition, and the coordinator dies while those partitions are pending revocation. The
// new coordinator restores the rebalance where it was (docs/consumer-groups.md, "Durable state"):
// no partition is ever held by two members, the revoking members may still commit what they are
// giving up, every partition ends assigned, and committed offsets never go backwards.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { offsetsPartitionFor } from '../../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroupState } from '../../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { partitionsOf, ThinMember } from '../consumer-groups/thin-member';
import { until } from '../until';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';

const GROUP = 'rebalancing';
const TOPIC = 'tasks';
const PARTITIONS = 6;

describe('cluster: kill -9 of the consumer-group coordinator mid-rebalance (3 broker processes)', function () {
  let cluster: ClusterHarness;
  before(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, PARTITIONS, 3);
  });
  after(async () => cluster.close());

  it('restores the pending revocations on the new coordinator: no partition held twice, all assigned in the end, offsets never backwards', async () => {
    const offsetsPartition = offsetsPartitionFor(GROUP, 8);
    let coordinator = await cluster.leaderOf('__consumer_offsets', offsetsPartition);
    const at = () => (method: string, request: object) => cluster.call(coordinator, 'sluice.v1.Groups', method, request);
    const [a, b, c] = [new ThinMember(at, GROUP, TOPIC), new ThinMember(at, GROUP, TOPIC), new ThinMember(at, GROUP, TOPIC)];

    /** The highest offset seen committed per partition: every later reading must be at least that. */
    const highest = new Map<number, number>();
    /** Describes the group and checks the invariants on what it shows; undefined while no coordinator answers. */
    const describeChecked = async (): Promise<any> => {
      const answer = await cluster.call(coordinator, 'sluice.v1.Groups', 'describeGroups', { groupIds: [GROUP] }).catch(() => undefined);
      const group = answer?.groups[0];
      if (group === undefined || group.errorCode !== ErrorCode.NONE) return undefined;
      const holder = new Map<number, string>();
      for (const m of group.members) {
        for (const p of [...partitionsOf(m.assigned, TOPIC), ...partitionsOf(m.pendingRevocation, TOPIC)]) {
          assert.ok(!holder.has(p), `partition ${p} held by ${holder.get(p)} and ${m.memberId}: ${JSON.stringify(group.members)}`);
          holder.set(p, m.memberId);
        }
      }
      for (const o of group.offsets) {
        const offset = Number(o.offset);
        assert.ok(offset >= (highest.get(o.partition) ?? 0), `committed offset of partition ${o.partition} went back from ${highest.get(o.partition)} to ${offset}`);
        highest.set(o.partition, offset);
      }
      return group;
    };
    const commitOk = async (m: ThinMember, partition: number, offset: number) => {
      const result = await m.commit(partition, offset);
      assert.equal(result.errorCode, ErrorCode.NONE, `commit of ${partition} at ${offset} by a holder: ${result.errorMessage}`);
    };

    await a.join();
    await b.join();
    await until(async () => {
      await a.beat();
      await b.beat();
      return a.owned.length === 3 && b.owned.length === 3 && (await describeChecked())?.state === ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE;
    }, 'a stable 3+3 split');
    for (const m of [a, b]) for (const p of m.owned) await commitOk(m, p, 10 + p);

    // c joins; a and b are each told to give up one partition, and do not acknowledge it yet.
    await c.join();
    assert.equal(c.owned.length, 0, 'c gets nothing while a and b hold everything');
    const held = new Map<ThinMember, number[]>();
    const pending = new Map<ThinMember, number>();
    for (const m of [a, b]) {
      const before = [...m.owned];
      await m.beat(before);
      const gone = before.filter((p) => !m.owned.includes(p));
      assert.equal(gone.length, 1, `one partition to revoke, kept ${m.owned.join(',')}`);
      held.set(m, before);
      pending.set(m, gone[0]!);
    }
    const during = await describeChecked();
    assert.equal(during.state, ConsumerGroupState.CONSUMER_GROUP_STATE_RECONCILING);
    // Commit on revoke, before the failover.
    await commitOk(a, pending.get(a)!, 100 + pending.get(a)!);

    await cluster.kill(coordinator, 'SIGKILL');
    coordinator = await cluster.leaderOf('__consumer_offsets', offsetsPartition);
    const restored = await until(describeChecked, 'the new coordinator to describe the group', { maxWaitMs: 30_000, intervalMs: 100 });
    assert.equal(restored.groupEpoch, during.groupEpoch);
    for (const m of [a, b]) {
      const described = restored.members.find((d: any) => d.memberId === m.memberId);
      assert.deepEqual(partitionsOf(described.pendingRevocation, TOPIC), [pending.get(m)], 'the revocation is still pending after the takeover');
    }
    assert.equal(highest.get(pending.get(a)!), 100 + pending.get(a)!, 'the commit on revoke survived the failover');

    // Still holding its partition, b reaches the new coordinator and commits it on revoke there.
    const stillTold = await b.beat(held.get(b)!);
    assert.equal(stillTold.errorCode, ErrorCode.NONE, stillTold.errorMessage);
    await commitOk(b, pending.get(b)!, 100 + pending.get(b)!);

    // Then everyone acknowledges (ThinMember reports what it was last given) until stable 2+2+2.
    await until(async () => {
      for (const m of [a, b, c]) await m.beat();
      const group = await describeChecked();
      return group?.state === ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE && [a, b, c].every((m) => m.owned.length === 2);
    }, 'a stable 2+2+2 split on the new coordinator', { maxWaitMs: 30_000, intervalMs: 50 });
    assert.deepEqual([...a.owned, ...b.owned, ...c.owned].sort(), [0, 1, 2, 3, 4, 5]);
    assert.ok(c.owned.includes(pending.get(a)!) && c.owned.includes(pending.get(b)!), 'c got exactly the revoked partitions');

    // The revoked partitions are c's now: a's commit of its old partition is refused, c's accepted.
    const zombie = await a.commit(pending.get(a)!, 1);
    assert.notEqual(zombie.errorCode, ErrorCode.NONE, 'a commit of a partition a gave up');
    await commitOk(c, pending.get(a)!, 200);
    const final = await describeChecked();
    for (let p = 0; p < PARTITIONS; p++) assert.ok(final.offsets.some((o: any) => o.partition === p), `partition ${p} has its committed offset`);
    assert.equal(highest.get(pending.get(a)!), 200);
    assert.equal(highest.get(pending.get(b)!), 100 + pending.get(b)!);
  });
});
