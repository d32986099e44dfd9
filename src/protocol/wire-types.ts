// The messages of the public API as the broker and the TypeScript client exchange them, derived
// from the types generated from proto/ (src/protocol/generated, docs/protocol-types.md): nothing
// here is a hand-written shape. Both sides speak the bytes view of proto-root.ts, in which every
// RecordBatch-typed field is a Buffer (BATCH_FIELDS: the batch is stored and returned verbatim);
// BytesView below makes the same substitution in the types.
//
// A received message is complete: every field is present, at its default when it was absent from
// the wire, as an own property (proto-root.ts), so spreading one is safe. A message sent is typed
// with every field required, so that a field added to a proto fails tsc where messages are built
// until the builder sets it; a field read from a received message is checked by `everyField`.
import type { AdminDefinition } from './generated/sluice/v1/Admin';
import type { DataDefinition } from './generated/sluice/v1/Data';
import type { GroupsDefinition } from './generated/sluice/v1/Groups';
import type { RecordBatch__Output } from './generated/sluice/v1/RecordBatch';
import type { ServiceName } from './services';

/** `T` with every RecordBatch field (a message, or null when absent) as the Buffer the bytes view decodes. */
export type BytesView<T> = [T] extends [RecordBatch__Output | null]
  ? Buffer
  : T extends Buffer
    ? T
    : T extends readonly (infer E)[]
      ? BytesView<E>[]
      : T extends object
        ? { [K in keyof T]: BytesView<T[K]> }
        : T;

/** `T` read-only all the way down: a request is read, never changed, by whoever handles it. */
type ReadonlyMessage<T> = T extends Buffer
  ? T
  : T extends readonly (infer E)[]
    ? readonly ReadonlyMessage<E>[]
    : T extends object
      ? { readonly [K in keyof T]: ReadonlyMessage<T[K]> }
      : T;

interface Services {
  'sluice.v1.Data': DataDefinition;
  'sluice.v1.Groups': GroupsDefinition;
  'sluice.v1.Admin': AdminDefinition;
}

/** A method as grpc-js stubs and services.ts name it: Produce → produce. */
export type MethodName<S extends ServiceName> = Uncapitalize<keyof Services[S] & string>;
type Method<S extends ServiceName, M extends MethodName<S>> = Services[S][Capitalize<M> & keyof Services[S]];

/** The request of `service.method`: complete, every field present, read-only. */
export type RequestOf<S extends ServiceName, M extends MethodName<S>> =
  Method<S, M> extends { requestDeserialize: (bytes: Buffer) => infer Request } ? ReadonlyMessage<BytesView<Request>> : never;
/** The response of `service.method`: complete, every field present. */
export type ResponseOf<S extends ServiceName, M extends MethodName<S>> =
  Method<S, M> extends { responseDeserialize: (bytes: Buffer) => infer Response } ? BytesView<Response> : never;

/**
 * A compile-time check that `fields` names every field of the message type `T`: placed beside the
 * code that reads a received message, it makes a field added to the proto fail tsc there until
 * the field is handled (and named here). `everyField<FetchPartition>()('topic', 'partition',
 * 'offset', 'maxBytes')`; a missing field reads "… not assignable to … unhandledFields: 'newField'".
 * It costs nothing at run time beyond one call when the module loads.
 */
export function everyField<T>() {
  return <const F extends readonly (keyof T)[]>(...fields: F & ([Exclude<keyof T, F[number]>] extends [never] ? unknown : { unhandledFields: Exclude<keyof T, F[number]> })): F => fields;
}

type Data<M extends MethodName<'sluice.v1.Data'>> = ResponseOf<'sluice.v1.Data', M>;
type DataRequest<M extends MethodName<'sluice.v1.Data'>> = RequestOf<'sluice.v1.Data', M>;

export type ProduceRequest = DataRequest<'produce'>;
export type ProducePartition = ProduceRequest['partitions'][number];
export type ProduceResponse = Data<'produce'>;
export type ProducePartitionResult = ProduceResponse['partitions'][number];
export type FetchRequest = DataRequest<'fetch'>;
export type FetchPartition = FetchRequest['partitions'][number];
export type SubscribeRequest = DataRequest<'subscribe'>;
export type FetchResponse = Data<'fetch'>;
export type FetchPartitionResult = FetchResponse['partitions'][number];
export type FetchedBatch = FetchPartitionResult['batches'][number];
export type ListOffsetsRequest = DataRequest<'listOffsets'>;
export type ListOffsetsPartition = ListOffsetsRequest['partitions'][number];
export type ListOffsetsResponse = Data<'listOffsets'>;
export type ListOffsetsPartitionResult = ListOffsetsResponse['partitions'][number];
export type InitProducerResponse = Data<'initProducer'>;

export type CommitOffsetsRequest = RequestOf<'sluice.v1.Groups', 'commitOffsets'>;
export type CommitOffsetsResponse = ResponseOf<'sluice.v1.Groups', 'commitOffsets'>;
export type FetchOffsetsRequest = RequestOf<'sluice.v1.Groups', 'fetchOffsets'>;
export type FetchOffsetsResponse = ResponseOf<'sluice.v1.Groups', 'fetchOffsets'>;
export type ListGroupsResponse = ResponseOf<'sluice.v1.Groups', 'listGroups'>;
export type ConsumerGroupHeartbeatRequest = RequestOf<'sluice.v1.Groups', 'consumerGroupHeartbeat'>;
export type ConsumerGroupHeartbeatResponse = ResponseOf<'sluice.v1.Groups', 'consumerGroupHeartbeat'>;
export type DescribeGroupsRequest = RequestOf<'sluice.v1.Groups', 'describeGroups'>;
export type DescribeGroupsResponse = ResponseOf<'sluice.v1.Groups', 'describeGroups'>;
export type DescribedGroup = DescribeGroupsResponse['groups'][number];
export type DescribedMember = DescribedGroup['members'][number];
export type DeleteGroupsRequest = RequestOf<'sluice.v1.Groups', 'deleteGroups'>;
export type DeleteGroupsResponse = ResponseOf<'sluice.v1.Groups', 'deleteGroups'>;

export type CreateTopicsRequest = RequestOf<'sluice.v1.Admin', 'createTopics'>;
export type TopicSpec = CreateTopicsRequest['topics'][number];
export type TopicResult = ResponseOf<'sluice.v1.Admin', 'createTopics'>['topics'][number];
export type DescribeClusterResponse = ResponseOf<'sluice.v1.Admin', 'describeCluster'>;
export type DescribeTopicsResponse = ResponseOf<'sluice.v1.Admin', 'describeTopics'>;
export type TopicDescription = DescribeTopicsResponse['topics'][number];
export type PartitionDescription = TopicDescription['partitions'][number];
export type PartitionReassignment = RequestOf<'sluice.v1.Admin', 'reassignPartitions'>['reassignments'][number];
