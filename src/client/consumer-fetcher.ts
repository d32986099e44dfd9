// The consumer's fetch engine: one Fetch per leader per round (long poll), decoded with the
// batch codec straight from the response buffers, with the next round started before the
// application sees this one (one fetch always in flight while records are processed).
import * as grpc from '@grpc/grpc-js';
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { partitionKey } from '../common/ids';
import { moduleLogger } from '../common/logger';
import { decodeBatchWith } from '../protocol/batch-codec';
import { everyField, type FetchedBatch, type FetchPartitionResult } from '../protocol/wire-types';
import type { ClientContext } from './client-context';
import type { CancellableCall } from './connection-pool';
import { partitionError, SluiceConnectionError, SluiceRequestError, SluiceNotLeaderError, SluiceOffsetOutOfRangeError } from './errors';
import { Subscriptions } from './consumer-subscriptions';
import { PartitionCursor } from './partition-cursor';
import { asSluiceError, backoffMs, sleep } from './retry';
import type { AutoOffsetReset, ConsumedBatch, ConsumedRecord } from './types';

const log = moduleLogger('consumer');


export interface FetcherOptions {
  /** 'push': Subscribe streams (records arrive as they commit); 'poll': long-poll Fetch rounds. */
  readonly delivery: 'push' | 'poll';
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  readonly maxWaitMs: number;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly checkCrcs: boolean;
}

// Every field of a fetched partition is read by applyResult (a field added to the proto fails tsc
// until it is handled and named). A batch's logAppendTimeMs is not: consumed records carry their
// own timestamps and the broker's append time is not surfaced to the application.
everyField<FetchPartitionResult>()(
  'topic', 'partition', 'errorCode', 'errorMessage', 'highWatermark', 'logStartOffset', 'leaderEpoch', 'batches', 'leaderHint',
);
everyField<FetchedBatch>()('baseOffset', 'recordCount', 'leaderEpoch', 'crc32c', 'batch', 'logAppendTimeMs');

export class Fetcher {
  private readonly calls = new Set<CancellableCall<unknown>>();
  private failedRounds = 0;
  /** Fetch requests sent, to rotate the order of their partitions. */
  private fetchRequests = 0;
  private subscriptions: Subscriptions | undefined;

  constructor(private readonly context: ClientContext, private readonly options: FetcherOptions) {
    if (options.delivery === 'push') this.subscriptions = new Subscriptions(context, options, (c, offset, result, into) => this.applyResult(c, offset, result, into));
  }

  /**
   * One fetch round over `cursors` (all with a resolved fetchOffset). Resolves with the batches
   * read, fetch offsets advanced past them. A retriable failure waits (backoff) and yields no
   * batches; a non-retriable one, or retries running out, rejects.
   */
  async round(cursors: readonly PartitionCursor[]): Promise<ConsumedBatch[]> {
    let { batches, retriable } = this.subscriptions ? await this.subscriptions.next(cursors) : await this.pollRound(cursors);
    if (this.subscriptions && retriable instanceof SluiceRequestError && retriable.grpcCode === grpc.status.UNIMPLEMENTED) {
      // A broker without Data.Subscribe: long-poll from now on.
      log.info({ err: retriable.message }, 'the broker cannot push (no Data.Subscribe): fetching by long poll');
      this.subscriptions.cancelAll();
      this.subscriptions = undefined;
      ({ batches, retriable } = await this.pollRound(cursors));
    }
    if (retriable) {
      // A consumer outlasts any outage, as Kafka's does: an election or a restarting broker is
      // waited out (at most retry.maxBackoffMs between rounds) instead of ending the iteration;
      // only an error that retrying cannot change does (docs/client.md, "Retries").
      this.failedRounds++;
      if (this.failedRounds === this.context.retry.retries + 1) log.warn({ err: retriable.message, rounds: this.failedRounds }, `fetching has failed ${this.failedRounds} rounds in a row; still retrying`);
      else log.debug({ err: retriable.message, attempt: this.failedRounds }, 'fetch failed; backing off');
      await sleep(backoffMs(this.failedRounds - 1, this.context.retry));
      // Leaders moved or a broker failed: fetch from where the refreshed metadata says.
      await this.context.metadata.refreshing?.catch(() => undefined);
    } else {
      this.failedRounds = 0;
    }
    return batches;
  }

  private async pollRound(cursors: readonly PartitionCursor[]): Promise<{ batches: ConsumedBatch[]; retriable?: SluiceError }> {
    const byLeader = this.context.metadata.byLeader(cursors, (c) => c);
    const results = await Promise.allSettled([...byLeader].map(([leader, list]) => this.fetchFrom(leader, list)));
    const batches: ConsumedBatch[] = [];
    let retriable: SluiceError | undefined;
    for (const result of results) {
      if (result.status === 'fulfilled') {
        batches.push(...result.value.batches);
        retriable ??= result.value.retriable;
        continue;
      }
      const error = asSluiceError(result.reason);
      if (!error.retriable) throw error;
      retriable ??= error;
    }
    return retriable ? { batches, retriable } : { batches };
  }

  /** Abandons every fetch in flight (their rounds then fail with CANCELLED, which callers drop). */
  cancelAll(): void {
    for (const call of this.calls) call.cancel();
    this.calls.clear();
    this.subscriptions?.cancelAll();
  }

