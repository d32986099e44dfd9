// The producer's sender (Kafka's split: producer.ts is the accumulator that batches records, this
// file sends them). It sends every sealed batch that may go now, one request per leader carrying
// one batch per partition (up to maxInFlight per partition), and settles each batch from its
// answer: acknowledged, resent in order after a backoff (and after a metadata refresh under way,
// since the leader may have moved) until the producer's deliveryTimeoutMs, or failed for good.
// Each attempt's answer either proves the batch was not appended or leaves its outcome unknown
// (provesNotAppended); a batch given up with an unknown outcome keeps its sequence numbers to
// itself and the producer moves to a new epoch (Kafka's KIP-360; docs/client.md, "Unknown outcomes").
import { crc32c } from '../common/crc32c';
import { ErrorCode, provesNotAppended, SluiceError } from '../common/errors';
import { moduleLogger } from '../common/logger';
import { encodeBatch } from '../protocol/batch-codec';
import { everyField, type ProducePartitionResult, type ProduceRequest } from '../protocol/wire-types';
import type { ClientContext } from './client-context';
import {
  partitionError, SluiceClientStateError, SluiceConnectionError, SluiceDeliveryTimeoutError, SluiceNotLeaderError, SluiceOutcomeUnknownError,
} from './errors';
import type { PartitionState, SealedBatch } from './producer-batch';
import { StalledRequests, type InFlightRequest } from './producer-stalls';
import { asSluiceError, backoffMs } from './retry';
import type { Acks } from './types';

const log = moduleLogger('producer');

const ACKS_WIRE: Record<Acks, ProduceRequest['acks']> = { all: 0, leader: 1, none: 2 };

// Every field of a partition's produce answer is read by onBatchResult (a field added to the proto
// fails tsc until it is handled and named), except the append time and log start offset: the
// producer's answer to the application is the offset. Answers come in request order, so topic and
// partition are not matched either.
everyField<ProducePartitionResult>()('topic', 'partition', 'errorCode', 'errorMessage', 'baseOffset', 'leaderHint', 'logAppendTimeMs', 'logStartOffset');

/** What the sender needs of the producer that owns the batches. */
export interface SenderHost {
  /** Every partition the producer has written to. */
  partitions(): Iterable<PartitionState>;
  /** The producer id and epoch that idempotent batches are stamped with. */
  identity(): { producerId: number; producerEpoch: number };
  /** Moves to the next epoch (a new producer id past epoch 32767); nothing is in flight meanwhile. */
  bumpEpoch(): Promise<void>;
  /** A batch of `state` was acknowledged: records that gathered meanwhile may go now. */
  acknowledged(state: PartitionState): void;
  /** A batch was settled for good (acknowledged or failed): its bytes are free, flush() may be waiting. */
  settled(batch: SealedBatch): void;
}

export interface SenderOptions {
  readonly acks: Acks;
  readonly maxInFlight: number;
  /** Codec of every batch (compression.ts). */
  readonly compression: number;
  /** How long a batch is retried, from when it was sealed (ProducerOptions.deliveryTimeoutMs). */
  readonly deliveryTimeoutMs: number;
}

export class ProducerSender {
  private retryTimer: NodeJS.Timeout | undefined;
  private waitingForRefresh = false;
  private closed = false;
  /** A batch was given up with an unknown outcome: send nothing until the epoch is bumped. */
  private epochBumpDue = false;
  private bumping = false;
  private readonly acks: Acks;
  private readonly maxInFlight: number;
  private readonly compression: number;
  private readonly deliveryTimeoutMs: number;
  /** Requests sent and not yet settled (or abandoned), watched for leaders that stopped answering. */
  private readonly inFlight: StalledRequests;

  constructor(private readonly context: ClientContext, private readonly host: SenderHost, options: SenderOptions) {
    this.acks = options.acks;
    this.maxInFlight = options.maxInFlight;
    this.compression = options.compression;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs;
    this.inFlight = new StalledRequests(context.metadata, (request) => this.abandon(request));
  }

