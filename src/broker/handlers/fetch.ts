// Fetch and Subscribe: read whole stored batches below the high watermark and return their bytes
// unchanged, with the broker-assigned facts in an envelope beside each batch.
import { ErrorCode, SluiceError } from '../../common/errors';
import { waitAny, type ChangeSignal } from '../../partition/change-signal';
import { NotLeaderError, type PartitionReplica } from '../../partition/replica';
import type { BrokerContext } from '../context';
import { validatePartitionList } from './partition-list';
import { everyField, type FetchedBatch, type FetchPartition, type FetchPartitionResult, type FetchRequest, type FetchResponse } from '../../protocol/wire-types';
import type { ReadLease } from '../../storage/read-buffers';
import { partitionRef, quoteInput } from '../client-message';

const DEFAULT_PARTITION_MAX_BYTES = 1024 * 1024;
/** Leaves room for the envelope under the 4 MiB a stock gRPC client accepts (proto/sluice/v1/data.proto). */
const DEFAULT_REQUEST_MAX_BYTES = 3 * 1024 * 1024;

// Every field of a fetch request is read here (a field added to the proto fails tsc until it is
// handled and named).
everyField<FetchRequest>()('partitions', 'maxWaitMs', 'minBytes', 'maxBytes');
everyField<FetchPartition>()('topic', 'partition', 'offset', 'maxBytes', 'topicId');

/** An offset read in another topic of the same name (deleted and re-created) fails its own partition (KIP-516). */
function topicIdProblem(ctx: BrokerContext, p: FetchPartition): string | undefined {
  if (p.topicId === '') return undefined;
  const current = ctx.registry.get(p.topic)?.topicId;
  if (current === undefined || current === p.topicId) return undefined;
  return `${partitionRef(p.topic, p.partition)} is now topic id ${current}, not ${quoteInput(p.topicId)}: the topic was deleted and re-created; refresh the metadata and resolve the position in the new topic`;
}

/** A negative offset fails its own partition (OFFSET_OUT_OF_RANGE, as Kafka), not the request. */
function offsetProblem(p: FetchPartition): string | undefined {
  if (Number.isSafeInteger(p.offset) && p.offset >= 0) return undefined;
  return `offset ${p.offset} for ${partitionRef(p.topic, p.partition)} is invalid: use an offset >= 0 (ListOffsets resolves earliest/latest)`;
}

export async function handleFetch(ctx: BrokerContext, request: FetchRequest, cancelled: AbortSignal): Promise<FetchResponse> {
  validatePartitionList(ctx, 'Fetch', request.partitions);
  // Clamped, not refused (Kafka sets no bound): a long poll waits at most limits.maxFetchWaitMs.
  const maxWaitMs = Math.min(request.maxWaitMs, ctx.config.limits.maxFetchWaitMs);
  const maxBytes = Math.min(request.maxBytes > 0 ? request.maxBytes : DEFAULT_REQUEST_MAX_BYTES, ctx.config.limits.maxFetchBytes);
  const minBytes = Math.max(1, request.minBytes);
  const started = process.hrtime.bigint();
  // On the monotonic clock: a wall clock stepped back while it waits (NTP, docs/chaos.md "Clock
  // faults") held a long poll for as long as the step.
  const deadline = performance.now() + maxWaitMs;
  const abort = AbortSignal.any([cancelled, ctx.stopping]);

  let result = await readOnce(ctx, request.partitions, maxBytes);
  while (result.bytes < minBytes && !result.full && !result.hasError && !abort.aborted) {
    const remainingMs = deadline - performance.now();
    if (remainingMs <= 0) break;
    const signals = result.waitOn;
    if (signals.length === 0) break;
    const changed = await waitAny(signals, remainingMs, abort);
    if (!changed) break;
    result = await readOnce(ctx, request.partitions, maxBytes);
  }
  ctx.metrics.fetchLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
  return { partitions: result.partitions };
}

