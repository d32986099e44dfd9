// The broker's membership work on one partition, against a scripted Raft group: only a leader
// whose commit point is established acts, one change at a time; a finished move is reported
// (and again after a pause while the metadata still lists retiring replicas); a new leadership
// checks again; preferred-leader balancing waits for the preferred replica to catch up.
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/common/clock';
import { asNodeId, asRaftIndex, asTerm, type TopicPartition } from '../../src/common/ids';
import { moduleLogger } from '../../src/common/logger';
import { ReplicaMembership, type MembershipRaftGroup } from '../../src/broker/cluster/replica-membership';
import type { PartitionReplica } from '../../src/partition/replica';
import type { ConfChange, ProposeResult, RaftStatus } from '../../src/raft';

const SELF = 1;

/** A group whose status the test sets, recording what it was asked to do. */
class ScriptedGroup implements MembershipRaftGroup {
  voters: number[] = [1, 2, 3];
  learners: number[] = [];
  commit = 10;
  configIndex = 5;
  lastIndex = 10;
  matches = new Map<number, number>([[2, 10], [3, 10]]);
  readonly changes: ConfChange[] = [];
  readonly transfers: number[] = [];

  status(): RaftStatus {
    const progress = [...this.voters, ...this.learners].map((id) => ({
      id: asNodeId(id), state: 'replicate' as const, match: asRaftIndex(id === SELF ? this.lastIndex : (this.matches.get(id) ?? 0)), next: asRaftIndex(this.lastIndex + 1), isLearner: this.learners.includes(id),
    }));
    return {
      id: asNodeId(SELF), role: 'leader', term: asTerm(1), vote: null, leader: asNodeId(SELF), commit: asRaftIndex(this.commit), applied: asRaftIndex(this.commit),
      firstIndex: asRaftIndex(1), lastIndex: asRaftIndex(this.lastIndex), durableIndex: asRaftIndex(this.lastIndex),
      config: { voters: this.voters.map(asNodeId), learners: this.learners.map(asNodeId) }, configIndex: asRaftIndex(this.configIndex), leadTransferee: null, rebuildingAfterTerm: null, progress,
    };
  }

  proposeConfChange(change: ConfChange): ProposeResult {
    this.changes.push(change);
    this.lastIndex++;
    this.configIndex = this.lastIndex;
    return { ok: true, index: asRaftIndex(this.lastIndex), lastIndex: asRaftIndex(this.lastIndex), term: asTerm(1) };
  }

  transferLeadership(to: Parameters<MembershipRaftGroup['transferLeadership']>[0]): boolean {
    this.transfers.push(to);
    return true;
  }
}

/** The replica facts membership work reads: who leads, in which term, and whether its commit point is established. */
function replicaOf(tp: TopicPartition): PartitionReplica & { leaderId: number | null; leaderEpoch: number; caughtUp: boolean } {
  return { topicPartition: tp, leaderId: SELF, leaderEpoch: 1, caughtUp: true } as PartitionReplica & { leaderId: number | null; leaderEpoch: number; caughtUp: boolean };
}

function setUp(): { clock: ManualClock; membership: ReplicaMembership; reports: (readonly number[])[] } {
  const clock = new ManualClock(1_000_000);
  const reports: (readonly number[])[] = [];
  const membership = new ReplicaMembership({ nodeId: SELF, clock, logger: moduleLogger('test'), report: async (_tp, replicas) => void reports.push(replicas) });
  return { clock, membership, reports };
}

describe('replica membership (the broker\'s work on the partitions it leads)', () => {
  const tp = { topic: 't', partition: 0 };

  it('acts only on a leader whose commit point is established, one change at a time', () => {
    const { membership } = setUp();
    const group = new ScriptedGroup();
    const replica = replicaOf(tp);
    replica.caughtUp = false;
    membership.add(replica, group, { replicas: [1, 2, 3], retiring: [] });
    membership.assign(replica, { replicas: [1, 2, 4], retiring: [3] });
    assert.deepEqual(group.changes, [], 'not before an entry of its term committed');
    replica.caughtUp = true;
    membership.committed(replica);
    assert.deepEqual(group.changes, [{ type: 'addLearner', node: 4 }]);
  });

  it('reports a finished move, again after a pause while the metadata still lists the retiring replicas, and settles once it does not', () => {
    const { clock, membership, reports } = setUp();
    const group = new ScriptedGroup();
    const replica = replicaOf(tp);
    membership.add(replica, group, { replicas: [1, 2, 3], retiring: [4] });
    assert.deepEqual(reports, [[1, 2, 3]]);
    membership.retry([replica]);
    assert.equal(reports.length, 1, 'not again at once');
    clock.advance(2_000);
    membership.retry([replica]);
    assert.equal(reports.length, 2);

    membership.assign(replica, { replicas: [1, 2, 3], retiring: [] });
    group.voters = [1, 2];
    clock.advance(2_000);
    membership.retry([replica]);
    assert.deepEqual(group.changes, [], 'settled: nothing is checked until the next leadership');
    replica.leaderEpoch = 2;
    membership.retry([replica]);
    assert.deepEqual(group.changes, [{ type: 'addLearner', node: 3 }], 'a new leadership checks again');
  });

  it('reports a finished move again after its wall clock was stepped back past the last report (an NTP step, a clock fault)', () => {
    const { clock, membership, reports } = setUp();
    const group = new ScriptedGroup();
    const replica = replicaOf(tp);
    clock.advance(3 * 3_600_000);
    membership.add(replica, group, { replicas: [1, 2, 3], retiring: [4] });
    assert.equal(reports.length, 1);
    clock.advance(-3 * 3_600_000);
    clock.advance(2_000);
    membership.retry([replica]);
    assert.equal(reports.length, 2, 'the retry pause counts from the step back, not 3 h later');
  });

  it('hands leadership to the preferred replica only once it has caught up, and never from the preferred replica', () => {
    const { membership } = setUp();
    const group = new ScriptedGroup();
    const replica = replicaOf(tp);
    membership.add(replica, group, { replicas: [2, 1, 3], retiring: [] });
    group.matches.set(2, 9);
    assert.equal(membership.balance([replica]), 0);
    group.matches.set(2, 10);
    assert.equal(membership.balance([replica]), 1);
    assert.deepEqual(group.transfers, [2]);

    const preferredHere = replicaOf({ topic: 't', partition: 1 });
    membership.add(preferredHere, new ScriptedGroup(), { replicas: [1, 2, 3], retiring: [] });
    assert.equal(membership.balance([preferredHere]), 0);
  });

  it('ignores replicas it was never given (a closed replica goes with its entry)', () => {
    const { membership } = setUp();
    const stranger = replicaOf(tp);
    membership.assign(stranger, { replicas: [2, 3, 4], retiring: [1] });
    membership.committed(stranger);
    assert.equal(membership.balance([stranger]), 0);
  });
});
