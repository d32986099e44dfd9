// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface TopicListing {
  'name'?: (string);
  'partitions'?: (number);
  'replicationFactor'?: (number);
  'internal'?: (boolean);
  /**
   * The topic's id (as in TopicDescription.topic_id).
   */
  'topicId'?: (string);
}

export interface TopicListing__Output {
  'name': (string);
  'partitions': (number);
  'replicationFactor': (number);
  'internal': (boolean);
  /**
   * The topic's id (as in TopicDescription.topic_id).
   */
  'topicId': (string);
}
