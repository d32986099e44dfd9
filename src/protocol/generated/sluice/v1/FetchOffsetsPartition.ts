// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto


export interface FetchOffsetsPartition {
  'topic'?: (string);
  'partition'?: (number);
}

export interface FetchOffsetsPartition__Output {
  'topic': (string);
  'partition': (number);
}
