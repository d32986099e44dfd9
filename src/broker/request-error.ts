// A request-level failure (the whole call fails with a gRPC status). Per-partition outcomes are
// not errors: they travel as ErrorCode values in the response.
import { status } from '@grpc/grpc-js';

export class RequestError extends Error {
  constructor(
    readonly grpcStatus: status,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export const invalidArgument = (message: string): RequestError => new RequestError(status.INVALID_ARGUMENT, message);
