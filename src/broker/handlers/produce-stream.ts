// ProduceStream: pipelined produce on one bidirectional stream. Requests are handed to the
// partitions in the order they arrive (the append order), answers go back as they complete,
// tagged with the request's correlation id. The broker is slowed only by pausing the stream's
// reads, never by an await between a request's arrival and its append (that would let a later
// request overtake it): reading pauses while too many requests are in flight, while answers wait
// for a client that does not read them (until the call drains), and while the broker's in-flight
// budget is exhausted. A paused stream leaves the client's requests in its HTTP/2 window, so the
// client is slowed by flow control instead of filling the broker's memory
// (docs/architecture.md, "Memory held for clients"). The order rests on handleProduce calling
// partition.produce before it returns; test/broker/produce-order.test.ts fails on an await there.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { withClientMessages } from '../client-message';
import type { BrokerContext } from '../context';
import type { InFlightBudget } from '../in-flight-budget';
import type { StreamsWaiting } from '../streams-waiting';
import type { ProduceRequest, ProduceResponse } from '../../protocol/wire-types';
import { invalidArgument } from '../request-error';
import { handleProduce } from './produce';

const MAX_IN_FLIGHT_REQUESTS = 256;

export interface ProduceStreamHooks {
  /** Whether the decoded message is malformed; returns the reason. */
  malformed(request: unknown): string | undefined;
  /** Ends the stream with a request-level error. */
  fail(error: unknown): void;
}

export interface ProduceStreamLimits {
  readonly budget: InFlightBudget;
  readonly waiting: StreamsWaiting;
}

export function handleProduceStream(ctx: BrokerContext, call: ServerDuplexStream<ProduceRequest, unknown>, hooks: ProduceStreamHooks, limits: ProduceStreamLimits): void {
  const { budget } = limits;
  readAheadOneRequest(call);
  let inFlight = 0;
  let ended = false;
  let failed = false;
  /** Between MAX_IN_FLIGHT_REQUESTS and half of it (hysteresis): too many requests in flight. */
  let tooManyInFlight = false;
  /** Set while call.write has returned false and 'drain' has not come: the client is not reading. */
  let stopWaitingForClient: (() => void) | undefined;
  let cancelBudgetWait: (() => void) | undefined;
  let paused = false;

  const updateReading = (): void => {
    if (failed) return;
    const pause = tooManyInFlight || stopWaitingForClient !== undefined || budget.exhausted;
    if (pause && !paused) call.pause();
    else if (!pause && paused) call.resume();
    paused = pause;
    if (budget.exhausted && cancelBudgetWait === undefined) {
      cancelBudgetWait = budget.whenAvailable(() => {
        cancelBudgetWait = undefined;
        updateReading();
      });
    }
  };
  const stop = (): void => {
    failed = true;
    cancelBudgetWait?.();
    stopWaitingForClient?.();
  };
  const maybeFinish = (): void => {
    if (ended && inFlight === 0 && !failed) call.end();
  };
  const answer = (response: ProduceResponse, correlationId: number): void => {
    const writable = call.write(withClientMessages({ partitions: response.partitions, correlationId } satisfies ProduceResponse, ctx.config.dataDir));
    if (!writable && stopWaitingForClient === undefined) {
      stopWaitingForClient = limits.waiting.begin('produceStream');
      call.once('drain', () => {
        stopWaitingForClient?.();
        stopWaitingForClient = undefined;
        updateReading();
      });
    }
  };

  call.on('data', (request: ProduceRequest) => {
    if (failed) return;
    const malformed = hooks.malformed(request);
    if (malformed) {
      stop();
      hooks.fail(invalidArgument(malformed));
      return;
    }
    const bytes = batchBytes(request);
    budget.hold(bytes);
    inFlight++;
    if (inFlight >= MAX_IN_FLIGHT_REQUESTS) tooManyInFlight = true;
    let answered: Promise<ProduceResponse>;
    try {
      answered = handleProduce(ctx, request);
    } catch (error) {
      answered = Promise.reject(error);
    }
    updateReading();
    answered.then(
      (response) => {
        inFlight--;
        budget.release(bytes);
        if (inFlight < MAX_IN_FLIGHT_REQUESTS / 2) tooManyInFlight = false;
        if (failed || call.cancelled) return;
        answer(response, request.correlationId);
        updateReading();
        maybeFinish();
      },
      (error: unknown) => {
        inFlight--;
        budget.release(bytes);
        if (failed) return;
        stop();
        hooks.fail(error);
      },
    );
  });
  call.on('end', () => {
    ended = true;
    maybeFinish();
  });
  call.on('error', stop);
  call.on('cancelled', stop);
}

/** Batch bytes of a produce request: what it holds in the in-flight budget until answered. */
export function batchBytes(request: ProduceRequest): number {
  let bytes = 0;
  for (const partition of request.partitions) bytes += partition.batch?.length ?? 0;
  return bytes;
}

/**
 * grpc-js's call is an object-mode Readable: paused, it still reads requests ahead up to the
 * default high-water mark of 16 objects (16 × limits.maxRequestBytes, uncounted). One is enough
 * to keep the pipeline full, and what the client sends beyond it waits in its HTTP/2 window. Node
 * has no public setter for a stream's high-water mark; when its private state is missing, the
 * default stays (more memory, same behaviour).
 */
function readAheadOneRequest(call: object): void {
  const state = (call as { _readableState?: { highWaterMark?: unknown } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = 1;
}
