// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { TopicResult as _sluice_v1_TopicResult, TopicResult__Output as _sluice_v1_TopicResult__Output } from '../../sluice/v1/TopicResult';

export interface CreateTopicsResponse {
  'topics'?: (_sluice_v1_TopicResult)[];
}

export interface CreateTopicsResponse__Output {
  'topics': (_sluice_v1_TopicResult__Output)[];
}
