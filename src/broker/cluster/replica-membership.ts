// Controller work on the partitions this broker leads, kept out of the data path: walking each
// partition's Raft group to the replicas the metadata assigns, one membership change at a time
// (membership-plan.ts), reporting a finished move so that the retiring replicas may delete their
// copies (never before: they may still be needed for a majority), and handing leadership back to
// the preferred replica. Driven by the partitions' commits and by ClusterCore's timers (see
// docs/cluster.md).
import type { Clock } from '../../common/clock';
import { asNodeId, type TopicPartition } from '../../common/ids';
import type { Logger } from '../../common/logger';
import { nextMembershipStep } from '../../partition/membership-plan';
import type { PartitionReplica } from '../../partition/replica';
import type { RaftGroup } from '../../replication/raft-group';

/** What membership work needs of a partition's Raft group. */
export type MembershipRaftGroup = Pick<RaftGroup, 'status' | 'proposeConfChange' | 'transferLeadership'>;

/** The replicas the metadata assigns (preferred leader first), and those leaving that it still waits on. */
export interface ReplicaAssignment {
  readonly replicas: readonly number[];
  readonly retiring: readonly number[];
}

export interface ReplicaMembershipOptions {
  readonly nodeId: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Tells the controller that the group's voters now equal `replicas` (ReassignmentReporter). */
  readonly report: (tp: TopicPartition, replicas: readonly number[]) => Promise<void>;
}

interface Member {
  readonly replica: PartitionReplica;
  readonly group: MembershipRaftGroup;
  readonly name: string;
  target: readonly number[];
  retiring: readonly number[];
  /** The leader term in which the voters were found equal to the assignment with nothing left to report. */
  settledInTerm: number | undefined;
  lastReportMs: number;
}

/** How often a finished reassignment is reported again while the metadata still lists retiring replicas. */
const REPORT_RETRY_MS = 2000;

export class ReplicaMembership {
  /** Keyed by the replica object, so that a closed replica's entry goes with it. */
  private readonly members = new WeakMap<PartitionReplica, Member>();

  constructor(private readonly options: ReplicaMembershipOptions) {}

  /** A replica this broker opened, with its Raft group and the assignment it was opened with. */
  add(replica: PartitionReplica, group: MembershipRaftGroup, assignment: ReplicaAssignment): void {
    const { topic, partition } = replica.topicPartition;
    const member: Member = { replica, group, name: `${topic}/${partition}`, target: assignment.replicas, retiring: assignment.retiring, settledInTerm: undefined, lastReportMs: 0 };
    this.members.set(replica, member);
    this.step(member);
  }

  /** The metadata assigned `replica`'s partition new replicas: its leader walks the group there. */
  assign(replica: PartitionReplica, assignment: ReplicaAssignment): void {
    const member = this.members.get(replica);
    if (!member) return;
    member.target = assignment.replicas;
    member.retiring = assignment.retiring;
    member.settledInTerm = undefined;
    this.step(member);
  }

  /** `replica` applied committed entries: a step that waited on a commit may be possible now. */
  committed(replica: PartitionReplica): void {
    const member = this.members.get(replica);
    if (member && this.unsettled(member)) this.step(member);
  }

  /** On a timer: the leaders whose membership work waits on something (a learner catching up) try again. */
  retry(replicas: Iterable<PartitionReplica>): void {
    for (const replica of replicas) this.committed(replica);
  }

  /**
   * Preferred-leader balancing, on a timer: a leader that is not its partition's preferred replica
   * (the first assigned) hands leadership to it once it has caught up, so that leaders spread
   * evenly again after a broker returns. Returns how many transfers started.
   */
  balance(replicas: Iterable<PartitionReplica>): number {
    let started = 0;
    for (const replica of replicas) {
      const member = this.members.get(replica);
      if (member && this.transferToPreferred(member)) started++;
    }
    return started;
  }

  private transferToPreferred(member: Member): boolean {
    const preferred = member.target[0];
    if (!member.replica.caughtUp || preferred === undefined || preferred === this.options.nodeId) return false;
    const status = member.group.status();
    const target = status.progress.find((p) => p.id === preferred);
    if (!target || target.match < status.lastIndex) return false;
    const started = member.group.transferLeadership(asNodeId(preferred));
    if (started) this.options.logger.info({ partition: member.name, to: preferred }, `node ${this.options.nodeId} hands leadership of ${member.name} to its preferred replica ${preferred}`);
    return started;
  }

  /** Leader only: whether membership work may remain. */
  private unsettled(member: Member): boolean {
    return member.replica.leaderId === this.options.nodeId && member.settledInTerm !== member.replica.leaderEpoch;
  }

  /** Leader only: takes the next membership step towards the assignment, if one can be taken now. */
  private step(member: Member): void {
    // caughtUp: leads, and an entry of its term committed (a membership change needs it, thesis §4.1).
    if (!member.replica.caughtUp) return;
    const { name, group } = member;
    const status = group.status();
    const step = nextMembershipStep({ self: this.options.nodeId, config: status.config, commit: status.commit, progress: status.progress }, member.target);
    switch (step.kind) {
      case 'change':
        if (group.proposeConfChange(step.change).ok) {
          this.options.logger.info({ partition: name, change: step.change }, `${name}: ${step.change.type} node ${step.change.node} (voters ${status.config.voters.join(',')})`);
        }
        return;
      case 'transfer':
        if (group.transferLeadership(step.to)) this.options.logger.info({ partition: name, to: step.to }, `${name}: hands leadership to ${step.to} for the next membership change`);
        return;
      case 'wait':
        return;
      case 'done':
        if (status.configIndex > status.commit) return;
        if (member.retiring.length > 0) this.report(member);
        else member.settledInTerm = member.replica.leaderEpoch;
    }
  }

  private report(member: Member): void {
    const now = this.options.clock.nowMs();
    // A wall clock stepped back (NTP, docs/chaos.md "Clock faults") would otherwise hold the
    // retry until it caught up with the last report again, hours later after a large step.
    const sinceLastMs = now - member.lastReportMs;
    if (sinceLastMs >= 0 && sinceLastMs < REPORT_RETRY_MS) return;
    member.lastReportMs = now;
    this.options.report(member.replica.topicPartition, member.target).catch((error: unknown) => {
      this.options.logger.warn({ partition: member.name, err: error }, `${member.name}: reporting the finished reassignment failed; will retry`);
    });
  }
}
