// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto


/**
 * The partitions of one topic.
 */
export interface TopicPartitions {
  'topic'?: (string);
  /**
   * Partition numbers, ascending.
   */
  'partitions'?: (number)[];
}

/**
 * The partitions of one topic.
 */
export interface TopicPartitions__Output {
  'topic': (string);
  /**
   * Partition numbers, ascending.
   */
  'partitions': (number)[];
}
