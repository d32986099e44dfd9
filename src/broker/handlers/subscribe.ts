// Subscribe: a server-streaming fetch loop. Pushes batches as they commit, honours the
// stream's flow control (waits for 'drain' when the client reads slowly), ends on cancel. Each
// push is encoded here, at once, so that the buffers its batches were read into go back to the
// pool before the next read (grpc-js may serialize a written message later, when it is queued).
import { once } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { waitAny } from '../../partition/change-signal';
import { ReadBufferPool } from '../../storage/read-buffers';
import { withClientMessages } from '../client-message';
import type { BrokerContext } from '../context';
import type { FetchPartitionMessage, SubscribeRequestMessage } from '../wire-types';
import { type ReadRound, readOnce, validateFetchPartitions } from './fetch';

const DEFAULT_PUSH_MAX_BYTES = 4 * 1024 * 1024;
const IDLE_RECHECK_MS = 30_000;
/** Shared by every subscription of this process: leases keep concurrent reads apart. */
const readBuffers = new ReadBufferPool();

/** Encodes a push (FetchResponse) to the bytes the stream sends as they are. */
export type EncodePush = (message: { partitions: unknown[] }) => Buffer;

export async function handleSubscribe(ctx: BrokerContext, call: ServerWritableStream<SubscribeRequestMessage, unknown>, cancelled: AbortSignal, encode: EncodePush): Promise<void> {
  const request = call.request;
  validateFetchPartitions(ctx, 'Subscribe', request.partitions);
  const maxBytes = Math.min(request.maxBytes > 0 ? request.maxBytes : DEFAULT_PUSH_MAX_BYTES, ctx.config.limits.maxFetchBytes);
  const positions: FetchPartitionMessage[] = request.partitions.map((p) => ({ ...p }));
  const abort = AbortSignal.any([cancelled, ctx.stopping]);

  while (!abort.aborted) {
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
      const writable = call.write(message);
      if (round.hasError) return; // the client sees the error codes, then the stream ends
      round.partitions.forEach((result, i) => {
        const last = result.batches[result.batches.length - 1];
        if (last) positions[i] = { ...positions[i]!, offset: last.baseOffset + last.recordCount };
      });
      if (!writable) await Promise.race([once(call, 'drain'), once(abort, 'abort')]);
      continue;
    }
    await waitAny(round.waitOn, IDLE_RECHECK_MS, abort);
  }
}
