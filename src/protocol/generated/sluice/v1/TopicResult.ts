// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';

/**
 * Outcome for one topic of an admin request.
 */
export interface TopicResult {
  'name'?: (string);
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  /**
   * CreateTopics: the created topic's id (as Kafka's CreateTopics answers it), empty when it was
   * not created (an error, or validate_only). Empty in the answers of other requests.
   */
  'topicId'?: (string);
}

/**
 * Outcome for one topic of an admin request.
 */
export interface TopicResult__Output {
  'name': (string);
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  /**
   * CreateTopics: the created topic's id (as Kafka's CreateTopics answers it), empty when it was
   * not created (an error, or validate_only). Empty in the answers of other requests.
   */
  'topicId': (string);
}
