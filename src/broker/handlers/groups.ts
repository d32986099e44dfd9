// Group offsets: CommitOffsets (fenced by the member's epoch, docs/consumer-groups.md),
// FetchOffsets. A group's offsets live on one partition of __consumer_offsets; in a
// cluster a broker that does not lead that partition forwards the request (once) to the broker
// that does.
import { ErrorCode } from '../../common/errors';
import { groupIdProblem, MAX_OFFSET_METADATA_BYTES, NotCoordinatorError, OFFSETS_TOPIC } from '../../consumer-groups/consumer-group-offsets';
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { validatePartitionList } from './partition-list';
import { everyField, type CommitOffsetsRequest, type CommitOffsetsResponse, type FetchOffsetsRequest, type FetchOffsetsResponse } from '../../protocol/wire-types';
import { partitionRef, quoteInput } from '../client-message';

// Every field of these requests is read here (a field added to the proto fails tsc until it is
// handled and named).
everyField<CommitOffsetsRequest>()('groupId', 'partitions', 'memberId', 'memberEpoch');
everyField<CommitOffsetsRequest['partitions'][number]>()('topic', 'partition', 'offset', 'metadata', 'topicId');
everyField<FetchOffsetsRequest>()('groupId', 'partitions');
everyField<FetchOffsetsRequest['partitions'][number]>()('topic', 'partition');

export interface CallInfo {
  /** The request was forwarded by another broker: answer it here, never forward again. */
  readonly forwarded: boolean;
}

export async function handleCommitOffsets(ctx: BrokerContext, request: CommitOffsetsRequest, call: CallInfo): Promise<CommitOffsetsResponse> {
  const groupProblem = groupIdProblem(request.groupId);
  if (groupProblem) throw invalidArgument(groupProblem);
  validatePartitionList(ctx, 'CommitOffsets', request.partitions);
  const results = request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE, errorMessage: '' }));
  const valid = [];
  for (const [i, p] of request.partitions.entries()) {
    const result = results[i]!;
    const meta = ctx.registry.get(p.topic);
    if (!meta || p.partition >= meta.partitions) {
      result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      result.errorMessage = `${partitionRef(p.topic, p.partition)} does not exist`;
    } else if (p.topicId !== '' && p.topicId !== meta.topicId) {
      result.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
      result.errorMessage = `${partitionRef(p.topic, p.partition)} is now topic id ${meta.topicId}, not ${quoteInput(p.topicId)}: the topic was deleted and re-created; nothing was committed for it`;
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
  if (valid.length === 0) return { partitions: results };
  try {
    const outcomes = await ctx.consumerGroups.commit(request.groupId, request.memberId, request.memberEpoch, valid.map((v) => v.offset));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.ok) continue;
      results[valid[i]!.index]!.errorCode = outcome.code;
      results[valid[i]!.index]!.errorMessage = outcome.message;
    }
  } catch (error) {
    if (!(error instanceof NotCoordinatorError)) throw error;
    const forwarded = await forwardToCoordinator<CommitOffsetsResponse>(ctx, call, error, 'commitOffsets', request);
    if (forwarded) return forwarded;
    setAll(results, valid, ErrorCode.NOT_COORDINATOR, error.message);
  }
  return { partitions: results };
}

export async function handleFetchOffsets(ctx: BrokerContext, request: FetchOffsetsRequest, call: CallInfo): Promise<FetchOffsetsResponse> {
  const groupProblem = groupIdProblem(request.groupId);
  if (groupProblem) throw invalidArgument(groupProblem);
  let offsets;
  try {
    offsets = await ctx.offsets.fetch(request.groupId, request.partitions);
  } catch (error) {
    if (!(error instanceof NotCoordinatorError)) throw error;
    const forwarded = await forwardToCoordinator<FetchOffsetsResponse>(ctx, call, error, 'fetchOffsets', request);
    if (forwarded) return forwarded;
    return {
      partitions: request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: -1, metadata: '', commitTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: error.message })),
    };
  }
  const partitions = offsets.map((o) => ({
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

function setAll(results: { errorCode: ErrorCode; errorMessage: string }[], valid: { index: number }[], code: ErrorCode, message: string): void {
  for (const { index } of valid) {
    results[index]!.errorCode = code;
    results[index]!.errorMessage = message;
  }
}

/** Sends the request to the coordinator when this broker knows who it is; undefined otherwise. */
export async function forwardToCoordinator<R>(ctx: BrokerContext, call: CallInfo, error: NotCoordinatorError, method: string, request: object): Promise<R | undefined> {
  if (call.forwarded) return undefined;
  const local = ctx.partitions.get(OFFSETS_TOPIC, error.offsetsPartition);
  const leader = local ? local.leaderId : ctx.registry.replicas(OFFSETS_TOPIC, error.offsetsPartition)[0];
  if (leader === null || leader === undefined || leader === ctx.config.nodeId) return undefined;
  return ctx.cluster.forward('sluice.v1.Groups', method, request, leader);
}
