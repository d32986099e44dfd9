// The client's error hierarchy, built on the shared SluiceError (stable `code`, `retriable`).
// The retry loop reads only `retriable`; callers can switch on the class or on `code`.
//
//   SluiceError (src/common/errors.ts)
//   ├── SluiceRequestError        a gRPC call failed with a status (request-level problem)
//   │   ├── SluiceConnectionError   UNAVAILABLE: broker unreachable or restarting (retriable)
//   │   └── SluiceTimeoutError      DEADLINE_EXCEEDED: no answer within requestTimeoutMs (retriable)
//   ├── SluicePartitionError      a per-partition ErrorCode in a response (topic, partition)
//   │   ├── SluiceNotLeaderError    NOT_LEADER, with the leader's address when known (retriable)
//   │   └── SluiceOffsetOutOfRangeError  OFFSET_OUT_OF_RANGE, with the valid range
//   ├── SluiceTopicError          a per-topic ErrorCode from an admin call
//   ├── SluiceRetriesExhaustedError  a retriable error persisted past `retry.retries` (admin, consumer; cause = last error)
//   ├── SluiceDeliveryTimeoutError  a record was not acknowledged within the producer's deliveryTimeoutMs;
//   │                               `outcomeUnknown` says whether it may be stored all the same
//   ├── SluiceOutcomeUnknownError  the producer gave up a record earlier, after an attempt whose outcome is unknown
//   ├── SluiceBufferExhaustedError  a record waited maxBlockMs for room in the producer's buffer
//   └── SluiceClientStateError    the client was used wrongly (not connected, closed, no group id)
import * as grpc from '@grpc/grpc-js';
import { ErrorCode, SluiceError, isRetriable } from '../common/errors';
import { describeHeldOffsets, fetchableOffsets } from '../common/offset-range';

export { ErrorCode, SluiceError };

export class SluiceRequestError extends SluiceError {
  /** The gRPC status code of the failed call. */
  readonly grpcCode: grpc.status;
  constructor(code: ErrorCode, grpcCode: grpc.status, message: string, retriable: boolean, cause?: unknown) {
    super(code, message, { retriable, cause });
    this.name = 'SluiceRequestError';
    this.grpcCode = grpcCode;
  }
}

export class SluiceConnectionError extends SluiceRequestError {
  /** Address (host:port) of the broker that could not be reached. */
  readonly address: string;
  /**
   * The call never got a connection (grpc-js failed it at the pick, "No connection established"),
   * so nothing of it reached the broker. False when it may have: a connection lost mid-call.
   */
  readonly neverSent: boolean;
  constructor(address: string, message: string, cause?: unknown, neverSent = false) {
    super(ErrorCode.UNKNOWN, grpc.status.UNAVAILABLE, message, true, cause);
    this.name = 'SluiceConnectionError';
    this.address = address;
    this.neverSent = neverSent;
  }
}

export class SluiceTimeoutError extends SluiceRequestError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.REQUEST_TIMED_OUT, grpc.status.DEADLINE_EXCEEDED, message, true, cause);
    this.name = 'SluiceTimeoutError';
  }
}

export class SluicePartitionError extends SluiceError {
  readonly topic: string;
  readonly partition: number;
  constructor(code: ErrorCode, topic: string, partition: number, message: string) {
    super(code, `${topic}/${partition}: ${ErrorCode[code] ?? code}${message ? `: ${message}` : ''}`);
    this.name = 'SluicePartitionError';
    this.topic = topic;
    this.partition = partition;
  }
}

export class SluiceNotLeaderError extends SluicePartitionError {
  /** host:port of the partition's leader, when the broker knew it. */
  readonly leaderHint: string | undefined;
  constructor(topic: string, partition: number, message: string, leaderHint: string | undefined) {
    super(ErrorCode.NOT_LEADER, topic, partition, message || 'this broker is not the leader');
    this.name = 'SluiceNotLeaderError';
    this.leaderHint = leaderHint || undefined;
  }
}

