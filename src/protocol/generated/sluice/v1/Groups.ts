// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOffsetsRequest as _sluice_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _sluice_v1_CommitOffsetsRequest__Output } from '../../sluice/v1/CommitOffsetsRequest';
import type { CommitOffsetsResponse as _sluice_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _sluice_v1_CommitOffsetsResponse__Output } from '../../sluice/v1/CommitOffsetsResponse';
import type { FetchOffsetsRequest as _sluice_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _sluice_v1_FetchOffsetsRequest__Output } from '../../sluice/v1/FetchOffsetsRequest';
import type { FetchOffsetsResponse as _sluice_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _sluice_v1_FetchOffsetsResponse__Output } from '../../sluice/v1/FetchOffsetsResponse';
import type { ListGroupsRequest as _sluice_v1_ListGroupsRequest, ListGroupsRequest__Output as _sluice_v1_ListGroupsRequest__Output } from '../../sluice/v1/ListGroupsRequest';
import type { ListGroupsResponse as _sluice_v1_ListGroupsResponse, ListGroupsResponse__Output as _sluice_v1_ListGroupsResponse__Output } from '../../sluice/v1/ListGroupsResponse';

export interface GroupsDefinition {
  CommitOffsets: MethodDefinition<_sluice_v1_CommitOffsetsRequest, _sluice_v1_CommitOffsetsResponse, _sluice_v1_CommitOffsetsRequest__Output, _sluice_v1_CommitOffsetsResponse__Output>
  FetchOffsets: MethodDefinition<_sluice_v1_FetchOffsetsRequest, _sluice_v1_FetchOffsetsResponse, _sluice_v1_FetchOffsetsRequest__Output, _sluice_v1_FetchOffsetsResponse__Output>
  ListGroups: MethodDefinition<_sluice_v1_ListGroupsRequest, _sluice_v1_ListGroupsResponse, _sluice_v1_ListGroupsRequest__Output, _sluice_v1_ListGroupsResponse__Output>
}
