// One ProduceStream per broker connection: produce requests written to it are appended by the
// broker in the order they were written, which is what lets an idempotent producer keep several
// requests in flight per partition (concurrent unary calls may be reordered by HTTP/2).
// A failed stream rejects everything in flight and the next request opens a new one; the
// producer then resends in order.
import * as grpc from '@grpc/grpc-js';
import type { ProduceRequest, ProduceResponse } from '../protocol/wire-types';
import { fromGrpcError, SluiceTimeoutError } from './errors';

interface InFlight {
  readonly resolve: (response: ProduceResponse) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

type ProduceDuplex = grpc.ClientDuplexStream<ProduceRequest, ProduceResponse>;
type DuplexFactory = () => ProduceDuplex;

export class ProduceStreamSession {
  private stream: ProduceDuplex | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  private nextCorrelationId = 1;

  constructor(
    private readonly address: string,
    private readonly open: DuplexFactory,
  ) {}

  /** Sends one ProduceRequest (this session numbers it); resolves with its ProduceResponse or rejects with a SluiceError. */
  send(request: Omit<ProduceRequest, 'correlationId'>, timeoutMs: number): Promise<ProduceResponse> {
    const stream = this.current();
    const correlationId = this.nextCorrelationId++;
    return new Promise<ProduceResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        // An answer may still come later; the stream is reset so that later requests are not
        // ordered behind one whose fate is unknown (the producer resends in order).
        this.fail(stream, new SluiceTimeoutError(`Data.ProduceStream to ${this.address} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.set(correlationId, { resolve, reject, timer });
      stream.write({ ...request, correlationId });
    });
  }

  close(): void {
    const stream = this.stream;
    if (stream) this.fail(stream, fromGrpcError({ code: 1, details: 'client closed' }, this.address, 'Data.ProduceStream'));
  }

  private current(): ProduceDuplex {
    if (this.stream) return this.stream;
    const stream = this.open();
    this.stream = stream;
    stream.on('data', (response: ProduceResponse) => {
      const waiting = this.inFlight.get(response.correlationId);
      if (!waiting) return;
      this.inFlight.delete(response.correlationId);
      clearTimeout(waiting.timer);
      waiting.resolve(response);
    });
    stream.on('error', (error: unknown) => this.fail(stream, streamError(error, this.address)));
    stream.on('end', () => this.fail(stream, fromGrpcError({ code: 14, details: 'the broker ended the produce stream' }, this.address, 'Data.ProduceStream')));
    return stream;
  }

  private fail(stream: ProduceDuplex, error: Error): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    stream.cancel();
    const waiting = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }
}

/**
 * The stream's own failure. CANCELLED here is never ours (fail() forgets a stream before it
 * cancels it): the broker reset the stream, as a broker that shuts down does, so the request may
 * succeed elsewhere or later, like after UNAVAILABLE.
 */
function streamError(error: unknown, address: string): Error {
  const reset = (error as Partial<grpc.ServiceError>)?.code === grpc.status.CANCELLED;
  const status = reset ? { code: grpc.status.UNAVAILABLE, details: `the broker reset the produce stream (CANCELLED): ${(error as Error).message}` } : error;
  return fromGrpcError(status, address, 'Data.ProduceStream');
}
