// Raft envelopes between brokers over gRPC: one client stream per peer carrying RaftBatch
// messages (all groups' envelopes of one event-loop turn in one batch); the receiving side is a
// service on the broker's own gRPC port. Delivery is best effort: a broken stream drops what it
// held (Raft retransmits) and reconnects after a short backoff.
import * as grpc from '@grpc/grpc-js';
import type { NodeId } from '../common/ids';
import { moduleLogger, type Logger } from '../common/logger';
import { raftProtoRoot } from '../protocol/proto-root';
import { serviceDefinition } from '../protocol/services';
import type { RaftEnvelope } from '../raft';
import { fromWire, toWire, type WireEnvelope } from './raft-wire';
import type { RaftTransport } from './transport';

const SERVICE = 'sluice.raft.v1.RaftTransport';
const RECONNECT_BACKOFF_MS = 250;
/** Above this many queued bytes to one peer, new envelopes to it are dropped (Raft resends). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

interface WireBatch {
  from: number;
  to: number;
  clusterId: string;
  envelopes: WireEnvelope[];
}

export interface GrpcTransportOptions {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  /** Address (host:port) of each peer's gRPC port. */
  readonly peers: ReadonlyMap<NodeId, string>;
  /** The address of a peer not in `peers` (a broker that joined later), looked up on first send. */
  readonly resolve?: (peer: NodeId) => string | undefined;
}

export function raftServiceDefinition(): grpc.ServiceDefinition {
  return serviceDefinition(raftProtoRoot(), SERVICE);
}

export class GrpcRaftTransport implements RaftTransport {
  private handler: (envelopes: RaftEnvelope[], from: NodeId) => void = () => undefined;
  private unreachable: (peer: NodeId) => void = () => undefined;
  private readonly peers = new Map<NodeId, PeerLink>();
  private readonly logger: Logger;
  private stopped = false;

  constructor(private readonly options: GrpcTransportOptions) {
    this.logger = moduleLogger('raft-transport', { node: options.nodeId });
    for (const [id, address] of options.peers) {
      if (id !== options.nodeId) this.peers.set(id, new PeerLink(options, id, address, this.logger, (peer) => this.unreachable(peer)));
    }
  }

  /** The server half, to add to the broker's gRPC server. */
  serviceImplementation(): grpc.UntypedServiceImplementation {
    return {
      stream: (call: grpc.ServerDuplexStream<WireBatch, unknown>) => {
        call.on('data', (batch: WireBatch) => {
          if (this.stopped) return;
          if (batch.to !== this.options.nodeId || batch.clusterId !== this.options.clusterId) {
            call.emit('error', {
              code: grpc.status.FAILED_PRECONDITION,
              details: `this is broker ${this.options.nodeId} of cluster '${this.options.clusterId}', not broker ${batch.to} of '${batch.clusterId}'`,
            });
            return;
          }
          let envelopes: RaftEnvelope[];
          try {
            envelopes = (batch.envelopes ?? []).map(fromWire);
          } catch (error) {
            this.logger.warn({ err: error, from: batch.from }, 'dropping a malformed raft batch');
            return;
          }
          this.handler(envelopes, batch.from as NodeId);
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    };
  }

  send(envelopes: readonly RaftEnvelope[]): void {
    if (this.stopped) return;
    for (const envelope of envelopes) this.linkTo(envelope.to)?.enqueue(envelope);
  }

  private linkTo(peer: NodeId): PeerLink | undefined {
    let link = this.peers.get(peer);
    if (!link && peer !== this.options.nodeId) {
      const address = this.options.resolve?.(peer);
      if (address === undefined) return undefined;
      link = new PeerLink(this.options, peer, address, this.logger, (id) => this.unreachable(id));
      this.peers.set(peer, link);
    }
    return link;
  }

  onReceive(handler: (envelopes: RaftEnvelope[], from: NodeId) => void): void {
    this.handler = handler;
  }

  keepalive(): void {
    if (this.stopped) return;
    for (const link of this.peers.values()) link.keepalive();
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.unreachable = handler;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const link of this.peers.values()) link.close();
  }
}

class PeerLink {
  private readonly client: grpc.Client & { stream(): grpc.ClientDuplexStream<WireBatch, unknown> };
  private stream: grpc.ClientDuplexStream<WireBatch, unknown> | undefined;
  private queue: WireEnvelope[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  /**
   * When to try the peer again, on the monotonic clock (performance.now()): a wall clock stepped
   * back (NTP, docs/chaos.md "Clock faults") would hold the retry for as long as the step.
   */
  private retryAtMs = 0;
  private closed = false;
  /** Whether a batch went out since the last keepalive (then none is needed). */
  private sentSinceKeepalive = false;

  constructor(
    private readonly options: GrpcTransportOptions,
    private readonly peer: NodeId,
    address: string,
    private readonly logger: Logger,
    private readonly reportUnreachable: (peer: NodeId) => void,
  ) {
    const Client = grpc.makeGenericClientConstructor(raftServiceDefinition(), 'RaftTransport');
    this.client = new Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_MS,
      'grpc.max_reconnect_backoff_ms': 2_000,
    }) as never;
  }

  enqueue(envelope: RaftEnvelope): void {
    if (this.closed) return;
    const bytes = envelopeBytes(envelope);
    if (this.queuedBytes + bytes > MAX_QUEUED_BYTES) return;
    this.queue.push(toWire(envelope));
    this.queuedBytes += bytes;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** An empty batch when nothing else went to the peer since the last call: "this node is alive". */
  keepalive(): void {
    if (!this.sentSinceKeepalive && !this.closed && this.queue.length === 0) {
      this.openStream()?.write({ from: this.options.nodeId, to: this.peer, clusterId: this.options.clusterId, envelopes: [] });
    }
    this.sentSinceKeepalive = false;
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
    this.client.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.queue.length === 0) return;
    const stream = this.openStream();
    if (!stream) {
      this.drop();
      return;
    }
    const envelopes = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    stream.write({ from: this.options.nodeId, to: this.peer, clusterId: this.options.clusterId, envelopes });
    this.sentSinceKeepalive = true;
  }

  private openStream(): grpc.ClientDuplexStream<WireBatch, unknown> | undefined {
    if (this.stream) return this.stream;
    if (performance.now() < this.retryAtMs) return undefined;
    const stream = this.client.stream();
    this.stream = stream;
    const broken = (reason: string): void => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.retryAtMs = performance.now() + RECONNECT_BACKOFF_MS;
      this.logger.debug({ peer: this.peer, reason }, 'raft stream to peer broke');
      this.reportUnreachable(this.peer);
    };
    stream.on('data', () => undefined);
    stream.on('error', (error: Error) => broken(error.message));
    stream.on('end', () => broken('ended'));
    return stream;
  }

  private drop(): void {
    if (this.queue.length > 0) this.reportUnreachable(this.peer);
    this.queue = [];
    this.queuedBytes = 0;
  }
}

function envelopeBytes(envelope: RaftEnvelope): number {
  const m = envelope.message;
  if (m.type === 'append') return 64 + m.entries.reduce((sum, e) => sum + e.data.byteLength + 24, 0);
  if (m.type === 'snapshot') return 64 + m.snapshot.data.byteLength;
  return 64;
}
