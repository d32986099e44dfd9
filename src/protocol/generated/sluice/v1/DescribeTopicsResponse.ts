// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { TopicDescription as _sluice_v1_TopicDescription, TopicDescription__Output as _sluice_v1_TopicDescription__Output } from '../../sluice/v1/TopicDescription';

export interface DescribeTopicsResponse {
  'topics'?: (_sluice_v1_TopicDescription)[];
}

export interface DescribeTopicsResponse__Output {
  'topics': (_sluice_v1_TopicDescription__Output)[];
}
