// The checks every request that names partitions (or topics) shares: at least one, at most
// limits.maxPartitionsPerRequest, each (topic, partition) once. A partition named many times
// would be read (or written) many times for one request: a 190 KB Fetch naming one partition
// 10,000 times answered 269 MB.
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { partitionRef, quoteInput } from '../client-message';

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

/** The same for a list of topic names (DescribeTopics): each named once, at most limits.maxPartitionsPerRequest. */
export function validateTopicList(ctx: BrokerContext, request: 'DescribeTopics', names: readonly string[]): void {
  const limit = ctx.config.limits.maxPartitionsPerRequest;
  if (names.length > limit) throw invalidArgument(`${request} request names ${names.length} topics: the limit is ${limit} (limits.maxPartitionsPerRequest)`);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw invalidArgument(`topic ${quoteInput(name)} appears twice in one ${request} request: name each topic once`);
    seen.add(name);
  }
}
