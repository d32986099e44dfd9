// An in-memory broker for client and CLI tests: the Data, Groups and Admin services over real
// gRPC on 127.0.0.1 (ephemeral port), with the broker's bytes view of the proto, idempotent
// producer bookkeeping, long-poll fetch, and hooks to inject failures and inspect requests.
import * as grpc from '@grpc/grpc-js';
import { crc32c } from '../../src/common/crc32c';
import { ErrorCode } from '../../src/common/errors';
import { legacyTopicId } from '../../src/common/topic-id';
import { scanBatch } from '../../src/protocol/batch-scan';
import { brokerProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition } from '../../src/protocol/services';

export interface StoredBatch {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly bytes: Buffer;
  readonly crc32c: number;
  readonly maxTimestampMs: number;
  readonly leaderEpoch: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

interface FakePartition {
  batches: StoredBatch[];
  logStartOffset: number;
  nextOffset: number;
  producers: Map<number, { nextSequence: number; epoch: number }>;
}

interface FakeTopic {
  partitions: FakePartition[];
  replicationFactor: number;
  configs: Record<string, string>;
}

/** A failure to answer with instead of handling a request. */
export type InjectedFailure = { readonly grpcStatus: grpc.status; readonly details?: string } | { readonly errorCode: ErrorCode; readonly message?: string; readonly leaderHint?: string; readonly apply?: boolean };

type Handler = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => void;

/**
 * What the fakes of one FakeCluster share: the data (as if perfectly replicated), who leads each
 * partition, and whether a non-leader names the leader in NOT_LEADER answers.
 */
export interface FakeClusterView {
  readonly brokers: readonly FakeBroker[];
  /** partition key "topic/partition" → leader id; missing = broker `defaultLeaderId`; 0 = no leader. */
  readonly leaders: Map<string, number>;
  defaultLeaderId: number;
  /** Answer NOT_LEADER with `leader_hint` (true) or without (false). */
  hints: boolean;
  /** When set, only this broker answers group requests; others say NOT_COORDINATOR. */
  coordinatorId: number | undefined;
  controllerId: number;
}

export interface FakeBrokerOptions {
  readonly id?: number;
  readonly cluster?: FakeClusterView;
  readonly topics?: Map<string, FakeTopic>;
  readonly groups?: Map<string, Map<string, number>>;
}

export class FakeBroker {
  readonly id: number;
  readonly topics: Map<string, FakeTopic>;
  readonly groups: Map<string, Map<string, number>>;
  readonly cluster: FakeClusterView | undefined;
  /** Every request received, in order. */
  readonly requests: { method: string; request: any }[] = [];
  /** Failures for the next calls of a method (consumed in order). */
  readonly failures = new Map<string, InjectedFailure[]>();
  leaderEpoch = 1;
  /** Cut off from its peers but reachable by clients: it sees no leader anywhere (a partitioned broker). */
  isolated = false;
  /** Stream produce requests are answered after this long (a slow commit). */
  produceDelayMs = 0;
  /** While set, stream produce requests are answered only once it resolves (a broker that stalls). */
  produceGate: Promise<void> | undefined;
  private server: grpc.Server | undefined;
  private nextProducerId = 1000;
  private fetchWaiters: (() => void)[] = [];
  port = 0;

