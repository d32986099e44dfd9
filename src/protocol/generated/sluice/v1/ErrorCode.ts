// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/errors.proto

export const ErrorCode = {
  /**
   * Success.
   */
  NONE: 0,
  /**
   * An unexpected server error; the message says more.
   */
  UNKNOWN: 1,
  /**
   * The topic or partition does not exist. Retriable: it may be being created.
   */
  UNKNOWN_TOPIC_OR_PARTITION: 2,
  /**
   * This broker is not the partition's leader; `leader_hint` names the leader when known. Retriable.
   */
  NOT_LEADER: 3,
  /**
   * The requested offset is outside [log_start_offset, log_end_offset]; the response carries both.
   */
  OFFSET_OUT_OF_RANGE: 4,
  /**
   * A batch or request is above the configured limit; the message names the limit.
   */
  MESSAGE_TOO_LARGE: 5,
  /**
   * Stored or sent bytes failed their CRC32C check.
   */
  CORRUPT_MESSAGE: 6,
  /**
   * An idempotent producer's sequence is not the next one expected.
   */
  OUT_OF_ORDER_SEQUENCE: 7,
  /**
   * An idempotent producer's epoch is older than the one the partition has seen (fenced).
   */
  INVALID_PRODUCER_EPOCH: 8,
  /**
   * Not enough in-sync replicas to accept acks=all. Retriable.
   */
  NOT_ENOUGH_REPLICAS: 9,
  /**
   * The request did not complete within its timeout. Retriable; with an idempotent producer a
   * retry cannot create a duplicate.
   */
  REQUEST_TIMED_OUT: 10,
  /**
   * The member id is not (or no longer) in the consumer group, for example after its session
   * expired; also a commit without a member id while the group has members. Rejoin with member
   * epoch 0 (an empty member id or your old one) and an empty set of owned partitions.
   */
  UNKNOWN_MEMBER_ID: 11,
  /**
   * Heartbeat only: the member epoch sent is not the member's epoch at the coordinator (the member
   * was fenced, for example it did not revoke within its rebalance timeout). Give up every
   * partition (without committing) and rejoin with member epoch 0.
   */
  FENCED_MEMBER_EPOCH: 12,
  /**
   * The topic name is invalid; the message gives the valid form.
   */
  INVALID_TOPIC: 13,
  /**
   * CreateTopics for a name that exists.
   */
  TOPIC_ALREADY_EXISTS: 14,
  /**
   * Partition count is out of range or would shrink.
   */
  INVALID_PARTITIONS: 15,
  /**
   * Replication factor is out of range for this cluster.
   */
  INVALID_REPLICATION_FACTOR: 16,
  /**
   * Unknown config key or invalid value; the message gives the valid form.
   */
  INVALID_CONFIG: 17,
  /**
   * A field of the request is invalid; the message says which and why.
   */
  INVALID_REQUEST: 18,
  /**
   * The broker could not write or read its storage (for example the disk is full), and did not
   * append the batch: a storage failure after the batch was written is OUTCOME_UNKNOWN instead.
   * Retriable (in a cluster the partition's leadership moves to a healthy replica).
   */
  STORAGE_ERROR: 19,
  /**
   * An idempotent producer resent a batch that is already stored; the response carries the
   * original base offset, so the producer treats it as success.
   */
  DUPLICATE_SEQUENCE: 20,
  /**
   * The group coordinator is not available yet. Retriable.
   */
  COORDINATOR_NOT_AVAILABLE: 21,
  /**
   * This broker is not the group's coordinator. Retriable.
   */
  NOT_COORDINATOR: 22,
  /**
   * The operation is not allowed for this topic (for example writing to an internal topic).
   */
  POLICY_VIOLATION: 23,
  /**
   * The record batch is malformed (bad protobuf, no records, unsupported compression).
   */
  INVALID_RECORD: 24,
  /**
   * Produce only. The broker proposed (appended) the batch and then lost track of whether it
   * committed: leadership moved, the log was truncated, the partition closed, or its storage
   * failed after the write. The batch may or may not be stored. Retriable: an idempotent producer
   * resends the same batch with the same sequence numbers and gets either DUPLICATE_SEQUENCE with
   * the original offset (it was stored) or a fresh append. It must never give those sequence
   * numbers to other records. Every other error code except REQUEST_TIMED_OUT and UNKNOWN means
   * the batch was not appended.
   */
  OUTCOME_UNKNOWN: 25,
  /**
   * Produce only. The batch carries the producer id, epoch and sequence range of a stored batch
   * but different bytes (its CRC32C differs): a client bug, not a retry. Nothing was appended.
   */
  INVALID_DUPLICATE: 26,
  /**
   * CommitOffsets only: the member does not hold the partition, or the commit's member epoch is
   * outside [the epoch at which the member got the partition, the member's current epoch]
   * (KIP-848 with KIP-1251). Nothing was committed. Heartbeat, then commit with the new epoch.
   */
  STALE_MEMBER_EPOCH: 27,
  /**
   * Heartbeat only: a join with an instance id whose current member has not left (epoch -2) or
   * expired. Stop the other process with that instance id, or wait for its session timeout.
   */
  UNRELEASED_INSTANCE_ID: 28,
  /**
   * Heartbeat only: the instance id now belongs to another member (this process was replaced by a
   * newer one with the same instance id). Stop: do not rejoin.
   */
  FENCED_INSTANCE_ID: 29,
  /**
   * Heartbeat only: the consumer group already has its maximum number of members.
   */
  GROUP_MAX_SIZE_REACHED: 30,
  /**
   * Heartbeat only: the server assignor named is not one the broker has (the message lists them).
   */
  UNSUPPORTED_ASSIGNOR: 31,
  /**
   * Heartbeat only: the subscription pattern is not valid RE2 syntax, or this broker has no RE2
   * engine (subscribe by topic names instead).
   */
  INVALID_REGULAR_EXPRESSION: 32,
  /**
   * The consumer group does not exist (DescribeGroups, DeleteGroups), or was deleted.
   */
  GROUP_ID_NOT_FOUND: 33,
  /**
   * DeleteGroups only: the consumer group still has members; only an empty group can be deleted.
   */
  NON_EMPTY_GROUP: 34,
  /**
   * Fetch and Subscribe: the partition names a topic id (topic_id) that is not the topic's id
   * now: the topic was deleted and re-created under the same name. Refresh the metadata and
   * resolve the position again in the new topic. Retriable after that refresh.
   */
  UNKNOWN_TOPIC_ID: 35,
} as const;

