// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterConfigsRequest as _sluice_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _sluice_v1_AlterConfigsRequest__Output } from '../../sluice/v1/AlterConfigsRequest';
import type { AlterConfigsResponse as _sluice_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _sluice_v1_AlterConfigsResponse__Output } from '../../sluice/v1/AlterConfigsResponse';
import type { CompleteReassignmentRequest as _sluice_v1_CompleteReassignmentRequest, CompleteReassignmentRequest__Output as _sluice_v1_CompleteReassignmentRequest__Output } from '../../sluice/v1/CompleteReassignmentRequest';
import type { CompleteReassignmentResponse as _sluice_v1_CompleteReassignmentResponse, CompleteReassignmentResponse__Output as _sluice_v1_CompleteReassignmentResponse__Output } from '../../sluice/v1/CompleteReassignmentResponse';
import type { CreatePartitionsRequest as _sluice_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _sluice_v1_CreatePartitionsRequest__Output } from '../../sluice/v1/CreatePartitionsRequest';
import type { CreatePartitionsResponse as _sluice_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _sluice_v1_CreatePartitionsResponse__Output } from '../../sluice/v1/CreatePartitionsResponse';
import type { CreateTopicsRequest as _sluice_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _sluice_v1_CreateTopicsRequest__Output } from '../../sluice/v1/CreateTopicsRequest';
import type { CreateTopicsResponse as _sluice_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _sluice_v1_CreateTopicsResponse__Output } from '../../sluice/v1/CreateTopicsResponse';
import type { DeleteTopicsRequest as _sluice_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _sluice_v1_DeleteTopicsRequest__Output } from '../../sluice/v1/DeleteTopicsRequest';
import type { DeleteTopicsResponse as _sluice_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _sluice_v1_DeleteTopicsResponse__Output } from '../../sluice/v1/DeleteTopicsResponse';
import type { DescribeClusterRequest as _sluice_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _sluice_v1_DescribeClusterRequest__Output } from '../../sluice/v1/DescribeClusterRequest';
import type { DescribeClusterResponse as _sluice_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _sluice_v1_DescribeClusterResponse__Output } from '../../sluice/v1/DescribeClusterResponse';
import type { DescribeTopicsRequest as _sluice_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _sluice_v1_DescribeTopicsRequest__Output } from '../../sluice/v1/DescribeTopicsRequest';
import type { DescribeTopicsResponse as _sluice_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _sluice_v1_DescribeTopicsResponse__Output } from '../../sluice/v1/DescribeTopicsResponse';
import type { DrainBrokerRequest as _sluice_v1_DrainBrokerRequest, DrainBrokerRequest__Output as _sluice_v1_DrainBrokerRequest__Output } from '../../sluice/v1/DrainBrokerRequest';
import type { DrainBrokerResponse as _sluice_v1_DrainBrokerResponse, DrainBrokerResponse__Output as _sluice_v1_DrainBrokerResponse__Output } from '../../sluice/v1/DrainBrokerResponse';
import type { ListTopicsRequest as _sluice_v1_ListTopicsRequest, ListTopicsRequest__Output as _sluice_v1_ListTopicsRequest__Output } from '../../sluice/v1/ListTopicsRequest';
import type { ListTopicsResponse as _sluice_v1_ListTopicsResponse, ListTopicsResponse__Output as _sluice_v1_ListTopicsResponse__Output } from '../../sluice/v1/ListTopicsResponse';
import type { ReassignPartitionsRequest as _sluice_v1_ReassignPartitionsRequest, ReassignPartitionsRequest__Output as _sluice_v1_ReassignPartitionsRequest__Output } from '../../sluice/v1/ReassignPartitionsRequest';
import type { ReassignPartitionsResponse as _sluice_v1_ReassignPartitionsResponse, ReassignPartitionsResponse__Output as _sluice_v1_ReassignPartitionsResponse__Output } from '../../sluice/v1/ReassignPartitionsResponse';
import type { RegisterBrokerRequest as _sluice_v1_RegisterBrokerRequest, RegisterBrokerRequest__Output as _sluice_v1_RegisterBrokerRequest__Output } from '../../sluice/v1/RegisterBrokerRequest';
import type { RegisterBrokerResponse as _sluice_v1_RegisterBrokerResponse, RegisterBrokerResponse__Output as _sluice_v1_RegisterBrokerResponse__Output } from '../../sluice/v1/RegisterBrokerResponse';

export interface AdminDefinition {
  AlterConfigs: MethodDefinition<_sluice_v1_AlterConfigsRequest, _sluice_v1_AlterConfigsResponse, _sluice_v1_AlterConfigsRequest__Output, _sluice_v1_AlterConfigsResponse__Output>
  CompleteReassignment: MethodDefinition<_sluice_v1_CompleteReassignmentRequest, _sluice_v1_CompleteReassignmentResponse, _sluice_v1_CompleteReassignmentRequest__Output, _sluice_v1_CompleteReassignmentResponse__Output>
  CreatePartitions: MethodDefinition<_sluice_v1_CreatePartitionsRequest, _sluice_v1_CreatePartitionsResponse, _sluice_v1_CreatePartitionsRequest__Output, _sluice_v1_CreatePartitionsResponse__Output>
  CreateTopics: MethodDefinition<_sluice_v1_CreateTopicsRequest, _sluice_v1_CreateTopicsResponse, _sluice_v1_CreateTopicsRequest__Output, _sluice_v1_CreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_sluice_v1_DeleteTopicsRequest, _sluice_v1_DeleteTopicsResponse, _sluice_v1_DeleteTopicsRequest__Output, _sluice_v1_DeleteTopicsResponse__Output>
  DescribeCluster: MethodDefinition<_sluice_v1_DescribeClusterRequest, _sluice_v1_DescribeClusterResponse, _sluice_v1_DescribeClusterRequest__Output, _sluice_v1_DescribeClusterResponse__Output>
  DescribeTopics: MethodDefinition<_sluice_v1_DescribeTopicsRequest, _sluice_v1_DescribeTopicsResponse, _sluice_v1_DescribeTopicsRequest__Output, _sluice_v1_DescribeTopicsResponse__Output>
  DrainBroker: MethodDefinition<_sluice_v1_DrainBrokerRequest, _sluice_v1_DrainBrokerResponse, _sluice_v1_DrainBrokerRequest__Output, _sluice_v1_DrainBrokerResponse__Output>
  ListTopics: MethodDefinition<_sluice_v1_ListTopicsRequest, _sluice_v1_ListTopicsResponse, _sluice_v1_ListTopicsRequest__Output, _sluice_v1_ListTopicsResponse__Output>
  ReassignPartitions: MethodDefinition<_sluice_v1_ReassignPartitionsRequest, _sluice_v1_ReassignPartitionsResponse, _sluice_v1_ReassignPartitionsRequest__Output, _sluice_v1_ReassignPartitionsResponse__Output>
  RegisterBroker: MethodDefinition<_sluice_v1_RegisterBrokerRequest, _sluice_v1_RegisterBrokerResponse, _sluice_v1_RegisterBrokerRequest__Output, _sluice_v1_RegisterBrokerResponse__Output>
}
