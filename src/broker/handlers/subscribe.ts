// Subscribe: a server-streaming fetch loop. Pushes batches as they commit, ends on cancel or
// once every partition has failed (each failure is pushed once, then that partition leaves). It
// reads the next push only when at most one earlier push waits for the client's HTTP/2 window
// (one being sent, one queued behind it: see unsent-pushes.ts) and the broker's in-flight budget
// has room, so a client that does not read costs two pushes, not a queue of them. Each push is
// encoded here, at once, so that the buffers its batches were read into go back to the pool
// before the next read (grpc-js may serialize a written message later, when it is queued).
import type { ServerWritableStream } from '@grpc/grpc-js';
import { waitAny } from '../../partition/change-signal';
import { ReadBufferPool } from '../../storage/read-buffers';
import { ErrorCode } from '../../common/errors';
import { withClientMessages } from '../client-message';
import type { BrokerContext } from '../context';
import type { InFlightBudget } from '../in-flight-budget';
import type { StreamsWaiting } from '../streams-waiting';
import { UnsentPushes, untilWoken } from '../unsent-pushes';
import { everyField, type FetchPartition, type FetchResponse, type SubscribeRequest } from '../../protocol/wire-types';
import { type ReadRound, readOnce } from './fetch';
import { validatePartitionList } from './partition-list';

/** Leaves room for the envelope under the 4 MiB a stock gRPC client accepts (proto/sluice/v1/data.proto). */
const DEFAULT_PUSH_MAX_BYTES = 3 * 1024 * 1024;
const IDLE_RECHECK_MS = 30_000;
/** Pushes that may wait for the client's window when the next one is read: the one being sent. */
const MAX_UNSENT_BEFORE_READ = 1;
/** Shared by every subscription of this process: leases keep concurrent reads apart. */
const readBuffers = new ReadBufferPool();

/** Encodes a push (FetchResponse) to the bytes the stream sends as they are. */
export type EncodePush = (message: FetchResponse) => Buffer;

// Every field of a subscribe request is read here (a field added to the proto fails tsc until it
// is handled and named); its partitions are fetch.ts's FetchPartition.
everyField<SubscribeRequest>()('partitions', 'maxBytes');

export interface SubscribeLimits {
  readonly budget: InFlightBudget;
  readonly waiting: StreamsWaiting;
}

export async function handleSubscribe(
  ctx: BrokerContext,
  call: ServerWritableStream<SubscribeRequest, unknown>,
  cancelled: AbortSignal,
  encode: EncodePush,
  limits: SubscribeLimits,
): Promise<void> {
  const request = call.request;
  validatePartitionList(ctx, 'Subscribe', request.partitions);
  const maxBytes = Math.min(request.maxBytes > 0 ? request.maxBytes : DEFAULT_PUSH_MAX_BYTES, ctx.config.limits.maxFetchBytes);
  // Copies: each position advances as its pushes go out.
  let positions: FetchPartition[] = request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset, maxBytes: p.maxBytes, topicId: p.topicId }));
  const abort = AbortSignal.any([cancelled, ctx.stopping]);

  const pushes = new UnsentPushes(limits.budget);
  try {
    while (!abort.aborted) {
      await roomForNextPush(pushes, limits, abort);
      if (abort.aborted) return;
      const lease = readBuffers.lease();
      let round: ReadRound;
      let message: Buffer | undefined;
      try {
        round = await readOnce(ctx, positions, maxBytes, lease);
        if (round.bytes > 0 || round.hasError) message = encode(withClientMessages({ partitions: round.partitions }, ctx.config.dataDir));
      } finally {
        lease.release();
      }
      if (message !== undefined) {
        pushes.write(call, message);
        // The partitions just served go last: only the first partition with data may exceed its
        // max_bytes (KIP-74), so a fixed order would let a backlog on one hold back the others.
        const waiting: FetchPartition[] = [];
        const served: FetchPartition[] = [];
        // A partition that failed was reported in this push and leaves the stream; the others
        // go on, and the stream ends (OK) once none is left.
        round.partitions.forEach((result, i) => {
          const last = result.batches[result.batches.length - 1];
          if (result.errorCode !== ErrorCode.NONE) return;
          if (last) served.push({ ...positions[i]!, offset: last.baseOffset + last.recordCount });
          else waiting.push(positions[i]!);
        });
        positions = [...waiting, ...served];
        if (positions.length === 0) return;
        continue;
      }
      await waitAny(round.waitOn, IDLE_RECHECK_MS, abort);
    }
  } finally {
    pushes.close();
  }
}

async function roomForNextPush(pushes: UnsentPushes, limits: SubscribeLimits, abort: AbortSignal): Promise<void> {
  if (pushes.unsent > MAX_UNSENT_BEFORE_READ) {
    const stopWaiting = limits.waiting.begin('subscribe');
    try {
      await untilWoken((wake) => pushes.whenAtMost(MAX_UNSENT_BEFORE_READ, wake), abort);
    } finally {
      stopWaiting();
    }
  }
  if (limits.budget.exhausted) await untilWoken((wake) => limits.budget.whenAvailable(wake), abort);
}
