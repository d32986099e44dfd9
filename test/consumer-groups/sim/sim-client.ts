// A simulated consumer process for the consumer-group simulator: it heartbeats on its interval
// with what it owns, applies the assignment it is told (revoking at once or after a delay, as a
// client committing on revoke would), and reacts to errors as a KIP-848 client does.
import type { HeartbeatRequest } from '../../../src/consumer-groups/coordinator/heartbeat-request';
import type { HeartbeatResult } from '../../../src/consumer-groups/coordinator/consumer-group';
import { keysOf, listOf, type PartitionKey } from '../../../src/consumer-groups/coordinator/partition-key';

export type ClientStatus = 'running' | 'paused' | 'crashed' | 'stopped';

export class SimClient {
  memberId = '';
  memberEpoch = 0;
  status: ClientStatus = 'running';
  /** Partitions it consumes now. */
  owned = new Set<PartitionKey>();
  /** The last assignment it was told. */
  told = new Set<PartitionKey>();
  /** Partitions it was told to give up and has not yet (slow commit on revoke), and when it will. */
  revoking = new Set<PartitionKey>();
  revokeAtMs = 0;
  nextHeartbeatMs = 0;
  /** The heartbeat on the wire, and when it reaches the coordinator. */
  inFlight: { readonly req: HeartbeatRequest; readonly deliverAtMs: number } | null = null;
  private subscriptionSent = false;

  constructor(
    readonly name: string,
    readonly instanceId: string,
    readonly topics: readonly string[],
    readonly assignor: string,
    /** How long it takes to revoke; beyond the rebalance timeout it gets fenced. */
    public revokeDelayMs: number,
  ) {}

  /** The next heartbeat: a join carries the subscription, every heartbeat what it owns. */
  request(): HeartbeatRequest {
    const join = this.memberEpoch === 0;
    return {
      memberId: this.memberId,
      memberEpoch: this.memberEpoch,
      ...(this.instanceId !== '' ? { instanceId: this.instanceId } : {}),
      ...(join || !this.subscriptionSent ? { subscribedTopicNames: this.topics, serverAssignor: this.assignor } : {}),
      ownedPartitions: listOf(this.owned),
    };
  }

  /** Applies an answer; returns the partitions the answer took away from what it was told before. */
  onResponse(r: HeartbeatResult, nowMs: number, heartbeatIntervalMs: number): PartitionKey[] {
    if (!r.ok) {
      this.subscriptionSent = false;
      switch (r.error.code) {
        case 'FENCED_MEMBER_EPOCH':
        case 'UNKNOWN_MEMBER_ID':
          // Fenced: its partitions are lost (no commit allowed); rejoin under the same id.
          this.owned.clear();
          this.told.clear();
          this.revoking.clear();
          this.memberEpoch = 0;
          break;
        case 'UNRELEASED_INSTANCE_ID':
          break;
        default:
          this.status = 'stopped';
      }
      this.nextHeartbeatMs = nowMs + heartbeatIntervalMs;
      return [];
    }
    this.subscriptionSent = true;
    this.memberId = r.memberId;
    this.memberEpoch = r.memberEpoch;
    const next = keysOf(r.assignment);
    const takenAway = [...this.told].filter((k) => !next.has(k));
    for (const key of next) {
      this.owned.add(key);
      this.revoking.delete(key);
    }
    const toRevoke = [...this.owned].filter((k) => !next.has(k));
    this.told = next;
    this.nextHeartbeatMs = nowMs + heartbeatIntervalMs;
    if (toRevoke.length > 0) {
      if (this.revokeDelayMs === 0) {
        for (const k of toRevoke) this.owned.delete(k);
        this.nextHeartbeatMs = nowMs; // acknowledge the revocation at once
      } else {
        if (this.revoking.size === 0) this.revokeAtMs = nowMs + this.revokeDelayMs;
        for (const k of toRevoke) this.revoking.add(k);
      }
    }
    return takenAway;
  }

  /** Finishes a slow revocation when its time has come. */
  maybeFinishRevoking(nowMs: number): void {
    if (this.revoking.size === 0 || nowMs < this.revokeAtMs) return;
    for (const k of this.revoking) if (!this.told.has(k)) this.owned.delete(k);
    this.revoking.clear();
    this.nextHeartbeatMs = nowMs;
  }
}
