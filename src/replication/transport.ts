// How Raft envelopes travel between brokers. Implementations batch per destination node: all the
// envelopes queued during one turn of the event loop go to a peer as one message.
import type { NodeId } from '../common/ids';
import type { RaftEnvelope } from '../raft';

export interface RaftTransport {
  /** Queues envelopes for their destination nodes. Never throws; delivery is best effort (Raft retries). */
  send(envelopes: readonly RaftEnvelope[]): void;
  /** Sets the receiver of envelopes addressed to this node (`from`: the sending node; envelopes may be empty, a keepalive). */
  onReceive(handler: (envelopes: RaftEnvelope[], from: NodeId) => void): void;
  /**
   * Sends an empty batch to every peer that was sent nothing since the previous call, so that
   * peers know this node is alive while its groups are quiet (RaftHost calls it every tick).
   */
  keepalive(): void;
  /** Sets the callback for a peer that could not be reached (the host reports it to Raft). */
  onUnreachable(handler: (peer: NodeId) => void): void;
  /** Stops sending and receiving. Safe to call twice. */
  stop(): Promise<void>;
}

/** Many in-process nodes joined by an in-memory network, for tests. Links can be cut. */
export class InMemoryNetwork {
  private readonly nodes = new Map<NodeId, InMemoryTransport>();
  private readonly cut = new Set<string>();

  transport(nodeId: NodeId): InMemoryTransport {
    const transport = new InMemoryTransport(nodeId, this);
    this.nodes.set(nodeId, transport);
    return transport;
  }

  /** Drops everything between a and b (both directions) until heal(). */
  partition(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}-${b}`);
    this.cut.add(`${b}-${a}`);
  }

  /** Drops everything to and from `node`. */
  isolate(node: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== node) this.partition(node, other);
  }

  heal(): void {
    this.cut.clear();
  }

  deliver(from: NodeId, to: NodeId, envelopes: RaftEnvelope[]): boolean {
    if (this.cut.has(`${from}-${to}`)) return false;
    const target = this.nodes.get(to);
    if (!target || target.stopped) return false;
    target.receive(envelopes, from);
    return true;
  }

  peersOf(nodeId: NodeId): NodeId[] {
    return [...this.nodes.keys()].filter((id) => id !== nodeId);
  }

  remove(nodeId: NodeId): void {
    this.nodes.delete(nodeId);
  }
}

export class InMemoryTransport implements RaftTransport {
  stopped = false;
  private handler: (envelopes: RaftEnvelope[], from: NodeId) => void = () => undefined;
  private unreachable: (peer: NodeId) => void = () => undefined;
  private readonly queued = new Map<NodeId, RaftEnvelope[]>();
  private readonly sentTo = new Set<NodeId>();
  private flushScheduled = false;

  constructor(
    readonly nodeId: NodeId,
    private readonly network: InMemoryNetwork,
  ) {}

  send(envelopes: readonly RaftEnvelope[]): void {
    if (this.stopped) return;
    for (const envelope of envelopes) {
      let list = this.queued.get(envelope.to);
      if (!list) this.queued.set(envelope.to, (list = []));
      list.push(envelope);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  onReceive(handler: (envelopes: RaftEnvelope[], from: NodeId) => void): void {
    this.handler = handler;
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.unreachable = handler;
  }

  keepalive(): void {
    if (this.stopped) return;
    for (const peer of this.network.peersOf(this.nodeId)) {
      if (!this.sentTo.has(peer) && !this.queued.has(peer)) this.network.deliver(this.nodeId, peer, []);
    }
    this.sentTo.clear();
  }

  receive(envelopes: RaftEnvelope[], from: NodeId): void {
    if (!this.stopped) this.handler(envelopes, from);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.network.remove(this.nodeId);
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.queued];
    this.queued.clear();
    for (const [to, envelopes] of batches) {
      this.sentTo.add(to);
      if (!this.network.deliver(this.nodeId, to, envelopes)) this.unreachable(to);
    }
  }
}