  constructor(options: FakeBrokerOptions = {}) {
    this.id = options.id ?? 1;
    this.cluster = options.cluster;
    this.topics = options.topics ?? new Map();
    this.groups = options.groups ?? new Map();
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** The broker leading `topic`/`partition` (this one outside a cluster); 0 when none. */
  leaderOf(topic: string, partition: number): number {
    if (!this.cluster) return this.id;
    if (this.isolated) return 0;
    return this.cluster.leaders.get(`${topic}/${partition}`) ?? this.cluster.defaultLeaderId;
  }

  /** The NOT_LEADER answer fields for a partition this broker does not lead, or undefined when it leads it. */
  private notLeader(topic: string, partition: number): { errorCode: ErrorCode; errorMessage: string; leaderHint: string } | undefined {
    const leader = this.leaderOf(topic, partition);
    if (leader === this.id || !this.topics.get(topic)?.partitions[partition]) return undefined;
    const address = this.cluster?.brokers.find((b) => b.id === leader)?.address ?? '';
    return {
      errorCode: ErrorCode.NOT_LEADER,
      errorMessage: `broker ${this.id} is not the leader of ${topic}/${partition} (leader: ${leader || 'none'})`,
      leaderHint: this.cluster?.hints && leader !== 0 ? address : '',
    };
  }

  private notCoordinator(): boolean {
    return this.cluster?.coordinatorId !== undefined && this.cluster.coordinatorId !== this.id;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const root = brokerProtoRoot();
    const server = new grpc.Server();
    const wrap = (method: string, fn: (request: any, failure?: InjectedFailure) => unknown | Promise<unknown>): Handler => (call, callback) => {
      this.requests.push({ method, request: call.request });
      const failure = this.failures.get(method)?.shift();
      if (failure && 'grpcStatus' in failure) {
        callback({ code: failure.grpcStatus, details: failure.details ?? 'injected failure' } as grpc.ServiceError);
        return;
      }
      Promise.resolve()
        .then(() => fn(call.request, failure))
        .then((response) => callback(null, response), (error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message } as grpc.ServiceError));
    };
    server.addService(serviceDefinition(root, 'sluice.v1.Data'), {
      produce: wrap('produce', (r, f) => this.produce(r, f)),
      fetch: wrap('fetch', (r) => this.fetch(r)),
      listOffsets: wrap('listOffsets', (r) => this.listOffsets(r)),
      initProducer: wrap('initProducer', () => ({ producerId: this.nextProducerId++, producerEpoch: 0 })),
      subscribe: (call: grpc.ServerWritableStream<any, any>) => call.emit('error', { code: grpc.status.UNIMPLEMENTED }),
      // The real broker appends stream requests in arrival order; here each is handled like a
      // unary produce (same request log and failure injection), answered with its correlation id.
      produceStream: (call: grpc.ServerDuplexStream<any, any>) => {
        call.on('data', (request: any) => {
          this.requests.push({ method: 'produce', request });
          const failure = this.failures.get('produce')?.shift();
          if (failure && 'grpcStatus' in failure) {
            call.emit('error', { code: failure.grpcStatus, details: failure.details ?? 'injected failure' });
            return;
          }
          new Promise((resolve) => setTimeout(resolve, this.produceDelayMs))
            .then(() => this.produceGate)
            .then(() => this.produce(request, failure))
            .then(
              (response: any) => call.write({ ...response, correlationId: request.correlationId }),
              (error: Error) => call.emit('error', { code: grpc.status.INTERNAL, details: error.message }),
            );
        });
        call.on('end', () => call.end());
      },
    });
    server.addService(serviceDefinition(root, 'sluice.v1.Admin'), {
      createTopics: wrap('createTopics', (r) => this.createTopics(r)),
      deleteTopics: wrap('deleteTopics', (r) => ({ topics: r.names.map((name: string) => this.topics.delete(name) ? ok(name) : unknownTopic(name)) })),
      listTopics: wrap('listTopics', () => ({ topics: [...this.topics].map(([name, t]) => ({ name, partitions: t.partitions.length, replicationFactor: t.replicationFactor, internal: name.startsWith('__'), topicId: legacyTopicId(name, 0) })) })),
      describeTopics: wrap('describeTopics', (r) => this.describeTopics(r)),
      alterConfigs: wrap('alterConfigs', (r) => this.alterConfigs(r)),
      createPartitions: wrap('createPartitions', (r) => this.createPartitions(r)),
      describeCluster: wrap('describeCluster', () => ({
        clusterId: 'fake-cluster',
        controllerId: this.cluster?.controllerId ?? this.id,
        brokers: (this.cluster?.brokers ?? [this]).map((b) => ({ id: b.id, host: '127.0.0.1', port: b.port, rack: this.cluster ? `rack-${b.id}` : '' })),
      })),
    });
    server.addService(serviceDefinition(root, 'sluice.v1.Groups'), {
      commitOffsets: wrap('commitOffsets', (r) => this.commitOffsets(r)),
      fetchOffsets: wrap('fetchOffsets', (r) => this.fetchOffsets(r)),
      listGroups: wrap('listGroups', () => ({ groupIds: [...this.groups.keys()] })),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.fetchWaiters.splice(0)) wake();
    const server = this.server;
    this.server = undefined;
    if (server) server.forceShutdown();
  }

  /** Makes the next `method` calls fail as given. */
  inject(method: string, ...failures: InjectedFailure[]): void {
    const list = this.failures.get(method) ?? [];
    list.push(...failures);
    this.failures.set(method, list);
  }

  requestsOf(method: string): any[] {
    return this.requests.filter((r) => r.method === method).map((r) => r.request);
  }

  createTopic(name: string, partitions = 1, configs: Record<string, string> = {}): void {
    this.topics.set(name, { partitions: Array.from({ length: partitions }, newPartition), replicationFactor: 1, configs });
  }

  partition(topic: string, partition: number): FakePartition {
    const p = this.topics.get(topic)?.partitions[partition];
    if (!p) throw new Error(`fake broker: no ${topic}/${partition}`);
    return p;
  }

  /** Simulates retention: drops whole batches below `offset`. */
  deleteBefore(topic: string, partition: number, offset: number): void {
    const p = this.partition(topic, partition);
    p.batches = p.batches.filter((b) => b.baseOffset + b.recordCount > offset);
    p.logStartOffset = p.batches[0]?.baseOffset ?? p.nextOffset;
  }

  // -------------------------------------------------------------------------------------------

  private produce(request: any, failure: InjectedFailure | undefined): unknown {
    const partitions = request.partitions.map((pp: any) => {
      const base = { topic: pp.topic, partition: pp.partition, errorCode: 0, errorMessage: '', baseOffset: 0, logAppendTimeMs: Date.now(), logStartOffset: 0, leaderHint: '' };
      const p = this.topics.get(pp.topic)?.partitions[pp.partition];
      if (!p) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown ${pp.topic}/${pp.partition}` };
      const notLeader = this.notLeader(pp.topic, pp.partition);
      if (notLeader) return { ...base, ...notLeader };
      if (failure && 'errorCode' in failure && !failure.apply) {
        return { ...base, errorCode: failure.errorCode, errorMessage: failure.message ?? 'injected', leaderHint: failure.leaderHint ?? '' };
      }
      const bytes = Buffer.from(pp.batch);
      if (pp.crc32c !== 0 && crc32c(bytes) !== pp.crc32c) return { ...base, errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: 'crc mismatch' };
      const scan = scanBatch(bytes);
      if (!scan.ok) return { ...base, errorCode: ErrorCode.INVALID_RECORD, errorMessage: scan.reason };
      const s = scan.summary;
      if (s.producerId > 0) {
        let state = p.producers.get(s.producerId) ?? { nextSequence: 0, epoch: s.producerEpoch };
        // As the real broker's ProducerStateTable: a lower epoch is fenced, a higher one starts at sequence 0.
        if (s.producerEpoch < state.epoch) {
          return { ...base, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, errorMessage: `producer ${s.producerId} epoch ${s.producerEpoch} is fenced: the partition has seen epoch ${state.epoch}` };
        }
        if (s.producerEpoch > state.epoch) state = { nextSequence: 0, epoch: s.producerEpoch };
        if (s.baseSequence < state.nextSequence) {
          const original = p.batches.find((b) => b.producerId === s.producerId && b.producerEpoch === s.producerEpoch && b.baseSequence === s.baseSequence);
          if (original) return { ...base, errorCode: ErrorCode.DUPLICATE_SEQUENCE, errorMessage: 'duplicate', baseOffset: original.baseOffset };
        }
        if (s.baseSequence !== state.nextSequence) {
          return { ...base, errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE, errorMessage: `producer ${s.producerId} epoch ${s.producerEpoch} sent sequence ${s.baseSequence}, expected ${state.nextSequence}` };
        }
        state.nextSequence = s.baseSequence + s.recordCount;
        p.producers.set(s.producerId, state);
      }
      const stored: StoredBatch = {
        baseOffset: p.nextOffset, recordCount: s.recordCount, bytes, crc32c: crc32c(bytes),
        maxTimestampMs: s.maxTimestampMs, leaderEpoch: this.leaderEpoch, producerId: s.producerId, producerEpoch: s.producerEpoch, baseSequence: s.baseSequence,
      };
      p.batches.push(stored);
      p.nextOffset += s.recordCount;
      if (failure && 'errorCode' in failure && failure.apply) {
        // Stored, but the answer is lost or says otherwise (e.g. a timeout after the write).
        return { ...base, errorCode: failure.errorCode, errorMessage: failure.message ?? 'injected after append' };
      }
      return { ...base, baseOffset: stored.baseOffset, logStartOffset: p.logStartOffset };
    });
    for (const wake of this.fetchWaiters.splice(0)) wake();
    return { partitions: request.acks === 2 ? [] : partitions };
  }

  private async fetch(request: any): Promise<unknown> {
    const deadline = Date.now() + request.maxWaitMs;
    for (;;) {
      const answer = this.fetchNow(request);
      const hasData = answer.partitions.some((p: any) => p.batches.length > 0 || p.errorCode !== 0);
      if (hasData || Date.now() >= deadline || !this.server) return answer;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.fetchWaiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  private fetchNow(request: any): any {
    return {
      partitions: request.partitions.map((fp: any) => {
        const base = { topic: fp.topic, partition: fp.partition, errorCode: 0, errorMessage: '', highWatermark: 0, logStartOffset: 0, leaderEpoch: this.leaderEpoch, batches: [] as unknown[], leaderHint: '' };
        const p = this.topics.get(fp.topic)?.partitions[fp.partition];
        if (!p) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'unknown' };
        const notLeader = this.notLeader(fp.topic, fp.partition);
        if (notLeader) return { ...base, ...notLeader };
        const withOffsets = { ...base, highWatermark: p.nextOffset, logStartOffset: p.logStartOffset };
        if (fp.offset < p.logStartOffset || fp.offset > p.nextOffset) {
          return { ...withOffsets, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, errorMessage: `offset ${fp.offset} is outside [${p.logStartOffset}, ${p.nextOffset}]` };
        }
        const maxBytes = fp.maxBytes || 1024 * 1024;
        let bytes = 0;
        const batches = [];
        for (const b of p.batches) {
          if (b.baseOffset + b.recordCount <= fp.offset) continue;
          if (batches.length > 0 && bytes + b.bytes.length > maxBytes) break;
          bytes += b.bytes.length;
          batches.push({ baseOffset: b.baseOffset, recordCount: b.recordCount, leaderEpoch: b.leaderEpoch, logAppendTimeMs: 0, crc32c: b.crc32c, batch: b.bytes });
        }
        return { ...withOffsets, batches };
      }),
    };
  }

  private listOffsets(request: any): unknown {
    return {
      partitions: request.partitions.map((lp: any) => {
        const base = { topic: lp.topic, partition: lp.partition, errorCode: 0, errorMessage: '', offset: -1, timestampMs: -1, logStartOffset: 0, highWatermark: 0 };
        const p = this.topics.get(lp.topic)?.partitions[lp.partition];
        if (!p) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'unknown' };
        const notLeader = this.notLeader(lp.topic, lp.partition);
        if (notLeader) return { ...base, errorCode: notLeader.errorCode, errorMessage: notLeader.errorMessage };
        const offsets = { ...base, logStartOffset: p.logStartOffset, highWatermark: p.nextOffset };
        if (lp.timestampMs === -1) return { ...offsets, offset: p.nextOffset };
        if (lp.timestampMs === -2) return { ...offsets, offset: p.logStartOffset };
        const found = p.batches.find((b) => b.maxTimestampMs >= lp.timestampMs);
        return found ? { ...offsets, offset: found.baseOffset, timestampMs: found.maxTimestampMs } : offsets;
      }),
    };
  }

  private createTopics(request: any): unknown {
    return {
      topics: request.topics.map((spec: any) => {
        if (!/^[a-zA-Z0-9._-]{1,249}$/.test(spec.name)) return { name: spec.name, errorCode: ErrorCode.INVALID_TOPIC, errorMessage: `topic name '${spec.name}' is invalid: use 1-249 characters from [a-zA-Z0-9._-]` };
        if (this.topics.has(spec.name)) return { name: spec.name, errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `topic '${spec.name}' already exists` };
        if (!request.validateOnly) {
          this.topics.set(spec.name, {
            partitions: Array.from({ length: spec.partitions || 1 }, newPartition),
            replicationFactor: spec.replicationFactor || 1,
            configs: { ...spec.configs },
          });
        }
        return ok(spec.name);
      }),
    };
  }

  private describeTopics(request: any): unknown {
    const names: string[] = request.names.length > 0 ? request.names : [...this.topics.keys()].filter((n) => !n.startsWith('__'));
    return {
      topics: names.map((name) => {
        const t = this.topics.get(name);
        if (!t) return { ...unknownTopic(name), partitions: [], configs: {} };
        return {
          name, errorCode: 0, errorMessage: '', internal: name.startsWith('__'), replicationFactor: t.replicationFactor,
          topicId: legacyTopicId(name, 0),
          configs: { 'retention.ms': '604800000', ...t.configs },
          partitions: t.partitions.map((p, i) => ({
            partition: i, leaderId: this.leaderOf(name, i), replicas: (this.cluster?.brokers ?? [this]).map((b) => b.id), leaderEpoch: this.leaderEpoch, logStartOffset: p.logStartOffset,
            logEndOffset: p.nextOffset, highWatermark: p.nextOffset, sizeBytes: p.batches.reduce((n, b) => n + b.bytes.length, 0),
          })),
        };
      }),
    };
  }

  private alterConfigs(request: any): unknown {
    const t = this.topics.get(request.topic);
    if (!t) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown topic '${request.topic}'` };
    Object.assign(t.configs, request.set);
    for (const key of request.delete) delete t.configs[key];
    return { errorCode: 0, errorMessage: '' };
  }

  private createPartitions(request: any): unknown {
    const t = this.topics.get(request.topic);
    if (!t) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown topic '${request.topic}'` };
    if (request.totalCount <= t.partitions.length) {
      return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `topic '${request.topic}' has ${t.partitions.length} partitions: the new total must be larger` };
    }
    while (t.partitions.length < request.totalCount) t.partitions.push(newPartition());
    return { errorCode: 0, errorMessage: '' };
  }

  private commitOffsets(request: any): unknown {
    if (this.notCoordinator()) return { partitions: request.partitions.map((p: any) => ({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: `broker ${this.id} is not the coordinator` })) };
    let group = this.groups.get(request.groupId);
    if (!group) this.groups.set(request.groupId, (group = new Map()));
    for (const p of request.partitions) group.set(`${p.topic}/${p.partition}`, p.offset);
    return { partitions: request.partitions.map((p: any) => ({ topic: p.topic, partition: p.partition, errorCode: 0, errorMessage: '' })) };
  }

  private fetchOffsets(request: any): unknown {
    if (this.notCoordinator()) {
      const asked = request.partitions.length > 0 ? request.partitions : [{ topic: '', partition: 0 }];
      return { partitions: asked.map((p: any) => ({ topic: p.topic, partition: p.partition, offset: -1, metadata: '', commitTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: `broker ${this.id} is not the coordinator` })) };
    }
    const group = this.groups.get(request.groupId) ?? new Map<string, number>();
    const wanted: { topic: string; partition: number }[] = request.partitions.length > 0
      ? request.partitions
      : [...group.keys()].map((k) => ({ topic: k.slice(0, k.lastIndexOf('/')), partition: Number(k.slice(k.lastIndexOf('/') + 1)) }));
    return {
      partitions: wanted.map((p) => ({
        topic: p.topic, partition: p.partition, offset: group.get(`${p.topic}/${p.partition}`) ?? -1, metadata: '', commitTimeMs: 0, errorCode: 0, errorMessage: '',
      })),
    };
  }
}

/** 2-3 fake brokers that share their data and disagree about nothing but who leads what. */
export class FakeCluster implements FakeClusterView {
  readonly brokers: FakeBroker[] = [];
  readonly leaders = new Map<string, number>();
  defaultLeaderId = 1;
  hints = true;
  coordinatorId: number | undefined = undefined;
  controllerId = 1;
  private readonly topics = new Map<string, FakeTopic>();
  private readonly groups = new Map<string, Map<string, number>>();

  static async start(size: number): Promise<FakeCluster> {
    const cluster = new FakeCluster();
    for (let id = 1; id <= size; id++) cluster.brokers.push(new FakeBroker({ id, cluster, topics: cluster.topics, groups: cluster.groups }));
    await Promise.all(cluster.brokers.map((b) => b.start()));
    return cluster;
  }

  broker(id: number): FakeBroker {
    const broker = this.brokers.find((b) => b.id === id);
    if (!broker) throw new Error(`fake cluster: no broker ${id}`);
    return broker;
  }

  get addresses(): string[] {
    return this.brokers.map((b) => b.address);
  }

  /** Creates a topic; `leaders[i]` leads partition i (default: defaultLeaderId). */
  createTopic(name: string, partitions: number, leaders: readonly number[] = []): void {
    this.brokers[0]!.createTopic(name, partitions);
    this.topics.get(name)!.replicationFactor = this.brokers.length;
    leaders.forEach((leader, partition) => this.setLeader(name, partition, leader));
  }

  setLeader(topic: string, partition: number, leaderId: number): void {
    this.leaders.set(`${topic}/${partition}`, leaderId);
  }

  /** Requests of `method` received by broker `id` (or by all brokers). */
  requestsOf(method: string, id?: number): any[] {
    return (id === undefined ? this.brokers : [this.broker(id)]).flatMap((b) => b.requestsOf(method));
  }

  async stop(): Promise<void> {
    await Promise.all(this.brokers.map((b) => b.stop()));
  }
}

function newPartition(): FakePartition {
  return { batches: [], logStartOffset: 0, nextOffset: 0, producers: new Map() };
}

const ok = (name: string) => ({ name, errorCode: 0, errorMessage: '' });
const unknownTopic = (name: string) => ({ name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic '${name}' does not exist` });