export class SluiceOffsetOutOfRangeError extends SluicePartitionError {
  readonly offset: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
  constructor(topic: string, partition: number, offset: number, logStartOffset: number, highWatermark: number) {
    super(
      ErrorCode.OFFSET_OUT_OF_RANGE, topic, partition,
      `offset ${offset} is out of range: ${describeHeldOffsets(logStartOffset, highWatermark)}; ` +
        `seek to an offset ${fetchableOffsets(logStartOffset, highWatermark)}, or set autoOffsetReset to 'earliest' or 'latest'`,
    );
    this.name = 'SluiceOffsetOutOfRangeError';
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.highWatermark = highWatermark;
  }
}

export class SluiceTopicError extends SluiceError {
  readonly topic: string;
  constructor(code: ErrorCode, topic: string, message: string) {
    super(code, `topic '${topic}': ${ErrorCode[code] ?? code}${message ? `: ${message}` : ''}`);
    this.name = 'SluiceTopicError';
    this.topic = topic;
  }
}

export class SluiceRetriesExhaustedError extends SluiceError {
  readonly attempts: number;
  constructor(lastError: SluiceError, attempts: number) {
    super(lastError.code, `gave up after ${attempts} attempts: ${lastError.message}`, { retriable: false, cause: lastError });
    this.name = 'SluiceRetriesExhaustedError';
    this.attempts = attempts;
  }
}

/**
 * A record's batch was not acknowledged within the producer's `deliveryTimeoutMs` (Kafka's
 * delivery.timeout.ms). `outcomeUnknown` is true when some attempt may have stored it (the broker
 * answered OUTCOME_UNKNOWN or REQUEST_TIMED_OUT, or a request was lost after it was sent): the
 * record may be in the log, once. False when every attempt was refused before it was appended:
 * the record is certainly not stored. `cause` is the last attempt's error, if any.
 */
export class SluiceDeliveryTimeoutError extends SluiceError {
  constructor(
    readonly outcomeUnknown: boolean,
    readonly attempts: number,
    readonly deliveryTimeoutMs: number,
    lastError: SluiceError | undefined,
  ) {
    super(
      ErrorCode.REQUEST_TIMED_OUT,
      `the record was not acknowledged within deliveryTimeoutMs ${deliveryTimeoutMs} ms (${attempts} attempts` +
        `${lastError ? `; last: ${lastError.message}` : ''}): ` +
        (outcomeUnknown ? 'it may be stored (an attempt reached the broker and its outcome is unknown)' : 'it is not stored'),
      { retriable: false, cause: lastError },
    );
    this.name = 'SluiceDeliveryTimeoutError';
  }
}

/**
 * The producer gave up on a record's batch before its delivery timeout (a refusal that retrying
 * cannot change, or the epoch bump that follows another batch's unknown outcome) after an earlier
 * attempt whose outcome is unknown: the record may be in the log, once (docs/client.md, "Unknown
 * outcomes"). `cause` is the last attempt's error.
 */
export class SluiceOutcomeUnknownError extends SluiceError {
  /** Always true (the same question as SluiceDeliveryTimeoutError's `outcomeUnknown`). */
  readonly outcomeUnknown = true;

  constructor(readonly attempts: number, reason: string, lastError: SluiceError | undefined) {
    super(
      lastError?.code ?? ErrorCode.OUTCOME_UNKNOWN,
      `the producer gave up on the record after ${attempts} attempts (${reason}${lastError ? `; last: ${lastError.message}` : ''}): ` +
        'it may be stored (an attempt reached the broker and its outcome is unknown)',
      { retriable: false, cause: lastError },
    );
    this.name = 'SluiceOutcomeUnknownError';
  }
}

