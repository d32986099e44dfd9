// Produce: validate each partition's batch without decoding its records, append, answer per acks.
import { crc32c } from '../../common/crc32c';
import { ErrorCode } from '../../common/errors';
import type { Acks, ProduceOutcome } from '../../partition/replica';
import { scanBatch } from '../../protocol/batch-scan';
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { validatePartitionList } from './partition-list';
import { everyField, type ProducePartition, type ProducePartitionResult, type ProduceRequest, type ProduceResponse } from '../../protocol/wire-types';
import { quoteInput } from '../client-message';

const ACKS_BY_WIRE: Readonly<Record<number, Acks>> = { 0: 'all', 1: 'leader', 2: 'none' };
const DEFAULT_TIMEOUT_MS = 30_000;

// Every field of a produce request is read here (a field added to the proto fails tsc until it
// is handled and named).
everyField<ProduceRequest>()('acks', 'timeoutMs', 'partitions', 'correlationId');
everyField<ProducePartition>()('topic', 'partition', 'batch', 'crc32c');

/**
 * Hands every partition's batch to partition.produce before it returns: no await may come before
 * that. ProduceStream's arrival order is the append order only because of it, so an ACL or quota
 * check that awaits must come after the hand-off or keep the order itself
 * (test/broker/produce-order.test.ts fails on an await before the hand-off).
 */
export async function handleProduce(ctx: BrokerContext, request: ProduceRequest): Promise<ProduceResponse> {
  const acks = ACKS_BY_WIRE[request.acks];
  if (!acks) throw invalidArgument(`acks ${request.acks} is invalid: use ACKS_ALL (0), ACKS_LEADER (1) or ACKS_NONE (2)`);
  validatePartitionList(ctx, 'Produce', request.partitions);
  // Clamped, not refused: a client cannot know the broker's limit, and a longer wait is only a hint.
  // (Unclamped, 2^31 ms and more became a 1 ms Node timer: stored, yet answered REQUEST_TIMED_OUT.)
  const timeoutMs = Math.min(request.timeoutMs > 0 ? request.timeoutMs : DEFAULT_TIMEOUT_MS, ctx.config.limits.maxProduceTimeoutMs);
  const started = process.hrtime.bigint();
  const results = await Promise.all(request.partitions.map((p) => producePartition(ctx, p, acks, timeoutMs)));
  ctx.metrics.produceLatency.observe({ acks }, Number(process.hrtime.bigint() - started) / 1e9);
  return { partitions: results, correlationId: request.correlationId };
}

async function producePartition(ctx: BrokerContext, request: ProducePartition, acks: Acks, timeoutMs: number): Promise<ProducePartitionResult> {
  const { topic, partition: index } = request;
  const base = { topic, partition: index, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, leaderHint: '' };
  const fail = (errorCode: ErrorCode, errorMessage: string, leaderHint = ''): ProducePartitionResult => {
    ctx.metrics.produceErrors.inc({ code: ErrorCode[errorCode] });
    return { ...base, errorCode, errorMessage, leaderHint };
  };

  const found = ctx.partitions.lookup(topic, index);
  const meta = ctx.registry.get(topic);
  if (!found.replica || !meta) return found.replica ? fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${quoteInput(topic)} does not exist`) : fail(found.code, found.message, found.leaderHint);
  const partition = found.replica;
  if (meta.internal) return fail(ErrorCode.POLICY_VIOLATION, `topic '${topic}' is internal: clients cannot produce to it`);
  const batch = request.batch;
  if (!batch || batch.length === 0) return fail(ErrorCode.INVALID_RECORD, `the batch for ${topic}/${index} is empty: send at least one record`);
  const maxBytes = meta.config['max.message.bytes'];
  if (batch.length > maxBytes) {
    return fail(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${batch.length} bytes for ${topic}/${index} exceeds max.message.bytes=${maxBytes}`);
  }
  // A checked CRC goes on to the log, which would otherwise compute it again for the entry header.
  let batchCrc32c: number | undefined;
  if (request.crc32c !== 0) {
    const actual = crc32c(batch);
    if (actual !== request.crc32c >>> 0) {
      return fail(ErrorCode.CORRUPT_MESSAGE, `batch CRC32C mismatch for ${topic}/${index}: request says ${request.crc32c >>> 0}, bytes give ${actual}`);
    }
    batchCrc32c = actual;
  }
  const scan = scanBatch(batch);
  if (!scan.ok) return fail(ErrorCode.INVALID_RECORD, `${scan.reason} (partition ${topic}/${index})`);
  const { summary } = scan;

  // Synchronous up to here (see handleProduce): the first await comes after the hand-off.
  const produced = partition.produce({
    batch,
    acks,
    recordCount: summary.recordCount,
    maxTimestampMs: summary.maxTimestampMs,
    producerId: summary.producerId,
    producerEpoch: summary.producerEpoch,
    baseSequence: summary.baseSequence,
    batchCrc32c,
  });
  const outcome = await withTimeout(produced, timeoutMs, topic, index);
  if (!outcome.ok) return fail(outcome.code, outcome.message, outcome.leaderHint);
  if (outcome.code === ErrorCode.NONE) {
    ctx.metrics.producedRecords.inc({ topic }, summary.recordCount);
    ctx.metrics.producedBytes.inc({ topic }, batch.length);
  }
  return {
    ...base,
    errorCode: outcome.code,
    errorMessage: outcome.code === ErrorCode.DUPLICATE_SEQUENCE ? 'batch already stored (idempotent retry); base_offset is the original' : '',
    baseOffset: outcome.baseOffset,
    logAppendTimeMs: outcome.appendTimeMs,
    logStartOffset: outcome.logStartOffset,
  };
}

function withTimeout(produced: Promise<ProduceOutcome>, timeoutMs: number, topic: string, partition: number): Promise<ProduceOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProduceOutcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          code: ErrorCode.REQUEST_TIMED_OUT,
          message: `${topic}/${partition} did not commit the batch within timeout_ms=${timeoutMs}; it may still be appended (an idempotent retry is safe)`,
        }),
      timeoutMs,
    );
  });
  return Promise.race([produced, timeout]).finally(() => clearTimeout(timer));
}
