// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface BrokerDescription {
  'id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'rack'?: (string);
  /**
   * Being drained: no new replicas are placed on it.
   */
  'draining'?: (boolean);
}

export interface BrokerDescription__Output {
  'id': (number);
  'host': (string);
  'port': (number);
  'rack': (string);
  /**
   * Being drained: no new replicas are placed on it.
   */
  'draining': (boolean);
}