/**
 * Whether a failed produce may have stored its record after all. Every error a producer reports
 * answers this: a SluiceDeliveryTimeoutError says so itself, a SluiceOutcomeUnknownError always
 * may be stored; any other failure (a definite rejection such as INVALID_RECORD, a full buffer, a
 * closed producer) means the record is not stored.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return (error instanceof SluiceDeliveryTimeoutError && error.outcomeUnknown) || error instanceof SluiceOutcomeUnknownError;
}

/** Kafka's BufferExhaustedException: the producer's buffer stayed full for maxBlockMs. Not retried. */
export class SluiceBufferExhaustedError extends SluiceError {
  constructor(readonly bufferMemory: number, readonly maxBlockMs: number, readonly bufferedBytes: number) {
    super(
      ErrorCode.REQUEST_TIMED_OUT,
      `the producer's buffer stayed full for maxBlockMs ${maxBlockMs} ms (bufferMemory ${bufferMemory} bytes, ${bufferedBytes} held): ` +
        'the brokers acknowledge records more slowly than they are produced; produce fewer at once, or raise bufferMemory or maxBlockMs',
      { retriable: false },
    );
    this.name = 'SluiceBufferExhaustedError';
  }
}

export class SluiceClientStateError extends SluiceError {
  constructor(message: string) {
    super(ErrorCode.INVALID_REQUEST, message, { retriable: false });
    this.name = 'SluiceClientStateError';
  }
}

/** The error for a per-partition outcome; `extra` carries the fields some codes need. */
export function partitionError(
  code: ErrorCode, topic: string, partition: number, message: string,
  extra: { leaderHint?: string; offset?: number; logStartOffset?: number; highWatermark?: number } = {},
): SluicePartitionError {
  if (code === ErrorCode.NOT_LEADER) return new SluiceNotLeaderError(topic, partition, message, extra.leaderHint);
  if (code === ErrorCode.OFFSET_OUT_OF_RANGE && extra.offset !== undefined) {
    return new SluiceOffsetOutOfRangeError(topic, partition, extra.offset, extra.logStartOffset ?? -1, extra.highWatermark ?? -1);
  }
  return new SluicePartitionError(code, topic, partition, message);
}

/** grpc-js's wording when a call fails at the pick, before it has a transport (load-balancer-pick-first, picker). */
const NEVER_CONNECTED = /^(?:\w+: )?No connection established/;

/** gRPC statuses after which the same request may succeed. */
const RETRIABLE_STATUSES = new Set<grpc.status>([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

/** Maps a failed gRPC call to a SluiceError. `address` names the broker called. */
export function fromGrpcError(error: unknown, address: string, method: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const status = (error as Partial<grpc.ServiceError>)?.code;
  const rawDetails = (error as Partial<grpc.ServiceError>)?.details ?? (error instanceof Error ? error.message : String(error));
  const details = tidyDetails(rawDetails);
  if (status === undefined) return new SluiceError(ErrorCode.UNKNOWN, `${method} to ${address} failed: ${details}`, { retriable: false, cause: error });
  switch (status) {
    case grpc.status.UNAVAILABLE:
      return new SluiceConnectionError(address, `broker ${address} is unavailable (${method}): ${details}`, error, NEVER_CONNECTED.test(rawDetails));
    case grpc.status.DEADLINE_EXCEEDED:
      return new SluiceTimeoutError(`${method} to ${address} timed out: ${details}`, error);
    case grpc.status.INVALID_ARGUMENT:
      return new SluiceRequestError(ErrorCode.INVALID_REQUEST, status, `${method} rejected by ${address}: ${details}`, false, error);
    case grpc.status.RESOURCE_EXHAUSTED:
      return new SluiceRequestError(ErrorCode.MESSAGE_TOO_LARGE, status, `${method} to ${address}: ${details}`, false, error);
    default:
      return new SluiceRequestError(ErrorCode.UNKNOWN, status, `${method} to ${address} failed (${grpc.status[status] ?? status}): ${details}`, RETRIABLE_STATUSES.has(status), error);
  }
}

/** grpc-js's connection details carry noise ("Last error: Error: ... Resolution note: "); keep the cause. */
function tidyDetails(details: string): string {
  const last = /Last error: (?:Error: )?(.*?)(?:\. Resolution note:.*)?$/.exec(details);
  return (last ? last[1]! : details).trim();
}

export { isRetriable };
