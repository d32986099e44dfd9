// The producer: records are batched per partition (linger + size) here, and sealed batches are
// encoded once and sent in pipelined Produce requests by the sender (producer-sender.ts: up to
// maxInFlight per partition, one request per leader carrying one batch per partition).
// Idempotent by default: InitProducer gives a producer id and epoch, each partition numbers its
// records, and a retry resends the same batch with the same sequence, so DUPLICATE_SEQUENCE means
// "already stored" and counts as success. The records held are bounded by bufferMemory
// (producer-buffer.ts); where a record goes is the partitioner's choice (producer-partitioner.ts).
import { moduleLogger } from '../common/logger';
import type { ClientContext } from './client-context';
import { compressionCode, parseCompression } from '../protocol/compression';
import { ErrorCode, SluiceError } from '../common/errors';
import { SluiceClientStateError } from './errors';
import { callSafely, estimateBytes, PartitionState } from './producer-batch';
import { ProducerBuffer, type WaitingRecord } from './producer-buffer';
import { ProducerPartitioner } from './producer-partitioner';
import { ProducerSender } from './producer-sender';
import { asSluiceError } from './retry';
import type { Acks, Message, ProduceCallback, ProduceResult, ProducerOptions, RecordMetadata } from './types';

const log = moduleLogger('producer');

/** The most requests in flight per partition an idempotent producer may have (Kafka's limit too). */
const MAX_IDEMPOTENT_IN_FLIGHT = 5;
/** Kafka's delivery.timeout.ms default. */
const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
/** Producer epochs are 16-bit signed on the wire (Kafka's too). */
const MAX_PRODUCER_EPOCH = 32_767;

const disconnected = (): SluiceClientStateError => new SluiceClientStateError('the producer is disconnected: create a new one');

export class Producer {
  private readonly acks: Acks;
  private readonly lingerMs: number;
  private readonly batchMaxBytes: number;
  private readonly maxInFlight: number;
  private readonly sender: ProducerSender;
  private readonly buffer: ProducerBuffer;
  private readonly idempotent: boolean;
  private readonly partitioner: ProducerPartitioner;

