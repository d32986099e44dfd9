// Group offsets: CommitOffsets, FetchOffsets, ListGroups.
import { ErrorCode } from '../../common/errors';
import { groupIdProblem, MAX_OFFSET_METADATA_BYTES } from '../../groups/offset-store';
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import type { CommitOffsetsRequestMessage, FetchOffsetsRequestMessage } from '../wire-types';

export async function handleCommitOffsets(ctx: BrokerContext, request: CommitOffsetsRequestMessage) {
  const groupProblem = groupIdProblem(request.groupId);
  if (groupProblem) throw invalidArgument(groupProblem);
  if (request.partitions.length === 0) throw invalidArgument('CommitOffsets names no partitions: send at least one');
  const results = request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE, errorMessage: '' }));
  const valid = [];
  for (const [i, p] of request.partitions.entries()) {
    const result = results[i]!;
    const partition = ctx.partitions.get(p.topic, p.partition);
    if (!partition) {
      result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      result.errorMessage = `${p.topic}/${p.partition} does not exist`;
    } else if (!Number.isSafeInteger(p.offset) || p.offset < 0) {
      result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      result.errorMessage = `offset ${p.offset} for ${p.topic}/${p.partition} is invalid: use an offset >= 0`;
    } else if (Buffer.byteLength(p.metadata ?? '') > MAX_OFFSET_METADATA_BYTES) {
      result.errorCode = ErrorCode.INVALID_REQUEST;
      result.errorMessage = `metadata for ${p.topic}/${p.partition} is ${Buffer.byteLength(p.metadata)} bytes: the limit is ${MAX_OFFSET_METADATA_BYTES}`;
    } else {
      valid.push({ index: i, offset: { topic: p.topic, partition: p.partition, offset: p.offset, metadata: p.metadata ?? '' } });
    }
  }
  if (valid.length > 0) {
    const outcome = await ctx.offsets.commit(request.groupId, valid.map((v) => v.offset));
    if (!outcome.ok) {
      for (const { index } of valid) {
        results[index]!.errorCode = outcome.code;
        results[index]!.errorMessage = outcome.message;
      }
    }
  }
  return { partitions: results };
}

export function handleFetchOffsets(ctx: BrokerContext, request: FetchOffsetsRequestMessage) {
  const groupProblem = groupIdProblem(request.groupId);
  if (groupProblem) throw invalidArgument(groupProblem);
  const partitions = ctx.offsets.fetch(request.groupId, request.partitions).map((o) => ({
    topic: o.topic,
    partition: o.partition,
    offset: o.offset,
    metadata: o.metadata,
    commitTimeMs: o.commitTimeMs,
    errorCode: ErrorCode.NONE,
    errorMessage: '',
  }));
  return { partitions };
}

export function handleListGroups(ctx: BrokerContext) {
  return { groupIds: ctx.offsets.listGroups() };
}
