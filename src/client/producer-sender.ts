// The producer's sender (Kafka's split: producer.ts is the accumulator that batches records, this
// file sends them). It sends every sealed batch that may go now, one request per leader carrying
// one batch per partition (up to maxInFlight per partition), and settles each batch from its
// answer: acknowledged, resent in order after a backoff (and after a metadata refresh under way,
// since the leader may have moved), or failed for good.
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { moduleLogger } from '../common/logger';
import { encodeBatch } from '../protocol/batch-codec';
import type { ClientContext } from './client-context';
import { partitionError, SluiceConnectionError, SluiceNotLeaderError, SluiceRetriesExhaustedError } from './errors';
import type { PartitionState, SealedBatch } from './producer-batch';
import { asSluiceError, backoffMs } from './retry';
import type { Acks } from './types';

const log = moduleLogger('producer');

const ACKS_WIRE: Record<Acks, number> = { all: 0, leader: 1, none: 2 };

interface ProducePartitionResultWire {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string;
  baseOffset: number;
  leaderHint: string;
}

/** What the sender needs of the producer that owns the batches. */
export interface SenderHost {
  /** Every partition the producer has written to. */
  partitions(): Iterable<PartitionState>;
  /** The producer id and epoch that idempotent batches are stamped with. */
  identity(): { producerId: number; producerEpoch: number };
  /** A batch of `state` was acknowledged: records that gathered meanwhile may go now. */
  acknowledged(state: PartitionState): void;
  /** A batch was settled for good (acknowledged or failed): its bytes are free, flush() may be waiting. */
  settled(batch: SealedBatch): void;
}

export class ProducerSender {
  private retryTimer: NodeJS.Timeout | undefined;
  private waitingForRefresh = false;
  private closed = false;

  constructor(
    private readonly context: ClientContext,
    private readonly host: SenderHost,
    private readonly acks: Acks,
    private readonly maxInFlight: number,
    /** Codec of every batch (compression.ts). */
    private readonly compression: number,
  ) {}