  private async fetchFrom(leader: string, assigned: readonly PartitionCursor[]): Promise<{ batches: ConsumedBatch[]; retriable?: SluiceError }> {
    // Each request starts at the next partition: only the first partition with data may return a
    // batch larger than its max_bytes (KIP-74), so a fixed order could hold a later one back forever.
    const first = this.fetchRequests++ % assigned.length;
    const cursors = first === 0 ? assigned : [...assigned.slice(first), ...assigned.slice(0, first)];
    const generations = cursors.map((c) => c.generation);
    const offsets = cursors.map((c) => c.fetchOffset!);
    const request = {
      partitions: cursors.map((c, i) => ({ topic: c.topic, partition: c.partition, offset: offsets[i], maxBytes: this.options.maxBytesPerPartition, topicId: c.topicId ?? '' })),
      maxWaitMs: this.options.maxWaitMs,
      minBytes: 1,
      maxBytes: this.options.maxBytes,
    };
    const call = this.context.pool.get(leader).start(
      'sluice.v1.Data', 'fetch', request, this.context.requestTimeoutMs + this.options.maxWaitMs,
    );
    this.calls.add(call);
    let response;
    try {
      response = await call.response;
    } catch (error) {
      if (error instanceof SluiceConnectionError) this.context.metadata.markUnavailable(leader);
      throw error;
    } finally {
      this.calls.delete(call);
    }
    const byKey = new Map(cursors.map((c, i) => [c.key, i]));
    const batches: ConsumedBatch[] = [];
    let retriable: SluiceError | undefined;
    for (const result of response.partitions) {
      const i = byKey.get(partitionKey(result));
      if (i === undefined) continue;
      const cursor = cursors[i]!;
      if (cursor.generation !== generations[i]) continue; // sought meanwhile
      const error = this.applyResult(cursor, offsets[i]!, result, batches);
      if (error) retriable ??= error;
    }
    return retriable ? { batches, retriable } : { batches };
  }

  /** Handles one partition's answer; returns a retriable error to back off on, throws a fatal one. */
  private applyResult(cursor: PartitionCursor, requestedOffset: number, result: FetchPartitionResult, into: ConsumedBatch[]): SluiceError | undefined {
    const code = result.errorCode as ErrorCode;
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const reset = this.options.autoOffsetReset;
      if (reset === 'error') {
        throw new SluiceOffsetOutOfRangeError(cursor.topic, cursor.partition, requestedOffset, result.logStartOffset, result.highWatermark);
      }
      const target = reset === 'earliest' ? result.logStartOffset : result.highWatermark;
      log.warn({ partition: cursor.key, offset: requestedOffset, logStartOffset: result.logStartOffset, highWatermark: result.highWatermark, reset: target },
        `offset ${requestedOffset} of ${cursor.key} is out of range [${result.logStartOffset}, ${result.highWatermark}]: resetting to ${reset} (${target})`);
      cursor.seekTo(target);
      return undefined;
    }
    if (code !== ErrorCode.NONE) {
      const error = partitionError(code, cursor.topic, cursor.partition, result.errorMessage, { leaderHint: result.leaderHint });
      if (error instanceof SluiceNotLeaderError) this.context.metadata.noteNotLeader(cursor, error.leaderHint);
      // A deleted topic, or one re-created under the same name: the refresh brings the new id, and
      // the consumer then reads the new topic from its start (Consumer.restartRecreatedTopics).
      if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.UNKNOWN_TOPIC_ID) this.context.metadata.forgetTopic(cursor.topic);
      if (!error.retriable) throw error;
      return error;
    }
    this.checkTruncation(cursor, result);
    let records: ConsumedRecord[] | undefined;
    for (const fetched of result.batches) {
      const batchEnd = fetched.baseOffset + fetched.recordCount;
      if (batchEnd <= requestedOffset) continue;
      if (this.options.checkCrcs && fetched.crc32c !== 0) {
        const actual = crc32c(fetched.batch);
        if (actual !== fetched.crc32c) {
          throw partitionError(ErrorCode.CORRUPT_MESSAGE, cursor.topic, cursor.partition,
            `batch at offset ${fetched.baseOffset} has CRC32C ${actual}, the broker says ${fetched.crc32c}`);
        }
      }
      const { topic, partition } = cursor;
      const leaderEpoch = fetched.leaderEpoch;
      const decoded = decodeBatchWith<ConsumedRecord>(fetched.batch, fetched.baseOffset, requestedOffset,
        (offset, timestamp, key, value, headers) => ({ topic, partition, offset, timestamp, key, value, headers, leaderEpoch })).records;
      if (records === undefined) records = decoded;
      else for (const record of decoded) records.push(record);
      if (batchEnd > cursor.fetchOffset!) cursor.fetchOffset = batchEnd;
    }
    if (records && records.length > 0) into.push({ topic: cursor.topic, partition: cursor.partition, records, highWatermark: result.highWatermark });
    return undefined;
  }

  private checkTruncation(cursor: PartitionCursor, result: FetchPartitionResult): void {
    if (cursor.leaderEpoch >= 0 && result.leaderEpoch < cursor.leaderEpoch) {
      log.warn({ partition: cursor.key, previousEpoch: cursor.leaderEpoch, leaderEpoch: result.leaderEpoch },
        `leader epoch of ${cursor.key} went back from ${cursor.leaderEpoch} to ${result.leaderEpoch}: a stale leader answered`);
    }
    if (cursor.position !== undefined && result.highWatermark < cursor.position) {
      log.warn({ partition: cursor.key, position: cursor.position, highWatermark: result.highWatermark },
        `high watermark of ${cursor.key} (${result.highWatermark}) is below the consumer's position ${cursor.position}: the log may have been truncated`);
    }
    cursor.leaderEpoch = Math.max(cursor.leaderEpoch, result.leaderEpoch);
    cursor.highWatermark = result.highWatermark;
  }
}
