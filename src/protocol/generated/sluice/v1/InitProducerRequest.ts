// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto


export interface InitProducerRequest {
  /**
   * Optional name of the client, for logs.
   */
  'clientId'?: (string);
}

export interface InitProducerRequest__Output {
  /**
   * Optional name of the client, for logs.
   */
  'clientId': (string);
}
