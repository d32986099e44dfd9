// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface DrainBrokerRequest {
  'brokerId'?: (number);
  /**
   * Clear the draining flag instead (replicas already moved stay where they are).
   */
  'undrain'?: (boolean);
  /**
   * Only answer which partitions a drain would move, and where.
   */
  'validateOnly'?: (boolean);
}

export interface DrainBrokerRequest__Output {
  'brokerId': (number);
  /**
   * Clear the draining flag instead (replicas already moved stay where they are).
   */
  'undrain': (boolean);
  /**
   * Only answer which partitions a drain would move, and where.
   */
  'validateOnly': (boolean);
}
