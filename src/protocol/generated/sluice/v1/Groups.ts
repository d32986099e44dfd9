// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOffsetsRequest as _sluice_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _sluice_v1_CommitOffsetsRequest__Output } from '../../sluice/v1/CommitOffsetsRequest';
import type { CommitOffsetsResponse as _sluice_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _sluice_v1_CommitOffsetsResponse__Output } from '../../sluice/v1/CommitOffsetsResponse';
import type { ConsumerGroupHeartbeatRequest as _sluice_v1_ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatRequest__Output as _sluice_v1_ConsumerGroupHeartbeatRequest__Output } from '../../sluice/v1/ConsumerGroupHeartbeatRequest';
import type { ConsumerGroupHeartbeatResponse as _sluice_v1_ConsumerGroupHeartbeatResponse, ConsumerGroupHeartbeatResponse__Output as _sluice_v1_ConsumerGroupHeartbeatResponse__Output } from '../../sluice/v1/ConsumerGroupHeartbeatResponse';
import type { DeleteGroupsRequest as _sluice_v1_DeleteGroupsRequest, DeleteGroupsRequest__Output as _sluice_v1_DeleteGroupsRequest__Output } from '../../sluice/v1/DeleteGroupsRequest';
import type { DeleteGroupsResponse as _sluice_v1_DeleteGroupsResponse, DeleteGroupsResponse__Output as _sluice_v1_DeleteGroupsResponse__Output } from '../../sluice/v1/DeleteGroupsResponse';
import type { DescribeGroupsRequest as _sluice_v1_DescribeGroupsRequest, DescribeGroupsRequest__Output as _sluice_v1_DescribeGroupsRequest__Output } from '../../sluice/v1/DescribeGroupsRequest';
import type { DescribeGroupsResponse as _sluice_v1_DescribeGroupsResponse, DescribeGroupsResponse__Output as _sluice_v1_DescribeGroupsResponse__Output } from '../../sluice/v1/DescribeGroupsResponse';
import type { FetchOffsetsRequest as _sluice_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _sluice_v1_FetchOffsetsRequest__Output } from '../../sluice/v1/FetchOffsetsRequest';
import type { FetchOffsetsResponse as _sluice_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _sluice_v1_FetchOffsetsResponse__Output } from '../../sluice/v1/FetchOffsetsResponse';
import type { ListGroupsRequest as _sluice_v1_ListGroupsRequest, ListGroupsRequest__Output as _sluice_v1_ListGroupsRequest__Output } from '../../sluice/v1/ListGroupsRequest';
import type { ListGroupsResponse as _sluice_v1_ListGroupsResponse, ListGroupsResponse__Output as _sluice_v1_ListGroupsResponse__Output } from '../../sluice/v1/ListGroupsResponse';

export interface GroupsDefinition {
  CommitOffsets: MethodDefinition<_sluice_v1_CommitOffsetsRequest, _sluice_v1_CommitOffsetsResponse, _sluice_v1_CommitOffsetsRequest__Output, _sluice_v1_CommitOffsetsResponse__Output>
  ConsumerGroupHeartbeat: MethodDefinition<_sluice_v1_ConsumerGroupHeartbeatRequest, _sluice_v1_ConsumerGroupHeartbeatResponse, _sluice_v1_ConsumerGroupHeartbeatRequest__Output, _sluice_v1_ConsumerGroupHeartbeatResponse__Output>
  DeleteGroups: MethodDefinition<_sluice_v1_DeleteGroupsRequest, _sluice_v1_DeleteGroupsResponse, _sluice_v1_DeleteGroupsRequest__Output, _sluice_v1_DeleteGroupsResponse__Output>
  DescribeGroups: MethodDefinition<_sluice_v1_DescribeGroupsRequest, _sluice_v1_DescribeGroupsResponse, _sluice_v1_DescribeGroupsRequest__Output, _sluice_v1_DescribeGroupsResponse__Output>
  FetchOffsets: MethodDefinition<_sluice_v1_FetchOffsetsRequest, _sluice_v1_FetchOffsetsResponse, _sluice_v1_FetchOffsetsRequest__Output, _sluice_v1_FetchOffsetsResponse__Output>
  ListGroups: MethodDefinition<_sluice_v1_ListGroupsRequest, _sluice_v1_ListGroupsResponse, _sluice_v1_ListGroupsRequest__Output, _sluice_v1_ListGroupsResponse__Output>
}