  /** Stops resending; batches already out still settle. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.inFlight.close();
  }

  /** Sends every batch that may go now: one request per leader, one batch per partition per request. */
  drain(): void {
    if (this.epochBumpDue) {
      if (!this.bumping && this.inFlight.size === 0) this.bumpEpoch();
      return;
    }
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
    const request: Omit<ProduceRequest, 'correlationId'> = { acks: ACKS_WIRE[this.acks], timeoutMs: Math.max(1, timeoutMs - 500), partitions };
    let connection;
    try {
      connection = this.context.pool.get(leader);
    } catch (error) {
      // Never sent: the attempt proves nothing was appended.
      for (const batch of batches) this.failedAttempt(batch, asSluiceError(error), false);
      return;
    }
    const sent = this.inFlight.add(leader, batches);
    connection.produce(request, timeoutMs).then(
      (response) => {
        if (!this.inFlight.settle(sent)) return; // abandoned: its batches were resent
        batches.forEach((batch, i) => {
          const result = this.acks === 'none' ? undefined : response.partitions[i];
          this.onBatchResult(batch, result, leader);
        });
        this.drain();
      },
      (error: unknown) => {
        if (!this.inFlight.settle(sent)) return;
        const sluiceError = asSluiceError(error);
        if (sluiceError instanceof SluiceConnectionError) this.context.metadata.markUnavailable(leader);
        // Lost after it was written (stream reset, deadline, broker gone): any batch may be stored.
        // Only a call that never got a connection, or a connection closed before writing, proves
        // nothing was sent.
        const neverSent = sluiceError instanceof SluiceClientStateError || (sluiceError instanceof SluiceConnectionError && sluiceError.neverSent);
        const unknown = !neverSent;
        for (const batch of batches) this.failedAttempt(batch, sluiceError, unknown);
        this.drain();
      },
    );
  }

  /** A request to a leader that stopped answering, whose partitions all have another leader now. */
  private abandon(request: InFlightRequest): void {
    const error = new SluiceError(
      ErrorCode.REQUEST_TIMED_OUT,
      `Produce to ${request.leader} was abandoned unanswered: metadata names another leader for its partitions`,
      { retriable: true },
    );
    for (const batch of request.batches) this.failedAttempt(batch, error, true);
    this.drain();
  }

  private onBatchResult(batch: SealedBatch, result: ProducePartitionResult | undefined, leader: string): void {
    const state = batch.partition;
    if (result === undefined) {
      // acks 'none': the broker answers before writing anything.
      if (this.acks !== 'none') {
        this.failedAttempt(batch, new SluiceError(ErrorCode.UNKNOWN, `Produce to ${leader} returned no result for ${state.key}`), true);
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
      // An earlier batch of this partition is not stored (yet), or this one was renumbered: resend in order.
      this.resolveNotAppended(state, batch, expectedSequence(result.errorMessage));
      this.retryLater(batch, error, false);
      return;
    }
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE || code === ErrorCode.INVALID_PRODUCER_EPOCH) {
      // The partition's producer state and ours disagree about the head batch. Renumbering cannot
      // mend that; a new epoch restarts every partition at sequence 0 (KIP-360). The batch itself
      // goes again in the new epoch unless an earlier attempt of it may be stored.
      log.warn({ partition: state.key, err: error.message }, 'the broker refused the head batch\'s sequence: bumping the epoch');
      if (batch.outcomeUnknown) {
        state.inFlight--;
        batch.attempts++;
        this.giveUp(batch, new SluiceOutcomeUnknownError(batch.attempts, 'the broker refused its sequence', error));
      } else {
        this.retryLater(batch, error, true);
      }
      this.epochBumpDue = true;
      return;
    }
    this.failedAttempt(batch, error, !provesNotAppended(code));
  }

  /**
   * OUT_OF_ORDER_SEQUENCE expecting `expected`: if that is the first sequence of an earlier batch
   * of unknown outcome, not in flight, that batch and the ones after it up to `answered` are not
   * stored (the leader would expect a later sequence), so they may be renumbered again.
   */
  private resolveNotAppended(state: PartitionState, answered: SealedBatch, expected: number | undefined): void {
    if (expected === undefined) return;
    const from = state.unacked.findIndex((b) => b.baseSequence === expected && b.sentSequence === b.baseSequence);
    if (from < 0) return;
    for (let i = from; i < state.unacked.length; i++) {
      const batch = state.unacked[i]!;
      if (batch === answered) break;
      if (!state.ready.includes(batch)) return; // in flight: its answer is still to come
    }
    for (let i = from; i < state.unacked.length && state.unacked[i] !== answered; i++) state.unacked[i]!.outcomeUnknown = false;
  }