  /** Stops resending; batches already out still settle. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Sends every batch that may go now: one request per leader, one batch per partition per request. */
  drain(): void {
    const now = Date.now();
    let earliestRetry = Infinity;
    // A resend waits for a metadata refresh under way (the leader may have moved).
    const refreshing = this.context.metadata.refreshing;
    let waitForRefresh = false;
    for (;;) {
      const byLeader = new Map<string, SealedBatch[]>();
      for (const state of this.host.partitions()) {
        if (state.ready.length === 0) continue;
        if (state.recovering) {
          if (state.inFlight > 0) continue;
          if (state.retryAtMs > now) { earliestRetry = Math.min(earliestRetry, state.retryAtMs); continue; }
          if (refreshing) { waitForRefresh = true; continue; }
        } else if (state.inFlight >= this.maxInFlight) continue;
        const batch = state.ready.shift()!;
        state.inFlight++;
        const leader = this.context.metadata.leaderFor(state);
        let list = byLeader.get(leader);
        if (!list) byLeader.set(leader, (list = []));
        list.push(batch);
      }
      if (byLeader.size === 0) break;
      for (const [leader, batches] of byLeader) this.sendRequest(leader, batches);
    }
    if (waitForRefresh && refreshing && !this.waitingForRefresh) {
      this.waitingForRefresh = true;
      const resume = (): void => {
        this.waitingForRefresh = false;
        if (!this.closed) this.drain();
      };
      refreshing.then(resume, resume);
    }
    if (earliestRetry !== Infinity && this.retryTimer === undefined && !this.closed) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.drain();
      }, Math.max(1, earliestRetry - now));
    }
  }

  private encode(batch: SealedBatch): Buffer {
    if (batch.encoded !== undefined && batch.sentSequence === batch.baseSequence) return batch.encoded;
    const idempotent = batch.baseSequence >= 0;
    const { producerId, producerEpoch } = this.host.identity();
    batch.encoded = encodeBatch(batch.records, {
      producerId: idempotent ? producerId : 0,
      producerEpoch: idempotent ? producerEpoch : 0,
      baseSequence: idempotent ? batch.baseSequence : 0,
      defaultTimestampMs: batch.sealedAtMs,
      compression: this.compression,
    });
    batch.sentSequence = batch.baseSequence;
    return batch.encoded;
  }

  private sendRequest(leader: string, batches: SealedBatch[]): void {
    const partitions = batches.map((batch) => {
      const bytes = this.encode(batch);
      return { topic: batch.partition.topic, partition: batch.partition.partition, batch: bytes, crc32c: crc32c(bytes) };
    });
    const timeoutMs = this.context.requestTimeoutMs;
    const request = { acks: ACKS_WIRE[this.acks], timeoutMs: Math.max(1, timeoutMs - 500), partitions };
    let connection;
    try {
      connection = this.context.pool.get(leader);
    } catch (error) {
      for (const batch of batches) this.onBatchError(batch, asSluiceError(error), leader);
      return;
    }
    connection.produce<{ partitions: ProducePartitionResultWire[] }>(request, timeoutMs).then(
      (response) => {
        batches.forEach((batch, i) => {
          const result = this.acks === 'none' ? undefined : response.partitions[i];
          this.onBatchResult(batch, result, leader);
        });
        this.drain();
      },
      (error: unknown) => {
        const sluiceError = asSluiceError(error);
        if (sluiceError instanceof SluiceConnectionError) this.context.metadata.markUnavailable(leader);
        for (const batch of batches) this.onBatchError(batch, sluiceError, leader);
        this.drain();
      },
    );
  }

  private onBatchResult(batch: SealedBatch, result: ProducePartitionResultWire | undefined, leader: string): void {
    const state = batch.partition;
    if (result === undefined) {
      // acks 'none': the broker answers before writing anything.
      if (this.acks !== 'none') {
        this.onBatchError(batch, new SluiceError(ErrorCode.UNKNOWN, `Produce to ${leader} returned no result for ${state.key}`), leader);
        return;
      }
      this.complete(batch, -1);
      return;
    }
    const code = result.errorCode as ErrorCode;
    if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE) {
      if (code === ErrorCode.DUPLICATE_SEQUENCE) log.debug({ partition: state.key, baseOffset: result.baseOffset }, 'batch was already stored (retry): treating as success');
      this.complete(batch, this.acks === 'none' ? -1 : result.baseOffset);
      return;
    }
    const error = partitionError(code, state.topic, state.partition, result.errorMessage, { leaderHint: result.leaderHint });
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE && (!state.isHead(batch) || batch.sentSequence !== batch.baseSequence)) {
      // An earlier batch of this partition failed or was renumbered: resend in order.
      this.retryLater(batch, error, false);
      return;
    }
    this.onBatchError(batch, error, leader);
  }

  private onBatchError(batch: SealedBatch, error: SluiceError, leader: string): void {
    const state = batch.partition;
    if (error instanceof SluiceNotLeaderError) this.context.metadata.noteNotLeader(state, error.leaderHint);
    if (error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) this.context.metadata.forgetTopic(state.topic);
    if (error.retriable) {
      this.retryLater(batch, error, true);
      return;
    }
    log.warn({ partition: state.key, leader, err: error.message }, 'batch failed');
    state.inFlight--;
    state.drop(batch);
    batch.fail(error);
    this.host.settled(batch);
  }

  private retryLater(batch: SealedBatch, error: SluiceError, countsAsAttempt: boolean): void {
    const state = batch.partition;
    state.inFlight--;
    if (countsAsAttempt) batch.attempts++;
    const retry = this.context.retry;
    if (batch.attempts > retry.retries) {
      state.drop(batch);
      batch.fail(new SluiceRetriesExhaustedError(error, batch.attempts));
      this.host.settled(batch);
      return;
    }
    log.debug({ partition: state.key, attempt: batch.attempts, err: error.message }, 'retrying batch');
    state.requeue(batch);
    state.recovering = true;
    state.retryAtMs = Math.max(state.retryAtMs, Date.now() + (countsAsAttempt ? backoffMs(batch.attempts - 1, retry) : 0));
  }

  private complete(batch: SealedBatch, baseOffset: number): void {
    const state = batch.partition;
    state.inFlight--;
    state.acknowledge(batch);
    // A retried batch got through and nothing else is in flight: pipelining may resume.
    if (state.recovering && state.inFlight === 0 && batch.attempts > 0) state.recovering = false;
    batch.succeed(baseOffset);
    if (!state.recovering) this.host.acknowledged(state);
    this.host.settled(batch);
  }
}
