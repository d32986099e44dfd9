// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface AlterConfigsRequest {
  'topic'?: (string);
  /**
   * Keys to set.
   */
  'set'?: ({[key: string]: string});
  /**
   * Keys to reset to the default.
   */
  'delete'?: (string)[];
  'validateOnly'?: (boolean);
}

export interface AlterConfigsRequest__Output {
  'topic': (string);
  /**
   * Keys to set.
   */
  'set': ({[key: string]: string});
  /**
   * Keys to reset to the default.
   */
  'delete': (string)[];
  'validateOnly': (boolean);
}
