// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface RegisterBrokerRequest {
  'id'?: (number);
  'host'?: (string);
  /**
   * gRPC port (clients and the Raft transport).
   */
  'port'?: (number);
  'httpPort'?: (number);
  /**
   * Failure domain for rack-aware placement; empty when none.
   */
  'rack'?: (string);
}

export interface RegisterBrokerRequest__Output {
  'id': (number);
  'host': (string);
  /**
   * gRPC port (clients and the Raft transport).
   */
  'port': (number);
  'httpPort': (number);
  /**
   * Failure domain for rack-aware placement; empty when none.
   */
  'rack': (string);
}
