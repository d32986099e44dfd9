// The public surface of the Sluice TypeScript client.
export { SluiceClient } from './client';
export { Producer } from './producer';
export { Consumer, type RunOptions } from './consumer';
export {
  Admin, type TopicSpec, type TopicListing, type TopicDescription, type PartitionDescription, type ClusterDescription, type PartitionReassignment,
  type ListOffsetsQuery, type ListOffsetsResult, type CommittedOffset,
} from './admin';
export type { GroupDescription, GroupMemberDescription, GroupListing, GroupTopicPartitions } from './group-admin';
export * from './errors';
export type * from './types';
export { DEFAULT_RETRY } from './retry';
export { murmur2, partitionForKey, toPositive } from '../protocol/murmur2';
