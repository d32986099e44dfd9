// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { TopicSpec as _sluice_v1_TopicSpec, TopicSpec__Output as _sluice_v1_TopicSpec__Output } from '../../sluice/v1/TopicSpec';

export interface CreateTopicsRequest {
  /**
   * Each topic gets its own result. A name given twice is refused (INVALID_REQUEST) for both
   * entries, and neither is created.
   */
  'topics'?: (_sluice_v1_TopicSpec)[];
  /**
   * Check everything but create nothing.
   */
  'validateOnly'?: (boolean);
}

export interface CreateTopicsRequest__Output {
  /**
   * Each topic gets its own result. A name given twice is refused (INVALID_REQUEST) for both
   * entries, and neither is created.
   */
  'topics': (_sluice_v1_TopicSpec__Output)[];
  /**
   * Check everything but create nothing.
   */
  'validateOnly': (boolean);
}
