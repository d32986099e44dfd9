// A request-level failure (the whole call fails with a gRPC status). Per-partition outcomes are
// not errors: they travel as ErrorCode values in the response.
import { status } from '@grpc/grpc-js';

export class RequestError extends Error {
  constructor(
    readonly grpcStatus: status,
    message: string,
    /**
     * Nothing of the request was taken and it may be sent again after this many ms: answered as
     * gRPC's standard server pushback trailer, `grpc-retry-pushback-ms`.
     */
    readonly retryPushbackMs?: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export const invalidArgument = (message: string): RequestError => new RequestError(status.INVALID_ARGUMENT, message);
