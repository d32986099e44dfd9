// ListOffsets (earliest, latest, by timestamp) and InitProducer.
import { ErrorCode } from '../../common/errors';
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
      const offset = await partition.offsetForTimestamp(p.timestampMs);
      const found = offset !== undefined && offset < partition.highWatermark;
      results.push({ ...common, offset: found ? offset : -1, timestampMs: found ? p.timestampMs : -1 });
    }
  }
  return { partitions: results };
}

// InitProducer's only field, clientId, is "for logs" (data.proto), and nothing logs it yet.
everyField<RequestOf<'sluice.v1.Data', 'initProducer'>>()('clientId');

export async function handleInitProducer(ctx: BrokerContext): Promise<InitProducerResponse> {
  return { producerId: await ctx.producerIds.allocate(), producerEpoch: 0 };
}