  /**
   * An attempt failed. `unknown`: the batch may have been appended all the same. Retriable
   * failures are retried until the delivery timeout; the rest fail the batch now.
   */
  private failedAttempt(batch: SealedBatch, error: SluiceError, unknown: boolean): void {
    const state = batch.partition;
    if (unknown) batch.outcomeUnknown = true;
    if (error instanceof SluiceNotLeaderError) this.context.metadata.noteNotLeader(state, error.leaderHint);
    if (error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) this.context.metadata.forgetTopic(state.topic);
    if (error.retriable) {
      this.retryLater(batch, error, true);
      return;
    }
    log.warn({ partition: state.key, err: error.message, outcomeUnknown: batch.outcomeUnknown }, 'batch failed');
    state.inFlight--;
    batch.attempts++;
    this.giveUp(batch, batch.outcomeUnknown ? new SluiceOutcomeUnknownError(batch.attempts, 'a refusal that retrying cannot change', error) : error);
  }

  private retryLater(batch: SealedBatch, error: SluiceError, countsAsAttempt: boolean): void {
    const state = batch.partition;
    state.inFlight--;
    batch.lastError = error;
    if (countsAsAttempt) batch.attempts++;
    if (Date.now() - batch.sealedAtMs >= this.deliveryTimeoutMs) {
      this.giveUp(batch, new SluiceDeliveryTimeoutError(batch.outcomeUnknown, batch.attempts, this.deliveryTimeoutMs, error));
      return;
    }
    log.debug({ partition: state.key, attempt: batch.attempts, err: error.message }, 'retrying batch');
    state.requeue(batch);
    state.recovering = true;
    state.retryAtMs = Math.max(state.retryAtMs, Date.now() + (countsAsAttempt ? backoffMs(batch.attempts - 1, this.context.retry) : 0));
  }

  /**
   * Fails a batch for good. One proven not stored frees its sequence numbers (later batches move
   * down), unless a later batch may be stored under its present numbers; otherwise the numbers
   * stay as they are and the producer moves to a new epoch once nothing is in flight (bumpEpoch).
   */
  private giveUp(batch: SealedBatch, error: SluiceError): void {
    const state = batch.partition;
    const keepNumbers = batch.outcomeUnknown || state.unacked.some((later) => later.id > batch.id && later.outcomeUnknown);
    if (keepNumbers && batch.baseSequence >= 0) {
      state.forget(batch);
      this.epochBumpDue = true;
    } else {
      state.drop(batch);
    }
    batch.fail(error);
    this.host.settled(batch);
  }

  /**
   * KIP-360 without transactions: every batch of unknown outcome is given up (resent under a new
   * epoch it could be stored twice), then the epoch moves on and every partition's unacknowledged
   * batches are numbered from 0. Runs when no request is in flight, so no answer of the old epoch
   * is still to come.
   */
  private bumpEpoch(): void {
    this.bumping = true;
    for (const state of this.host.partitions()) {
      for (const batch of [...state.unacked]) {
        if (!batch.outcomeUnknown) continue;
        state.forget(batch);
        batch.fail(new SluiceOutcomeUnknownError(batch.attempts, 'the producer moved to a new epoch after another batch\'s unknown outcome', batch.lastError));
        this.host.settled(batch);
      }
    }
    this.host.bumpEpoch().then(
      () => {
        for (const state of this.host.partitions()) state.restartSequences();
        log.info(this.host.identity(), 'idempotent producer moved to a new epoch: sequences restart at 0');
        this.bumping = false;
        this.epochBumpDue = false;
        if (!this.closed) this.drain();
      },
      (error: unknown) => {
        log.warn({ err: (error as Error).message }, 'could not move the producer to a new epoch: trying again');
        this.bumping = false;
        if (!this.closed) setTimeout(() => this.drain(), this.context.retry.maxBackoffMs);
      },
    );
  }

  private complete(batch: SealedBatch, baseOffset: number): void {
    const state = batch.partition;
    state.inFlight--;
    state.acknowledge(batch);
    // A retried batch got through and nothing else is in flight: pipelining may resume.
    if (state.recovering && state.inFlight === 0 && (batch.attempts > 0 || state.unacked.length === 0)) state.recovering = false;
    batch.succeed(baseOffset);
    if (!state.recovering) this.host.acknowledged(state);
    this.host.settled(batch);
  }
}

/** The sequence an OUT_OF_ORDER_SEQUENCE answer says the partition expected ("…, expected 42"), if it says. */
function expectedSequence(message: string): number | undefined {
  const match = /expected (?:sequence )?(\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
