// ProduceStream: pipelined produce on one bidirectional stream. Requests are handed to the
// partitions in the order they arrive (the append order), answers go back as they complete,
// tagged with the request's correlation id. Reading pauses while too much is in flight, so a
// fast producer is slowed by HTTP/2 flow control instead of filling the broker's memory.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { withClientMessages } from '../client-message';
import type { BrokerContext } from '../context';
import type { ProduceRequestMessage } from '../wire-types';
import { invalidArgument } from '../request-error';
import { handleProduce } from './produce';

const MAX_IN_FLIGHT_REQUESTS = 256;

export interface ProduceStreamHooks {
  /** Whether the decoded message is malformed; returns the reason. */
  malformed(request: unknown): string | undefined;
  /** Ends the stream with a request-level error. */
  fail(error: unknown): void;
}

export function handleProduceStream(
  ctx: BrokerContext,
  call: ServerDuplexStream<ProduceRequestMessage & { correlationId: number }, unknown>,
  hooks: ProduceStreamHooks,
): void {
  let inFlight = 0;
  let ended = false;
  let failed = false;
  const maybeFinish = (): void => {
    if (ended && inFlight === 0 && !failed) call.end();
  };
  call.on('data', (request: ProduceRequestMessage & { correlationId: number }) => {
    if (failed) return;
    const malformed = hooks.malformed(request);
    if (malformed) {
      failed = true;
      hooks.fail(invalidArgument(malformed));
      return;
    }
    inFlight++;
    if (inFlight >= MAX_IN_FLIGHT_REQUESTS) call.pause();
    let answer: Promise<{ partitions: unknown[] }>;
    try {
      answer = handleProduce(ctx, request);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (response) => {
        inFlight--;
        if (failed || call.cancelled) return;
        call.write(withClientMessages({ partitions: response.partitions, correlationId: request.correlationId }, ctx.config.dataDir));
        if (inFlight < MAX_IN_FLIGHT_REQUESTS / 2) call.resume();
        maybeFinish();
      },
      (error: unknown) => {
        inFlight--;
        if (failed) return;
        failed = true;
        hooks.fail(error);
      },
    );
  });
  call.on('end', () => {
    ended = true;
    maybeFinish();
  });
  call.on('error', () => {
    failed = true;
  });
}
