// A thin consumer-group member for tests: raw ConsumerGroupHeartbeat and CommitOffsets requests,
// as a client in any language would send them (proto3: fields at their default left off the wire).
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import type { Rpc } from '../broker/broker-fixture';

type Assignment = { topic: string; partitions: number[] }[];

/** The partition numbers of `topic` in an assignment, ascending. */
export const partitionsOf = (assignment: Assignment, topic: string): number[] => (assignment.find((tp) => tp.topic === topic)?.partitions ?? []).slice().sort((a, b) => a - b);

/** Joins, then heartbeats reporting exactly the partitions it was last given (so it revokes at once). */
export class ThinMember {
  memberId = '';
  memberEpoch = 0;
  owned: number[] = [];
  /** `groups` is called for every request: the coordinator may change (a restart, a failover). */
  constructor(private readonly groups: () => Rpc, readonly groupId: string, readonly topic: string) {}

  async join(): Promise<any> {
    const answer = await this.groups()('consumerGroupHeartbeat', { groupId: this.groupId, subscribedTopicNames: [this.topic] });
    assert.equal(answer.errorCode, ErrorCode.NONE, answer.errorMessage);
    return this.take(answer);
  }

  /** One heartbeat reporting `owned` (default: what it holds); adopts the answer's assignment when accepted. */
  async beat(owned = this.owned): Promise<any> {
    const answer = await this.groups()('consumerGroupHeartbeat', {
      groupId: this.groupId,
      memberId: this.memberId,
      memberEpoch: this.memberEpoch,
      ownedPartitions: owned.length === 0 ? [] : [{ topic: this.topic, partitions: owned }],
    });
    return answer.errorCode === ErrorCode.NONE ? this.take(answer) : answer;
  }

  async leave(): Promise<any> {
    return this.groups()('consumerGroupHeartbeat', { groupId: this.groupId, memberId: this.memberId, memberEpoch: -1 });
  }

  /** Commits one offset with the member's id and `epoch` (default its own); the partition's result. */
  async commit(partition: number, offset: number, epoch = this.memberEpoch): Promise<any> {
    const { partitions } = await this.groups()('commitOffsets', { groupId: this.groupId, memberId: this.memberId, memberEpoch: epoch, partitions: [{ topic: this.topic, partition, offset }] });
    return partitions[0];
  }

  private take(answer: any): any {
    this.memberId = answer.memberId;
    this.memberEpoch = answer.memberEpoch;
    this.owned = partitionsOf(answer.assignment, this.topic);
    return answer;
  }
}
