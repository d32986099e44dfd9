// Requests that only a partition's leader can answer and that carry several partitions
// (ListOffsets): split per leader, sent in parallel, and retried for the partitions whose
// leader moved (NOT_LEADER, UNKNOWN_TOPIC_OR_PARTITION, an unreachable broker) until every
// partition has a final answer or the retries run out.
import { ErrorCode, isRetriable, SluiceError } from '../common/errors';
import { partitionKey } from '../common/ids';
import type { ListOffsetsPartition, ListOffsetsPartitionResult } from '../protocol/wire-types';
import type { ClientContext } from './client-context';
import { partitionError, SluiceConnectionError, SluiceNotLeaderError } from './errors';
import { asSluiceError } from './retry';

/**
 * Calls `Data.<method>` on each partition's leader with `{ partitions: [...] }` built from
 * `items`, and returns one answer per item, in the order of `items` (the broker answers a
 * request's partitions in the order asked; one partition may appear several times). Answers with
 * a non-retriable error code are returned as they are, for the caller to read.
 */
export async function callLeaders(
  context: ClientContext, method: 'listOffsets', items: readonly ListOffsetsPartition[], timeoutMs = context.requestTimeoutMs,
): Promise<ListOffsetsPartitionResult[]> {
  const done = new Map<number, ListOffsetsPartitionResult>();
  let pending = items.map((_, i) => i);
  await context.withRetries(async () => {
    await context.metadata.refreshing?.catch(() => undefined);
    const byLeader = context.metadata.byLeader(pending, (i) => items[i]!);
    let retriable: SluiceError | undefined;
    await Promise.all([...byLeader].map(async ([leader, list]) => {
      let response;
      try {
        response = await context.pool.get(leader).call('sluice.v1.Data', method, { partitions: list.map((i) => items[i]!) }, timeoutMs);
      } catch (thrown) {
        const error = asSluiceError(thrown);
        if (error instanceof SluiceConnectionError) context.metadata.markUnavailable(leader);
        if (!error.retriable) throw error;
        retriable ??= error;
        return;
      }
      if (response.partitions.length !== list.length) {
        throw new SluiceError(ErrorCode.UNKNOWN, `${method} to ${leader} answered ${response.partitions.length} partitions for ${list.length} asked`, { retriable: false });
      }
      for (const [n, answer] of response.partitions.entries()) {
        const code = answer.errorCode as ErrorCode;
        if (code === ErrorCode.NOT_LEADER || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          // ListOffsets answers carry no leader_hint (the proto has none): the metadata finds the leader.
          const error = partitionError(code, answer.topic, answer.partition, answer.errorMessage);
          if (error instanceof SluiceNotLeaderError) context.metadata.noteNotLeader(answer, error.leaderHint);
          else context.metadata.forgetTopic(answer.topic);
          retriable ??= error;
          continue;
        }
        if (isRetriable(code)) {
          retriable ??= partitionError(code, answer.topic, answer.partition, answer.errorMessage);
          continue;
        }
        done.set(list[n]!, answer);
      }
    }));
    pending = pending.filter((i) => !done.has(i));
    if (pending.length > 0) throw retriable ?? new SluiceError(ErrorCode.UNKNOWN, `${method}: no answer for ${pending.map((i) => partitionKey(items[i]!)).join(', ')}`, { retriable: true });
  });
  return items.map((_, i) => done.get(i)!);
}
