// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { MethodDefinition } from '@grpc/proto-loader'
import type { FetchRequest as _sluice_v1_FetchRequest, FetchRequest__Output as _sluice_v1_FetchRequest__Output } from '../../sluice/v1/FetchRequest';
import type { FetchResponse as _sluice_v1_FetchResponse, FetchResponse__Output as _sluice_v1_FetchResponse__Output } from '../../sluice/v1/FetchResponse';
import type { InitProducerRequest as _sluice_v1_InitProducerRequest, InitProducerRequest__Output as _sluice_v1_InitProducerRequest__Output } from '../../sluice/v1/InitProducerRequest';
import type { InitProducerResponse as _sluice_v1_InitProducerResponse, InitProducerResponse__Output as _sluice_v1_InitProducerResponse__Output } from '../../sluice/v1/InitProducerResponse';
import type { ListOffsetsRequest as _sluice_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _sluice_v1_ListOffsetsRequest__Output } from '../../sluice/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _sluice_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _sluice_v1_ListOffsetsResponse__Output } from '../../sluice/v1/ListOffsetsResponse';
import type { ProduceRequest as _sluice_v1_ProduceRequest, ProduceRequest__Output as _sluice_v1_ProduceRequest__Output } from '../../sluice/v1/ProduceRequest';
import type { ProduceResponse as _sluice_v1_ProduceResponse, ProduceResponse__Output as _sluice_v1_ProduceResponse__Output } from '../../sluice/v1/ProduceResponse';
import type { SubscribeRequest as _sluice_v1_SubscribeRequest, SubscribeRequest__Output as _sluice_v1_SubscribeRequest__Output } from '../../sluice/v1/SubscribeRequest';

export interface DataDefinition {
  Fetch: MethodDefinition<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse, _sluice_v1_FetchRequest__Output, _sluice_v1_FetchResponse__Output>
  InitProducer: MethodDefinition<_sluice_v1_InitProducerRequest, _sluice_v1_InitProducerResponse, _sluice_v1_InitProducerRequest__Output, _sluice_v1_InitProducerResponse__Output>
  ListOffsets: MethodDefinition<_sluice_v1_ListOffsetsRequest, _sluice_v1_ListOffsetsResponse, _sluice_v1_ListOffsetsRequest__Output, _sluice_v1_ListOffsetsResponse__Output>
  Produce: MethodDefinition<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse, _sluice_v1_ProduceRequest__Output, _sluice_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse, _sluice_v1_ProduceRequest__Output, _sluice_v1_ProduceResponse__Output>
  Subscribe: MethodDefinition<_sluice_v1_SubscribeRequest, _sluice_v1_FetchResponse, _sluice_v1_SubscribeRequest__Output, _sluice_v1_FetchResponse__Output>
}
