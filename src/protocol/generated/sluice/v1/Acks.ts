// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

/**
 * When a produce call is answered.
 */
export const Acks = {
  /**
   * After the batch is fsynced on a majority of the partition's replicas (the default).
   */
  ACKS_ALL: 0,
  /**
   * After the leader's own append (fsync follows the topic's flush policy).
   */
  ACKS_LEADER: 1,
  /**
   * Immediately, before anything is written; the response carries no offsets.
   */
  ACKS_NONE: 2,
} as const;

/**
 * When a produce call is answered.
 */
export type Acks =
  /**
   * After the batch is fsynced on a majority of the partition's replicas (the default).
   */
  | 'ACKS_ALL'
  | 0
  /**
   * After the leader's own append (fsync follows the topic's flush policy).
   */
  | 'ACKS_LEADER'
  | 1
  /**
   * Immediately, before anything is written; the response carries no offsets.
   */
  | 'ACKS_NONE'
  | 2

/**
 * When a produce call is answered.
 */
export type Acks__Output = typeof Acks[keyof typeof Acks]
