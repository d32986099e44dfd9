// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface DeleteTopicsRequest {
  'names'?: (string)[];
}

export interface DeleteTopicsRequest__Output {
  'names': (string)[];
}
