// Which offset commits a consumer group accepts (KIP-848 with KIP-1251), as a pure function of
// the coordinator's state: a zombie member can never move the group's offsets.
//  - No member id: accepted only while the group has no members (assign() users, replay tools).
//  - A member id the group does not know: UNKNOWN_MEMBER_ID.
//  - Otherwise the partition must be held by the member (assigned, or pending revocation: commit
//    on revoke is the normal path) and the commit's epoch must lie in [the epoch at which the
//    member got the partition, the member's epoch]; else STALE_MEMBER_EPOCH.
import { consumerGroupError, type ConsumerGroupError } from './errors';
import type { ConsumerGroupMember } from './member';
import { partitionKey } from './partition-key';

export interface OffsetCommitFence {
  /** '' for a commit outside group membership. */
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly topic: string;
  readonly partition: number;
}

export interface CommitFencingView {
  memberCount(): number;
  member(memberId: string): ConsumerGroupMember | undefined;
}

/** null when the commit is accepted, else why not. */
export function checkOffsetCommit(group: CommitFencingView, c: OffsetCommitFence): ConsumerGroupError | null {
  if (c.memberId === '') {
    if (group.memberCount() === 0) return null;
    return consumerGroupError('UNKNOWN_MEMBER_ID', `a commit without a member id is accepted only while the consumer group has no members, and it has ${group.memberCount()}: commit as a member, with its id and epoch`);
  }
  const m = group.member(c.memberId);
  if (m === undefined) return consumerGroupError('UNKNOWN_MEMBER_ID', `member ${c.memberId} is not in the consumer group: rejoin with member epoch 0 before committing`);
  const key = partitionKey(c.topic, c.partition);
  const assignedAt = m.assigned.get(key) ?? m.pendingRevocation.get(key);
  if (assignedAt === undefined) {
    return consumerGroupError('STALE_MEMBER_EPOCH', `member ${c.memberId} does not own ${c.topic}/${c.partition}: commit only partitions in your current assignment`);
  }
  if (c.memberEpoch < assignedAt || c.memberEpoch > m.memberEpoch) {
    return consumerGroupError('STALE_MEMBER_EPOCH', `commit for ${c.topic}/${c.partition} carries member epoch ${c.memberEpoch}, outside [${assignedAt}, ${m.memberEpoch}] (from the epoch the partition was assigned to the member's epoch): heartbeat, then commit with the current epoch`);
  }
  return null;
}
