// The checks every request that names partitions shares: at least one, at most
// limits.maxPartitionsPerRequest, each (topic, partition) once. A partition named many times
// would be read (or written) many times for one request: a 190 KB Fetch naming one partition
// 10,000 times answered 269 MB.
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { partitionRef } from '../client-message';

export type PartitionListRequest = 'Produce' | 'Fetch' | 'Subscribe' | 'ListOffsets' | 'CommitOffsets';

/** `eachOnce: false` lets a partition appear several times (ListOffsets asks one partition for several timestamps). */
export function validatePartitionList(
  ctx: BrokerContext,
  request: PartitionListRequest,
  partitions: readonly { readonly topic: string; readonly partition: number }[],
  { eachOnce = true }: { readonly eachOnce?: boolean } = {},
): void {
  if (partitions.length === 0) throw invalidArgument(`${request} request names no partitions: send at least one`);
  const limit = ctx.config.limits.maxPartitionsPerRequest;
  if (partitions.length > limit) throw invalidArgument(`${request} request names ${partitions.length} partitions: the limit is ${limit} (limits.maxPartitionsPerRequest)`);
  if (!eachOnce) return;
  const seen = new Map<string, Set<number>>();
  for (const { topic, partition } of partitions) {
    let indexes = seen.get(topic);
    if (!indexes) seen.set(topic, (indexes = new Set()));
    if (indexes.has(partition)) throw invalidArgument(`partition ${partitionRef(topic, partition)} appears twice in one ${request} request: name each partition once`);
    indexes.add(partition);
  }
}
