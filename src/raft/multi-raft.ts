// Many Raft groups on one node (one per partition, plus the metadata group). Routes inputs by
// group id and gathers every group's Ready, so that the host persists all groups' writes with one
// group-committed fsync and the transport sends one batch per destination node, where heartbeats
// of idle groups can be coalesced (Redpanda/CockroachDB style).
import type { NodeId } from '../common/ids';
import type { RaftOptions } from './config';
import type { Message } from './messages';
import { RaftNode } from './raft-node';
import type { Ready } from './ready';

/** Names a Raft group across the cluster, e.g. "orders/3" or "__metadata". */
export type GroupId = string;

/** A message on the wire between two nodes, addressed to one group. */
export interface RaftEnvelope {
  readonly groupId: GroupId;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly message: Message;
}

export interface GroupReady {
  readonly groupId: GroupId;
  readonly ready: Ready;
}

export class MultiRaft {
  private readonly groups = new Map<GroupId, RaftNode>();

  constructor(readonly nodeId: NodeId) {}

  /** Creates this node's replica of a group. Throws if it exists already. */
  addGroup(groupId: GroupId, options: Omit<RaftOptions, 'id'>): RaftNode {
    if (this.groups.has(groupId)) throw new Error(`raft group ${groupId} already exists on node ${this.nodeId}`);
    const node = new RaftNode({ ...options, id: this.nodeId });
    this.groups.set(groupId, node);
    return node;
  }

  removeGroup(groupId: GroupId): boolean {
    return this.groups.delete(groupId);
  }

  group(groupId: GroupId): RaftNode | undefined {
    return this.groups.get(groupId);
  }

  groupIds(): GroupId[] {
    return [...this.groups.keys()];
  }

  /**
   * Delivers one envelope. Returns false when this node has no replica of the group (the host
   * may create it, e.g. a new learner, and deliver again) or the envelope is not for this node.
   */
  step(envelope: RaftEnvelope): boolean {
    if (envelope.to !== this.nodeId) return false;
    const node = this.groups.get(envelope.groupId);
    if (!node) return false;
    node.step(envelope.message);
    return true;
  }

  /** One tick for every group. */
  tick(): void {
    for (const node of this.groups.values()) node.tick();
  }

  /** The Ready of every group that has work; each must be advanced before its group's next one. */
  readyGroups(): GroupReady[] {
    const out: GroupReady[] = [];
    for (const [groupId, node] of this.groups) if (node.hasReady()) out.push({ groupId, ready: node.ready() });
    return out;
  }

  advance(groupId: GroupId, ready: Ready): void {
    this.mustGet(groupId).advance(ready);
  }

  onLocalDurable(groupId: GroupId, readySeq: number): void {
    this.mustGet(groupId).onLocalDurable(readySeq);
  }

  /** Wraps a Ready's messages in envelopes for the transport. */
  static envelopes(groupId: GroupId, messages: readonly Message[]): RaftEnvelope[] {
    return messages.map((message) => ({ groupId, from: message.from, to: message.to, message }));
  }

  private mustGet(groupId: GroupId): RaftNode {
    const node = this.groups.get(groupId);
    if (!node) throw new Error(`raft group ${groupId} does not exist on node ${this.nodeId}`);
    return node;
  }
}
