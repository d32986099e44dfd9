// One error taxonomy for broker and client. Expected per-partition outcomes travel as values
// (ErrorCode in responses); SluiceError is thrown for request-level failures and carries a
// stable code plus whether retrying the same request may succeed.

/** Stable error codes; the numeric values match `sluice.v1.ErrorCode` in proto/sluice/v1/errors.proto. */
export enum ErrorCode {
  NONE = 0,
  UNKNOWN = 1,
  UNKNOWN_TOPIC_OR_PARTITION = 2,
  NOT_LEADER = 3,
  OFFSET_OUT_OF_RANGE = 4,
  MESSAGE_TOO_LARGE = 5,
  CORRUPT_MESSAGE = 6,
  OUT_OF_ORDER_SEQUENCE = 7,
  INVALID_PRODUCER_EPOCH = 8,
  NOT_ENOUGH_REPLICAS = 9,
  REQUEST_TIMED_OUT = 10,
  UNKNOWN_MEMBER_ID = 11,
  FENCED_MEMBER_EPOCH = 12,
  INVALID_TOPIC = 13,
  TOPIC_ALREADY_EXISTS = 14,
  INVALID_PARTITIONS = 15,
  INVALID_REPLICATION_FACTOR = 16,
  INVALID_CONFIG = 17,
  INVALID_REQUEST = 18,
  STORAGE_ERROR = 19,
  DUPLICATE_SEQUENCE = 20,
  COORDINATOR_NOT_AVAILABLE = 21,
  NOT_COORDINATOR = 22,
  POLICY_VIOLATION = 23,
  INVALID_RECORD = 24,
  OUTCOME_UNKNOWN = 25,
  INVALID_DUPLICATE = 26,
  STALE_MEMBER_EPOCH = 27,
  UNRELEASED_INSTANCE_ID = 28,
  FENCED_INSTANCE_ID = 29,
  GROUP_MAX_SIZE_REACHED = 30,
  UNSUPPORTED_ASSIGNOR = 31,
  INVALID_REGULAR_EXPRESSION = 32,
  GROUP_ID_NOT_FOUND = 33,
  NON_EMPTY_GROUP = 34,
  UNKNOWN_TOPIC_ID = 35,
}

const RETRIABLE = new Set<ErrorCode>([
  ErrorCode.NOT_LEADER,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.STORAGE_ERROR,
  ErrorCode.OUTCOME_UNKNOWN,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

export const isRetriable = (code: ErrorCode): boolean => RETRIABLE.has(code);

/**
 * Produce answers that prove the batch was not appended: the broker decided them before it
 * proposed (or the proposal was replaced by another entry at its index). After any other failure
 * (OUTCOME_UNKNOWN, REQUEST_TIMED_OUT, UNKNOWN, a lost connection) the batch may be stored, and an
 * idempotent producer must not give its sequence numbers to other records (docs/client.md,
 * "Unknown outcomes").
 */
const NOT_APPENDED = new Set<ErrorCode>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.OUT_OF_ORDER_SEQUENCE,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.INVALID_REQUEST,
  ErrorCode.STORAGE_ERROR,
  ErrorCode.POLICY_VIOLATION,
  ErrorCode.INVALID_RECORD,
  ErrorCode.INVALID_DUPLICATE,
]);

export const provesNotAppended = (code: ErrorCode): boolean => NOT_APPENDED.has(code);

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { retriable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.retriable = options?.retriable ?? isRetriable(code);
  }
}
