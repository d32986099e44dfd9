// How Raft envelopes travel between brokers. Implementations batch per destination node: all the
// envelopes queued during one turn of the event loop go to a peer as one message.
import type { NodeId } from '../common/ids';
import type { RaftEnvelope } from '../raft';

export interface RaftTransport {
  /** Queues envelopes for their destination nodes. Never throws; delivery is best effort (Raft retries). */
  send(envelopes: readonly RaftEnvelope[]): void;
  /** Sets the receiver of envelopes addressed to this node. */
  onReceive(handler: (envelopes: RaftEnvelope[]) => void): void;
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
    target.receive(envelopes);
    return true;
  }

  remove(nodeId: NodeId): void {
    this.nodes.delete(nodeId);
  }
}

export class InMemoryTransport implements RaftTransport {
  stopped = false;
  private handler: (envelopes: RaftEnvelope[]) => void = () => undefined;
  private unreachable: (peer: NodeId) => void = () => undefined;
  private readonly queued = new Map<NodeId, RaftEnvelope[]>();
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

  onReceive(handler: (envelopes: RaftEnvelope[]) => void): void {
    this.handler = handler;
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.unreachable = handler;
  }

  receive(envelopes: RaftEnvelope[]): void {
    if (!this.stopped) this.handler(envelopes);
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
      if (!this.network.deliver(this.nodeId, to, envelopes)) this.unreachable(to);
    }
  }
}
