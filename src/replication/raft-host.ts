// Hosts every Raft group of one broker: one tick timer for all of them, routing of received
// envelopes to their group, and scheduling — a group with work is driven once per event-loop
// turn however many inputs it got, so proposals and messages that arrive together share one
// Ready (one write, one fsync, one message per follower).
//
// Quiet groups are not ticked (quiescence), so that thousands of idle partitions cost almost
// nothing: a group whose log has been still for a while and whose peers are caught up stops
// heartbeating, and its followers stop counting towards an election. What detects a dead leader
// then is node liveness: every tick the transport sends a keepalive to each peer it sent nothing
// else, and a follower whose leader's node has been silent for LIVENESS_TICKS ticks again.
// Any message other than a heartbeat, and any proposal, wakes a group.
import type { NodeId } from '../common/ids';
import type { Message, RaftEnvelope } from '../raft';
import { EntryCacheBudget } from './entry-cache-budget';
import { RaftTimings } from './raft-timings';
import type { RaftTransport } from './transport';

export interface HostedRaftGroup {
  readonly raftGroupId: string;
  /** Hands a message from another member to the group's Raft node. */
  step(message: Message): void;
  /** Advances the group's Raft clock by one tick. */
  tick(): void;
  /** The transport could not reach `peer` (its Raft node slows down sending to it). */
  reportUnreachable(peer: NodeId): void;
  /** Processes the node's pending Readys (serialised by the group itself). */
  drive(): void;
  /** Whether the group may skip this tick (see quiescence above); groups that never quiesce omit it. */
  quiescent?(liveness: NodeLiveness): boolean;
  /** Something happened that a quiet group must react to (a message other than a heartbeat). */
  wake?(): void;
  /**
   * Stopped for good (its storage failed): neither ticked nor given messages, whose answers it
   * could never send and would keep queued.
   */
  readonly failed?: boolean;
}

export interface NodeLiveness {
  /** Whether anything (a message or a keepalive) arrived from `node` within the last LIVENESS_TICKS ticks. */
  alive(node: NodeId): boolean;
}

/** Silence after which a peer node counts as down for quiescence (5 ticks: 500 ms at the default tick). */
export const LIVENESS_TICKS = 5;

export class RaftHost implements NodeLiveness {
  private readonly groups = new Map<string, HostedRaftGroup>();
  private readonly dirty = new Set<HostedRaftGroup>();
  private scheduled = false;
  private ticker: NodeJS.Timeout | undefined;
  private ticks = 0;
  /** The tick at which something last arrived from each peer node. */
  private readonly heardAt = new Map<NodeId, number>();
  /** Per-round timings of every group on this broker, for /metrics. */
  readonly timings = new RaftTimings();
  /** The memory all groups' entry caches share. */
  readonly entryCache: EntryCacheBudget;

  constructor(
    readonly nodeId: NodeId,
    private readonly transport: RaftTransport,
    private readonly tickMs: number,
    entryCacheBytes?: number,
  ) {
    this.entryCache = new EntryCacheBudget(entryCacheBytes);
    transport.onReceive((envelopes, from) => this.receive(envelopes, from));
    transport.onUnreachable((peer) => {
      for (const group of this.groups.values()) group.reportUnreachable(peer);
    });
  }

  start(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.groups.clear();
    await this.transport.stop();
  }

  add(group: HostedRaftGroup): void {
    this.groups.set(group.raftGroupId, group);
    this.schedule(group);
  }

  remove(raftGroupId: string): void {
    const group = this.groups.get(raftGroupId);
    if (group) this.dirty.delete(group);
    this.groups.delete(raftGroupId);
  }

  get(raftGroupId: string): HostedRaftGroup | undefined {
    return this.groups.get(raftGroupId);
  }

  /** Marks a group as having work; it is driven on the next turn of the event loop. */
  schedule(group: HostedRaftGroup): void {
    this.dirty.add(group);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.driveDirty());
    }
  }

  send(raftGroupId: string, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    this.transport.send(messages.map((message) => ({ raftGroupId, from: message.from, to: message.to, message })));
  }

  alive(node: NodeId): boolean {
    const heard = this.heardAt.get(node);
    return heard !== undefined && this.ticks - heard <= LIVENESS_TICKS;
  }

  /** Groups ticked on the last tick (the others were quiescent); for tests and metrics. */
  activeGroups = 0;

  private tick(): void {
    this.ticks++;
    this.transport.keepalive();
    let active = 0;
    for (const group of this.groups.values()) {
      if (group.failed || group.quiescent?.(this)) continue;
      active++;
      group.tick();
      this.schedule(group);
    }
    this.activeGroups = active;
  }

  private receive(envelopes: RaftEnvelope[], from: NodeId): void {
    this.heardAt.set(from, this.ticks);
    for (const envelope of envelopes) {
      if (envelope.to !== this.nodeId) continue;
      const group = this.groups.get(envelope.raftGroupId);
      if (!group || group.failed) continue; // not created yet (the sender retries), or failed
      const type = envelope.message.type;
      if (type !== 'heartbeat' && type !== 'heartbeatResponse') group.wake?.();
      group.step(envelope.message);
      this.schedule(group);
    }
  }

  private driveDirty(): void {
    this.scheduled = false;
    const groups = [...this.dirty];
    this.dirty.clear();
    for (const group of groups) group.drive();
  }
}
