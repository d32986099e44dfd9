// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { PartitionDescription as _sluice_v1_PartitionDescription, PartitionDescription__Output as _sluice_v1_PartitionDescription__Output } from '../../sluice/v1/PartitionDescription';

export interface TopicDescription {
  'name'?: (string);
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  'internal'?: (boolean);
  'replicationFactor'?: (number);
  'partitions'?: (_sluice_v1_PartitionDescription)[];
  /**
   * Every config with its effective value (defaults included).
   */
  'configs'?: ({[key: string]: string});
  /**
   * The topic's id (Kafka's KIP-516): 16 bytes as 22 characters of URL-safe base64 without
   * padding, as Kafka prints one. A topic deleted and re-created under its name gets a new id.
   * Empty when the topic does not exist.
   */
  'topicId'?: (string);
}

export interface TopicDescription__Output {
  'name': (string);
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  'internal': (boolean);
  'replicationFactor': (number);
  'partitions': (_sluice_v1_PartitionDescription__Output)[];
  /**
   * Every config with its effective value (defaults included).
   */
  'configs': ({[key: string]: string});
  /**
   * The topic's id (Kafka's KIP-516): 16 bytes as 22 characters of URL-safe base64 without
   * padding, as Kafka prints one. A topic deleted and re-created under its name gets a new id.
   * Empty when the topic does not exist.
   */
  'topicId': (string);
}
