// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

/**
 * A member's reconciliation state (KIP-848).
 */
export const MemberState = {
  MEMBER_STATE_UNKNOWN: 0,
  /**
   * The member holds its target assignment.
   */
  MEMBER_STATE_STABLE: 1,
  /**
   * The member must give up `pending_revocation` before it moves on.
   */
  MEMBER_STATE_UNREVOKED_PARTITIONS: 2,
  /**
   * The member waits for partitions other members still hold.
   */
  MEMBER_STATE_UNRELEASED_PARTITIONS: 3,
} as const;

/**
 * A member's reconciliation state (KIP-848).
 */
export type MemberState =
  | 'MEMBER_STATE_UNKNOWN'
  | 0
  /**
   * The member holds its target assignment.
   */
  | 'MEMBER_STATE_STABLE'
  | 1
  /**
   * The member must give up `pending_revocation` before it moves on.
   */
  | 'MEMBER_STATE_UNREVOKED_PARTITIONS'
  | 2
  /**
   * The member waits for partitions other members still hold.
   */
  | 'MEMBER_STATE_UNRELEASED_PARTITIONS'
  | 3

/**
 * A member's reconciliation state (KIP-848).
 */
export type MemberState__Output = typeof MemberState[keyof typeof MemberState]
