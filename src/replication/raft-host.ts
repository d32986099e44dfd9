// Hosts every Raft group of one broker: one tick timer for all of them, routing of received
// envelopes to their group, and scheduling — a group with work is driven once per event-loop
// turn however many inputs it got, so proposals and messages that arrive together share one
// Ready (one write, one fsync, one message per follower).
import type { NodeId } from '../common/ids';
import type { Message, RaftEnvelope, RaftNode } from '../raft';
import type { RaftTransport } from './transport';

export interface HostedGroup {
  readonly groupId: string;
  readonly node: RaftNode;
  /** Processes the node's pending Readys (serialised by the group itself). */
  drive(): void;
}

export class RaftHost {
  private readonly groups = new Map<string, HostedGroup>();
  private readonly dirty = new Set<HostedGroup>();
  private scheduled = false;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    readonly nodeId: NodeId,
    private readonly transport: RaftTransport,
    private readonly tickMs: number,
  ) {
    transport.onReceive((envelopes) => this.receive(envelopes));
    transport.onUnreachable((peer) => {
      for (const group of this.groups.values()) group.node.reportUnreachable(peer);
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

  add(group: HostedGroup): void {
    this.groups.set(group.groupId, group);
    this.schedule(group);
  }

  remove(groupId: string): void {
    const group = this.groups.get(groupId);
    if (group) this.dirty.delete(group);
    this.groups.delete(groupId);
  }

  get(groupId: string): HostedGroup | undefined {
    return this.groups.get(groupId);
  }

  /** Marks a group as having work; it is driven on the next turn of the event loop. */
  schedule(group: HostedGroup): void {
    this.dirty.add(group);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.driveDirty());
    }
  }

  send(groupId: string, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    this.transport.send(messages.map((message) => ({ groupId, from: message.from, to: message.to, message })));
  }

  private tick(): void {
    for (const group of this.groups.values()) {
      group.node.tick();
      this.schedule(group);
    }
  }

  private receive(envelopes: RaftEnvelope[]): void {
    for (const envelope of envelopes) {
      if (envelope.to !== this.nodeId) continue;
      const group = this.groups.get(envelope.groupId);
      if (!group) continue; // a replica this broker has not created yet: the sender retries
      group.node.step(envelope.message);
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
