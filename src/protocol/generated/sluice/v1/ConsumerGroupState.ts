// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

/**
 * A consumer group's state (KIP-848).
 */
export const ConsumerGroupState = {
  /**
   * Never sent for a group that exists; the state of a group answered with an error.
   */
  CONSUMER_GROUP_STATE_UNKNOWN: 0,
  /**
   * No members (the group may have committed offsets).
   */
  CONSUMER_GROUP_STATE_EMPTY: 1,
  /**
   * The group epoch moved and the target assignment is being computed.
   */
  CONSUMER_GROUP_STATE_ASSIGNING: 2,
  /**
   * Some member has not reached the target assignment yet (revoking or waiting for partitions).
   */
  CONSUMER_GROUP_STATE_RECONCILING: 3,
  /**
   * Every member holds exactly its target assignment.
   */
  CONSUMER_GROUP_STATE_STABLE: 4,
  /**
   * Deleted.
   */
  CONSUMER_GROUP_STATE_DEAD: 5,
} as const;

/**
 * A consumer group's state (KIP-848).
 */
export type ConsumerGroupState =
  /**
   * Never sent for a group that exists; the state of a group answered with an error.
   */
  | 'CONSUMER_GROUP_STATE_UNKNOWN'
  | 0
  /**
   * No members (the group may have committed offsets).
   */
  | 'CONSUMER_GROUP_STATE_EMPTY'
  | 1
  /**
   * The group epoch moved and the target assignment is being computed.
   */
  | 'CONSUMER_GROUP_STATE_ASSIGNING'
  | 2
  /**
   * Some member has not reached the target assignment yet (revoking or waiting for partitions).
   */
  | 'CONSUMER_GROUP_STATE_RECONCILING'
  | 3
  /**
   * Every member holds exactly its target assignment.
   */
  | 'CONSUMER_GROUP_STATE_STABLE'
  | 4
  /**
   * Deleted.
   */
  | 'CONSUMER_GROUP_STATE_DEAD'
  | 5

/**
 * A consumer group's state (KIP-848).
 */
export type ConsumerGroupState__Output = typeof ConsumerGroupState[keyof typeof ConsumerGroupState]
