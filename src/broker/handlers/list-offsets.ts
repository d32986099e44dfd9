// ListOffsets (earliest, latest, by timestamp) and InitProducer.
import { ErrorCode } from '../../common/errors';
import type { PartitionReplica } from '../../partition/replica';
import { decodeBatch } from '../../protocol/batch-codec';
import type { BrokerContext } from '../context';
import { validatePartitionList } from './partition-list';
import { everyField, type RequestOf, type InitProducerResponse, type ListOffsetsPartitionResult, type ListOffsetsRequest, type ListOffsetsResponse } from '../../protocol/wire-types';

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

// Every field of a ListOffsets request is read here (a field added to the proto fails tsc until
// it is handled and named).
everyField<ListOffsetsRequest>()('partitions');
everyField<ListOffsetsRequest['partitions'][number]>()('topic', 'partition', 'timestampMs');

export async function handleListOffsets(ctx: BrokerContext, request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
  validatePartitionList(ctx, 'ListOffsets', request.partitions, { eachOnce: false });
  const results: ListOffsetsPartitionResult[] = [];
  for (const p of request.partitions) {
    const base: ListOffsetsPartitionResult = { topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE, errorMessage: '', offset: -1, timestampMs: -1, logStartOffset: -1, highWatermark: -1 };
    const found = ctx.partitions.lookup(p.topic, p.partition);
    if (!found.replica) {
      results.push({ ...base, errorCode: found.code, errorMessage: found.message });
      continue;
    }
    const partition = found.replica;
    const common = { ...base, logStartOffset: partition.logStartOffset, highWatermark: partition.highWatermark };
    if (p.timestampMs === LATEST_TIMESTAMP) {
      results.push({ ...common, offset: partition.highWatermark });
    } else if (p.timestampMs === EARLIEST_TIMESTAMP) {
      results.push({ ...common, offset: partition.logStartOffset });
    } else if (p.timestampMs < 0) {
      results.push({
        ...common,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `timestamp_ms ${p.timestampMs} is invalid: use -1 (latest), -2 (earliest) or a timestamp >= 0 in ms`,
      });
    } else {
      const found = await firstRecordAtOrAfter(partition, p.timestampMs);
      results.push({ ...common, offset: found?.offset ?? -1, timestampMs: found?.timestampMs ?? -1 });
    }
  }
  return { partitions: results };
}

/**
 * Kafka's answer to a timestamp query: the offset and timestamp of the first record with a
 * timestamp >= `timestampMs`. The index finds the first batch whose max timestamp reaches it;
 * that one batch is decoded (a rare call). A batch whose max timestamp is its append time (the
 * producer set none) answers its first record at that time.
 */
async function firstRecordAtOrAfter(partition: PartitionReplica, timestampMs: number): Promise<{ offset: number; timestampMs: number } | undefined> {
  const offset = await partition.offsetForTimestamp(timestampMs);
  if (offset === undefined || offset >= partition.highWatermark) return undefined;
  const entry = (await partition.read(offset, 1)).entries[0];
  if (entry === undefined) return undefined;
  const batchAnswer = { offset, timestampMs: entry.header.maxTimestampMs };
  try {
    const record = decodeBatch(entry.batch, entry.header.baseOffset, offset).records.find((r) => r.offset >= offset && r.timestamp >= timestampMs);
    return record ? { offset: record.offset, timestampMs: record.timestamp } : batchAnswer;
  } catch {
    return batchAnswer; // records that do not decode (checked on produce; an old log may hold some): the batch's answer
  }
}

// InitProducer's only field, clientId, is "for logs" (data.proto), and nothing logs it yet.
everyField<RequestOf<'sluice.v1.Data', 'initProducer'>>()('clientId');

export async function handleInitProducer(ctx: BrokerContext): Promise<InitProducerResponse> {
  return { producerId: await ctx.producerIds.allocate(), producerEpoch: 0 };
}