export type ErrorCode =
  /**
   * Success.
   */
  | 'NONE'
  | 0
  /**
   * An unexpected server error; the message says more.
   */
  | 'UNKNOWN'
  | 1
  /**
   * The topic or partition does not exist. Retriable: it may be being created.
   */
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 2
  /**
   * This broker is not the partition's leader; `leader_hint` names the leader when known. Retriable.
   */
  | 'NOT_LEADER'
  | 3
  /**
   * The requested offset is outside [log_start_offset, log_end_offset]; the response carries both.
   */
  | 'OFFSET_OUT_OF_RANGE'
  | 4
  /**
   * A batch or request is above the configured limit; the message names the limit.
   */
  | 'MESSAGE_TOO_LARGE'
  | 5
  /**
   * Stored or sent bytes failed their CRC32C check.
   */
  | 'CORRUPT_MESSAGE'
  | 6
  /**
   * An idempotent producer's sequence is not the next one expected.
   */
  | 'OUT_OF_ORDER_SEQUENCE'
  | 7
  /**
   * An idempotent producer's epoch is older than the one the partition has seen (fenced).
   */
  | 'INVALID_PRODUCER_EPOCH'
  | 8
  /**
   * Not enough in-sync replicas to accept acks=all. Retriable.
   */
  | 'NOT_ENOUGH_REPLICAS'
  | 9
  /**
   * The request did not complete within its timeout. Retriable; with an idempotent producer a
   * retry cannot create a duplicate.
   */
  | 'REQUEST_TIMED_OUT'
  | 10
  /**
   * The member id is not (or no longer) in the consumer group, for example after its session
   * expired; also a commit without a member id while the group has members. Rejoin with member
   * epoch 0 (an empty member id or your old one) and an empty set of owned partitions.
   */
  | 'UNKNOWN_MEMBER_ID'
  | 11
  /**
   * Heartbeat only: the member epoch sent is not the member's epoch at the coordinator (the member
   * was fenced, for example it did not revoke within its rebalance timeout). Give up every
   * partition (without committing) and rejoin with member epoch 0.
   */
  | 'FENCED_MEMBER_EPOCH'
  | 12
  /**
   * The topic name is invalid; the message gives the valid form.
   */
  | 'INVALID_TOPIC'
  | 13
  /**
   * CreateTopics for a name that exists.
   */
  | 'TOPIC_ALREADY_EXISTS'
  | 14
  /**
   * Partition count is out of range or would shrink.
   */
  | 'INVALID_PARTITIONS'
  | 15
  /**
   * Replication factor is out of range for this cluster.
   */
  | 'INVALID_REPLICATION_FACTOR'
  | 16
  /**
   * Unknown config key or invalid value; the message gives the valid form.
   */
  | 'INVALID_CONFIG'
  | 17
  /**
   * A field of the request is invalid; the message says which and why.
   */
  | 'INVALID_REQUEST'
  | 18
  /**
   * The broker could not write or read its storage (for example the disk is full), and did not
   * append the batch: a storage failure after the batch was written is OUTCOME_UNKNOWN instead.
   * Retriable (in a cluster the partition's leadership moves to a healthy replica).
   */
  | 'STORAGE_ERROR'
  | 19
  /**
   * An idempotent producer resent a batch that is already stored; the response carries the
   * original base offset, so the producer treats it as success.
   */
  | 'DUPLICATE_SEQUENCE'
  | 20
  /**
   * The group coordinator is not available yet. Retriable.
   */
  | 'COORDINATOR_NOT_AVAILABLE'
  | 21
  /**
   * This broker is not the group's coordinator. Retriable.
   */
  | 'NOT_COORDINATOR'
  | 22
  /**
   * The operation is not allowed for this topic (for example writing to an internal topic).
   */
  | 'POLICY_VIOLATION'
  | 23
  /**
   * The record batch is malformed (bad protobuf, no records, unsupported compression).
   */
  | 'INVALID_RECORD'
  | 24
  /**
   * Produce only. The broker proposed (appended) the batch and then lost track of whether it
   * committed: leadership moved, the log was truncated, the partition closed, or its storage
   * failed after the write. The batch may or may not be stored. Retriable: an idempotent producer
   * resends the same batch with the same sequence numbers and gets either DUPLICATE_SEQUENCE with
   * the original offset (it was stored) or a fresh append. It must never give those sequence
   * numbers to other records. Every other error code except REQUEST_TIMED_OUT and UNKNOWN means
   * the batch was not appended.
   */
  | 'OUTCOME_UNKNOWN'
  | 25
  /**
   * Produce only. The batch carries the producer id, epoch and sequence range of a stored batch
   * but different bytes (its CRC32C differs): a client bug, not a retry. Nothing was appended.
   */
  | 'INVALID_DUPLICATE'
  | 26
  /**
   * CommitOffsets only: the member does not hold the partition, or the commit's member epoch is
   * outside [the epoch at which the member got the partition, the member's current epoch]
   * (KIP-848 with KIP-1251). Nothing was committed. Heartbeat, then commit with the new epoch.
   */
  | 'STALE_MEMBER_EPOCH'
  | 27
  /**
   * Heartbeat only: a join with an instance id whose current member has not left (epoch -2) or
   * expired. Stop the other process with that instance id, or wait for its session timeout.
   */
  | 'UNRELEASED_INSTANCE_ID'
  | 28
  /**
   * Heartbeat only: the instance id now belongs to another member (this process was replaced by a
   * newer one with the same instance id). Stop: do not rejoin.
   */
  | 'FENCED_INSTANCE_ID'
  | 29
  /**
   * Heartbeat only: the consumer group already has its maximum number of members.
   */
  | 'GROUP_MAX_SIZE_REACHED'
  | 30
  /**
   * Heartbeat only: the server assignor named is not one the broker has (the message lists them).
   */
  | 'UNSUPPORTED_ASSIGNOR'
  | 31
  /**
   * Heartbeat only: the subscription pattern is not valid RE2 syntax, or this broker has no RE2
   * engine (subscribe by topic names instead).
   */
  | 'INVALID_REGULAR_EXPRESSION'
  | 32
  /**
   * The consumer group does not exist (DescribeGroups, DeleteGroups), or was deleted.
   */
  | 'GROUP_ID_NOT_FOUND'
  | 33
  /**
   * DeleteGroups only: the consumer group still has members; only an empty group can be deleted.
   */
  | 'NON_EMPTY_GROUP'
  | 34
  /**
   * Fetch and Subscribe: the partition names a topic id (topic_id) that is not the topic's id
   * now: the topic was deleted and re-created under the same name. Refresh the metadata and
   * resolve the position again in the new topic. Retriable after that refresh.
   */
  | 'UNKNOWN_TOPIC_ID'
  | 35

export type ErrorCode__Output = typeof ErrorCode[keyof typeof ErrorCode]
