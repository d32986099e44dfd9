// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { TopicListing as _sluice_v1_TopicListing, TopicListing__Output as _sluice_v1_TopicListing__Output } from '../../sluice/v1/TopicListing';

export interface ListTopicsResponse {
  'topics'?: (_sluice_v1_TopicListing)[];
}

export interface ListTopicsResponse__Output {
  'topics': (_sluice_v1_TopicListing__Output)[];
}