  private readonly partitions = new Map<string, PartitionState>();
  private readonly partitionsByTopic = new Map<string, PartitionState[]>();
  private idleSeals: PartitionState[] = [];
  private idleSealScheduled = false;
  private producerId = 0;
  private producerEpoch = 0;
  private connected = false;
  private closed = false;
  private nextBatchId = 1;
  private lingerTimer: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  private readonly metadataWaits = new Set<Promise<number>>();
  private pendingSealPartitions: PartitionState[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly context: ClientContext, options: ProducerOptions = {}) {
    this.acks = options.acks ?? 'all';
    this.lingerMs = options.lingerMs ?? 5;
    this.batchMaxBytes = options.batchMaxBytes ?? 1024 * 1024;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 5);
    if (options.idempotent === true && this.acks === 'none') {
      throw new SluiceClientStateError("an idempotent producer needs acks 'all' or 'leader' (acks 'none' returns no offsets to confirm a sequence)");
    }
    this.idempotent = options.idempotent ?? this.acks !== 'none';
    if (this.idempotent && this.maxInFlight > MAX_IDEMPOTENT_IN_FLIGHT) {
      // The broker remembers the last 5 batches per producer: a resend of an older one could not be recognised.
      throw new SluiceClientStateError(
        `producer option maxInFlight ${this.maxInFlight} is too many for an idempotent producer: use at most ${MAX_IDEMPOTENT_IN_FLIGHT} ` +
          '(the broker remembers 5 batches per producer), or idempotent: false',
      );
    }
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    if (!Number.isFinite(deliveryTimeoutMs) || deliveryTimeoutMs <= 0) {
      throw new SluiceClientStateError(`producer option deliveryTimeoutMs must be a positive number of ms (default ${DEFAULT_DELIVERY_TIMEOUT_MS}), got ${deliveryTimeoutMs}`);
    }
    let compression: number;
    try {
      compression = compressionCode(parseCompression(options.compression ?? 'none'));
    } catch (error) {
      throw new SluiceClientStateError(`producer option compression: ${(error as Error).message}`);
    }
    this.partitioner = new ProducerPartitioner(options.partitioner ?? 'murmur2', (topic, partition) => this.notDraining(topic, partition));
    this.buffer = ProducerBuffer.fromOptions(options, {
      admitted: (record) => this.admitted(record),
      expired: (record, error) => {
        callSafely(record.callback, error, undefined);
        this.checkIdle();
      },
    });
    this.sender = new ProducerSender(context, {
      partitions: () => this.partitions.values(),
      identity: () => this.identity,
      bumpEpoch: () => this.bumpEpoch(),
      // Records that gathered while this batch was out go now (Nagle-style), not after lingerMs.
      acknowledged: (state) => { if (state.open.length > 0) this.sealPartition(state); },
      settled: (batch) => {
        this.buffer.release(batch.bytes);
        this.checkIdle();
      },
    }, { acks: this.acks, maxInFlight: this.maxInFlight, compression, deliveryTimeoutMs });
  }

  /** Allocates the producer id (idempotent producers). Safe to call twice. */
  async connect(): Promise<void> {
    if (this.closed) throw disconnected();
    if (this.connected) return;
    if (this.idempotent) await this.initProducer();
    this.connected = true;
  }

  private async initProducer(): Promise<void> {
    const response = await this.context.withRetries(() =>
      this.context.bootstrap().call(
        'sluice.v1.Data', 'initProducer', { clientId: this.context.clientId }, this.context.requestTimeoutMs,
      ),
    );
    this.producerId = response.producerId;
    this.producerEpoch = response.producerEpoch;
    log.debug({ producerId: this.producerId, producerEpoch: this.producerEpoch }, 'idempotent producer initialised');
  }

  /**
   * The sender gave up a batch of unknown outcome (KIP-360): the next epoch, whose batches every
   * partition accepts from sequence 0; past the largest epoch a new producer id.
   */
  private async bumpEpoch(): Promise<void> {
    if (this.producerEpoch < MAX_PRODUCER_EPOCH) this.producerEpoch++;
    else await this.initProducer();
  }

  /** Bytes of records held (queued, sent, unacknowledged); produce() waits once this reaches bufferMemory. */
  get bufferedBytes(): number {
    return this.buffer.bytes;
  }

  /** The producer id and epoch from InitProducer (0, 0 when not idempotent). */
  get identity(): { producerId: number; producerEpoch: number } {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  /**
   * Queues one record; resolves when it is acknowledged (per `acks`), with its offset. With a
   * callback it returns nothing and tells the callback instead (no promise per record: the
   * faster form). The high-throughput path: call it many times without awaiting each.
   * Throws at once when the producer is not connected or already disconnected. When the producer
   * holds bufferMemory bytes, the record waits (in order) for acknowledgements to free room, and
   * fails with SluiceBufferExhaustedError if none frees within maxBlockMs.
   */
  produce(topic: string, message: Message): Promise<RecordMetadata>;
  produce(topic: string, message: Message, callback: ProduceCallback): void;
  produce(topic: string, message: Message, callback?: ProduceCallback): Promise<RecordMetadata> | void {
    this.checkOpen();
    if (callback === undefined) {
      return new Promise<RecordMetadata>((resolve, reject) => {
        this.admit(topic, message, (error, metadata) => {
          if (error) reject(error);
          else resolve(metadata!);
        });
      });
    }
    this.admit(topic, message, callback);
  }

  /** Takes room in the buffer for the record, now or once acknowledgements free it. */
  private admit(topic: string, message: Message, callback: ProduceCallback): void {
    const bytes = estimateBytes(message);
    if (this.buffer.tryReserve(bytes)) {
      this.produceTo(topic, message, bytes, callback);
      return;
    }
    this.buffer.wait({ bytes, deadlineMs: 0, topic, message, callback });
  }

  /** A record (or a send()) that waited for room has it now. */
  private admitted(record: WaitingRecord): void {
    if (record.message === null) record.callback(null, undefined);
    else this.produceTo(record.topic, record.message, record.bytes, record.callback);
  }

  private produceTo(topic: string, message: Message, bytes: number, callback: ProduceCallback): void {
    if (this.closed) {
      this.buffer.release(bytes);
      callSafely(callback, disconnected(), undefined);
      return;
    }
    // Metadata first: it says where the partition's leader is (and whether the topic exists).
    const count = this.context.metadata.cachedPartitionCount(topic);
    if (count !== undefined) {
      if (message.partition !== undefined && !(Number.isInteger(message.partition) && message.partition >= 0 && message.partition < count)) {
        this.produceToNamedPartition(topic, message, bytes, callback);
        return;
      }
      const partition = this.partitioner.choose(topic, message, count);
      this.enqueue(topic, partition, message, bytes, callback);
      return;
    }
    this.whenMetadata(topic).then(
      () => this.produceTo(topic, message, bytes, callback),
      (error: unknown) => {
        this.buffer.release(bytes);
        callSafely(callback, asSluiceError(error), undefined);
      },
    );
  }

  /** Sends messages (KafkaJS style); resolves when all are acknowledged, one result per partition touched. */
  async send(request: { topic: string; messages: readonly Message[] }): Promise<ProduceResult[]> {
    this.checkOpen();
    const { topic, messages } = request;
    if (messages.length === 0) return [];
    const admitted = this.admitGroup(topic, messages);
    const count = typeof admitted === 'number' ? admitted : await admitted;
    const byPartition = new Map<number, Message[]>();
    for (const message of messages) {
      const partition = this.partitioner.choose(topic, message, count);
      let list = byPartition.get(partition);
      if (!list) byPartition.set(partition, (list = []));
      list.push(message);
    }
    return Promise.all([...byPartition].map(([partition, list]) => this.enqueueGroup(topic, partition, list, false)));
  }

  /** Sends `messages` to one partition as one batch (bypassing linger); resolves with its base offset. */
  async sendBatch(topic: string, partition: number, messages: readonly Message[]): Promise<ProduceResult> {
    this.checkOpen();
    if (messages.length === 0) return { topic, partition, baseOffset: -1 };
    const admitted = this.admitGroup(topic, messages);
    if (typeof admitted !== 'number') await admitted;
    return this.enqueueGroup(topic, partition, messages, true);
  }

  /**
   * Takes room in the buffer for a send() or sendBatch() as a whole and finds the topic's
   * partition count. When both are at hand it returns the count itself, so that the caller goes on
   * synchronously (records produced after it must not overtake it); else a promise of it.
   */
  private admitGroup(topic: string, messages: readonly Message[]): number | Promise<number> {
    let bytes = 0;
    for (const message of messages) bytes += estimateBytes(message);
    const reserved = this.buffer.tryReserve(bytes);
    const count = this.context.metadata.cachedPartitionCount(topic);
    if (reserved && count !== undefined) return count;
    return this.admitGroupLater(topic, bytes, reserved);
  }

  /** The rest of admitGroup: waits for room (unless reserved) and metadata; gives the room back if either fails. */
  private async admitGroupLater(topic: string, bytes: number, reserved: boolean): Promise<number> {
    if (!reserved) {
      await new Promise<void>((resolve, reject) => {
        this.buffer.wait({ bytes, deadlineMs: 0, topic, message: null, callback: (error) => (error ? reject(error) : resolve()) });
      });
    }
    try {
      if (this.closed) throw disconnected();
      return this.context.metadata.cachedPartitionCount(topic) ?? (await this.whenMetadata(topic));
    } catch (error) {
      this.buffer.release(bytes);
      throw error;
    }
  }

  /** Sends everything queued so far and resolves when it is all acknowledged (or failed). */
  async flush(): Promise<void> {
    // Records waiting for their topic's metadata are queued as soon as it arrives.
    while (this.metadataWaits.size > 0) await Promise.allSettled([...this.metadataWaits]);
    this.sealAll();
    this.sender.drain();
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Flushes, then releases the producer. Safe to call twice. */
  async disconnect(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.sender.close();
    this.context.forget(this);
  }

  // -------------------------------------------------------------------------------------------

  /** The topic's partition count; flush() waits for these lookups (their records are queued next). */
  /**
   * A record for a partition the cached metadata does not list: the topic may have grown since it
   * was read, so it is read again; a partition that still does not exist fails the record at once
   * (Kafka's producer does too) instead of being sent and retried.
   */
  private produceToNamedPartition(topic: string, message: Message, bytes: number, callback: ProduceCallback): void {
    const partition = message.partition!;
    const refused = (count: number): SluiceError =>
      new SluiceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${topic}' has partitions 0..${count - 1}, not ${partition}`, { retriable: false });
    if (!Number.isInteger(partition) || partition < 0) {
      this.buffer.release(bytes);
      callSafely(callback, refused(this.context.metadata.cachedPartitionCount(topic) ?? 0), undefined);
      return;
    }
    this.whenMetadata(topic, true).then(
      (count) => {
        if (partition < count) {
          this.produceTo(topic, message, bytes, callback);
          return;
        }
        this.buffer.release(bytes);
        callSafely(callback, refused(count), undefined);
      },
      (error: unknown) => {
        this.buffer.release(bytes);
        callSafely(callback, asSluiceError(error), undefined);
      },
    );
  }

  private whenMetadata(topic: string, refresh = false): Promise<number> {
    const lookup = this.context.metadata.partitionCount(topic, refresh);
    this.metadataWaits.add(lookup);
    const forget = (): void => { this.metadataWaits.delete(lookup); };
    lookup.then(forget, forget);
    return lookup;
  }

  private checkOpen(): void {
    if (this.closed) throw disconnected();
    if (!this.connected) throw new SluiceClientStateError('the producer is not connected: await producer.connect() first');
  }

  private partitionState(topic: string, partition: number): PartitionState {
    // Looked up once per record: index by topic, then partition number (no string key per record).
    let byPartition = this.partitionsByTopic.get(topic);
    if (!byPartition) this.partitionsByTopic.set(topic, (byPartition = []));
    let state = byPartition[partition];
    if (!state) {
      state = new PartitionState(topic, partition);
      byPartition[partition] = state;
      this.partitions.set(`${topic}/${partition}`, state);
    }
    return state;
  }


  private enqueue(topic: string, partition: number, message: Message, bytes: number, callback: ProduceCallback): void {
    const state = this.partitionState(topic, partition);
    if (state.openBytes > 0 && state.openBytes + bytes > this.batchMaxBytes) this.sealPartition(state);
    state.append(message, bytes, callback);
    if (state.openBytes >= this.batchMaxBytes) this.sealPartition(state);
    else if (state.open.length === 1) this.lingerOrSend(state);
  }

  private enqueueGroup(topic: string, partition: number, messages: readonly Message[], oneBatch: boolean): Promise<ProduceResult> {
    return new Promise<ProduceResult>((resolve, reject) => {
      const group = {};
      let parts = 0;
      let settled = 0;
      let failed = false;
      let firstOffset = Infinity;
      const settle = (error: Error | null, metadata: RecordMetadata | undefined): void => {
        settled++;
        if (failed) return;
        if (error) { failed = true; reject(error); return; }
        const offset = metadata!.offset;
        if (offset < firstOffset) firstOffset = offset;
        if (settled === parts) resolve({ topic, partition, baseOffset: firstOffset === Infinity ? -1 : firstOffset });
      };
      const state = this.partitionState(topic, partition);
      if (oneBatch) this.sealPartition(state);
      for (const message of messages) {
        const bytes = estimateBytes(message);
        if (!oneBatch && state.openBytes > 0 && state.openBytes + bytes > this.batchMaxBytes) this.sealPartition(state);
        if (state.appendToGroup(message, bytes, group, settle)) parts++;
        if (!oneBatch && state.openBytes >= this.batchMaxBytes) this.sealPartition(state);
      }
      if (oneBatch) this.sealPartition(state);
      else if (state.open.length > 0) this.lingerOrSend(state);
    });
  }

  /**
   * A quiet partition (nothing unacknowledged) sends as soon as the code that produced returns
   * (a microtask), so records produced together in one synchronous run share a batch and a lone
   * record leaves in the loop iteration it was produced in; a partition with a batch out collects
   * records until it is acknowledged (see complete) or lingerMs passes. Allowing a second quiet
   * batch out sent more, smaller requests at low rates for no gain (docs/benchmarks.md, "One
   * quiet batch in flight"). Sealing at the end of the turn (setImmediate) and sending one turn
   * later cost a lone record two loop iterations: at 1,000 records/s the bench's end-to-end
   * median was 1.05–1.08 ms that way and 0.57–0.58 ms now (docs/benchmarks.md, "A lone record
   * waited two loop turns").
   */
  private lingerOrSend(state: PartitionState): void {
    if (state.unacked.length >= 1) {
      this.startLinger(state);
      return;
    }
    this.idleSeals.push(state);
    if (this.idleSealScheduled) return;
    this.idleSealScheduled = true;
    queueMicrotask(() => {
      this.idleSealScheduled = false;
      const due = this.idleSeals;
      this.idleSeals = [];
      for (const partition of due) this.seal(partition);
      this.sender.drain();
    });
  }

  private startLinger(state: PartitionState): void {
    this.pendingSealPartitions.push(state);
    if (this.lingerTimer !== undefined) return;
    const fire = (): void => {
      this.lingerTimer = undefined;
      const due = this.pendingSealPartitions;
      this.pendingSealPartitions = [];
      for (const partition of due) {
        if (this.slotsTaken(partition)) {
          // Its batch cannot go yet: keyless records go to a partition that drains (KIP-794).
          this.partitioner.moveOn(partition.topic, partition.partition);
          this.startLinger(partition);
        } else this.sealPartition(partition);
      }
    };
    this.lingerTimer = (this.lingerMs <= 0 ? setTimeout(fire, 0) : setTimeout(fire, this.lingerMs));
  }

  /**
   * Every request slot of the partition is taken, so a batch sealed now would only wait. It stays
   * open and keeps growing (up to batchMaxBytes) until an acknowledgement frees a slot (the
   * sender's acknowledged() seals it then), as Kafka's accumulator appends to a batch that waits
   * for the sender. Sealed at each linger instead, a backlog was cut into lingerMs-sized batches
   * that went one per acknowledgement, which capped a partition at maxInFlight × lingerMs of records per round trip:
   * once the round trip grew past that, the backlog grew without end (RF 3 at 10k/s, two
   * producers: 1.1–1.4 s medians, docs/benchmarks.md).
   */
  private slotsTaken(state: PartitionState): boolean {
    return !state.recovering && state.open.length > 0 && state.inFlight + state.ready.length >= this.maxInFlight;
  }

  /** The partition's batches are not draining: every request slot is taken, or it is resending after a failure. */
  private notDraining(topic: string, partition: number): boolean {
    const state = this.partitionsByTopic.get(topic)?.[partition];
    return state !== undefined && (state.recovering || state.inFlight + state.ready.length >= this.maxInFlight);
  }

  private sealPartition(state: PartitionState): void {
    if (this.seal(state)) this.scheduleDrain();
  }

  /** Seals the partition's open batch, if any; whoever calls it sends (drain). */
  private seal(state: PartitionState): boolean {
    const batch = state.seal(this.nextBatchId++, this.idempotent, Date.now());
    if (!batch) return false;
    this.partitioner.moveOn(state.topic, state.partition);
    return true;
  }

  private sealAll(): void {
    for (const state of this.partitions.values()) this.sealPartition(state);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.sender.drain();
    });
  }

  private isIdle(): boolean {
    if (this.buffer.waitingCount > 0) return false;
    for (const state of this.partitions.values()) {
      if (state.open.length > 0 || state.unacked.length > 0) return false;
    }
    return true;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }
}
