// The answers a consumer-group coordinator gives instead of doing what was asked (Kafka's names,
// KIP-848). They travel as values; the host maps each to the `sluice.v1.ErrorCode` of the same
// name (consumer-group-coordinators.ts).

export type ConsumerGroupErrorCode =
  /** The member id is not (or no longer) in the consumer group: rejoin with epoch 0. */
  | 'UNKNOWN_MEMBER_ID'
  /** The heartbeat's member epoch is not the member's epoch: the member was fenced; rejoin with epoch 0. */
  | 'FENCED_MEMBER_EPOCH'
  /** An offset commit's epoch is outside the window in which the member owned the partition. */
  | 'STALE_MEMBER_EPOCH'
  /** A new member claims an instance id whose current holder has not left (epoch -2) or expired. */
  | 'UNRELEASED_INSTANCE_ID'
  /** The instance id now belongs to another member id: this process was replaced. */
  | 'FENCED_INSTANCE_ID'
  /** Joining would exceed the consumer group's maximum size. */
  | 'GROUP_MAX_SIZE_REACHED'
  /** The preferred assignor is not one the coordinator has. */
  | 'UNSUPPORTED_ASSIGNOR'
  /** The subscription's regular expression is not valid RE2 syntax, or no engine is available. */
  | 'INVALID_REGULAR_EXPRESSION'
  /** The consumer group was deleted. */
  | 'GROUP_ID_NOT_FOUND'
  /** DeleteGroups of a consumer group that still has members. */
  | 'NON_EMPTY_GROUP'
  /** A malformed request: the message says which field and what would be valid. */
  | 'INVALID_REQUEST';

export interface ConsumerGroupError {
  readonly code: ConsumerGroupErrorCode;
  readonly message: string;
}

export function consumerGroupError(code: ConsumerGroupErrorCode, message: string): ConsumerGroupError {
  return Object.freeze({ code, message });
}
