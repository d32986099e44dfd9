// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface TopicSpec {
  /**
   * 1-249 characters from [a-zA-Z0-9._-]; not "." or ".."; names starting "__" are internal.
   */
  'name'?: (string);
  /**
   * Number of partitions, 1 .. max.partitions.per.topic (default 1 when 0).
   */
  'partitions'?: (number);
  /**
   * Replicas per partition, 1 .. number of brokers (default 1 when 0).
   */
  'replicationFactor'?: (number);
  /**
   * Topic configs (see the README's configuration reference), e.g. "retention.ms" -> "86400000".
   */
  'configs'?: ({[key: string]: string});
}

export interface TopicSpec__Output {
  /**
   * 1-249 characters from [a-zA-Z0-9._-]; not "." or ".."; names starting "__" are internal.
   */
  'name': (string);
  /**
   * Number of partitions, 1 .. max.partitions.per.topic (default 1 when 0).
   */
  'partitions': (number);
  /**
   * Replicas per partition, 1 .. number of brokers (default 1 when 0).
   */
  'replicationFactor': (number);
  /**
   * Topic configs (see the README's configuration reference), e.g. "retention.ms" -> "86400000".
   */
  'configs': ({[key: string]: string});
}