export interface ReadRound {
  readonly partitions: FetchPartitionResult[];
  readonly bytes: number;
  readonly hasError: boolean;
  /** The next batch would have taken the response past its max_bytes: answer now. */
  readonly full: boolean;
  /** Change signals of the partitions that were read, to wait for more data. */
  readonly waitOn: ChangeSignal[];
}

/**
 * One pass over the partitions: at most `maxBytes` of batches in all, except that the first batch
 * read is returned whatever its size (so that a consumer always progresses, as Kafka's
 * fetch.max.bytes). With a lease, the batches read are views into its buffers (see PartitionLog.read).
 */
export async function readOnce(ctx: BrokerContext, partitions: readonly FetchPartition[], maxBytes: number, lease?: ReadLease): Promise<ReadRound> {
  const results: FetchPartitionResult[] = [];
  const waitOn: ChangeSignal[] = [];
  let bytes = 0;
  let hasError = false;
  let full = false;
  for (const request of partitions) {
    const found = ctx.partitions.lookup(request.topic, request.partition);
    const result = emptyResult(request, found.replica);
    results.push(result);
    const badOffset = offsetProblem(request);
    if (badOffset !== undefined) {
      result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      result.errorMessage = badOffset;
      hasError = true;
      continue;
    }
    const otherTopic = topicIdProblem(ctx, request);
    if (otherTopic !== undefined) {
      result.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
      result.errorMessage = otherTopic;
      hasError = true;
      continue;
    }
    if (!found.replica) {
      result.errorCode = found.code;
      result.errorMessage = found.message;
      result.leaderHint = found.leaderHint;
      hasError = true;
      continue;
    }
    const partition = found.replica;
    waitOn.push(partition.changed);
    const budget = Math.min(request.maxBytes > 0 ? request.maxBytes : DEFAULT_PARTITION_MAX_BYTES, maxBytes - bytes);
    if (full || (budget <= 0 && bytes > 0)) continue;
    try {
      const read = await partition.read(request.offset, Math.max(budget, 1), lease);
      // The log returns at least one batch whatever its size. Only the response's first batch may
      // exceed the limits (KIP-74): later, one past the response's budget ends the response, one
      // past its partition's budget waits for a request that starts with it.
      if (bytes > 0 && bytes + read.bytes > maxBytes) {
        full = true;
        continue;
      }
      if (bytes > 0 && read.bytes > budget) continue;
      for (const entry of read.entries) {
        const batch: FetchedBatch = {
          baseOffset: entry.header.baseOffset,
          recordCount: entry.header.recordCount,
          leaderEpoch: entry.header.term,
          logAppendTimeMs: entry.header.appendTimeMs,
          crc32c: entry.header.crc,
          batch: entry.batch,
        };
        result.batches.push(batch);
      }
      bytes += read.bytes;
      if (read.bytes > 0) ctx.metrics.fetchedBytes.inc({ topic: request.topic }, read.bytes);
    } catch (error) {
      hasError = true;
      if (error instanceof SluiceError) {
        result.errorCode = error.code;
        result.errorMessage = error.message;
        if (error instanceof NotLeaderError) result.leaderHint = error.leaderHint;
      } else {
        result.errorCode = ErrorCode.UNKNOWN;
        result.errorMessage = `reading ${request.topic}/${request.partition} failed: ${(error as Error).message}`;
      }
    }
  }
  return { partitions: results, bytes, hasError, full, waitOn };
}

function emptyResult(request: FetchPartition, partition: PartitionReplica | undefined): FetchPartitionResult {
  return {
    topic: request.topic,
    partition: request.partition,
    errorCode: ErrorCode.NONE,
    errorMessage: '',
    highWatermark: partition?.highWatermark ?? -1,
    logStartOffset: partition?.logStartOffset ?? -1,
    leaderEpoch: partition?.leaderEpoch ?? 0,
    batches: [],
    leaderHint: '',
  };
}
