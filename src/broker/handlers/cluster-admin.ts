// Admin requests about the cluster's shape: moving partition replicas, draining a broker,
// registering a broker, and the partition leaders' reports that a move finished. All are metadata commands, so they run on
// the controller (grpc-server forwards them there).
import { ErrorCode } from '../../common/errors';
import { planDrain } from '../../metadata/drain-plan';
import type { MetadataCommand } from '../../metadata/metadata-commands';
import { proposeOrValidate } from './metadata-proposal';
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { everyField, type PartitionReassignment, type RequestOf } from '../../protocol/wire-types';

type AdminRequest<M extends 'reassignPartitions' | 'drainBroker' | 'registerBroker' | 'completeReassignment'> = RequestOf<'sluice.v1.Admin', M>;

// Every field of these requests is read here (a field added to the proto fails tsc until it is
// handled and named).
everyField<AdminRequest<'reassignPartitions'>>()('reassignments', 'validateOnly');
everyField<PartitionReassignment>()('topic', 'partition', 'replicas');
everyField<AdminRequest<'drainBroker'>>()('brokerId', 'undrain', 'validateOnly');
everyField<AdminRequest<'registerBroker'>>()('id', 'host', 'port', 'httpPort', 'rack');
everyField<AdminRequest<'completeReassignment'>>()('topic', 'partition', 'topicCreatedAtMs', 'replicas', 'topicId');

export async function handleReassignPartitions(ctx: BrokerContext, request: AdminRequest<'reassignPartitions'>) {
  if (request.reassignments.length === 0) throw invalidArgument('ReassignPartitions names no partitions: send at least one');
  const results = [];
  for (const r of request.reassignments) {
    const base = { topic: r.topic, partition: r.partition };
    const command: MetadataCommand = { type: 'ReassignPartition', name: r.topic, partition: r.partition, replicas: [...r.replicas] };
    results.push({ ...base, ...(await proposeOrValidate(ctx.cluster, command, request.validateOnly)) });
  }
  return { results };
}

export async function handleDrainBroker(ctx: BrokerContext, request: AdminRequest<'drainBroker'>) {
  const cluster = ctx.cluster;
  const command: MetadataCommand = { type: 'DrainBroker', id: request.brokerId, draining: !request.undrain };
  const plan = request.undrain ? [] : planDrain(cluster.metadataState(), request.brokerId);
  // An impossible drain: answer exactly what the metadata would (code and message).
  if (typeof plan === 'string') return { ...(await proposeOrValidate(cluster, command, true)), moves: [] };
  const moves = plan.map((m) => ({ topic: m.topic, partition: m.partition, replicas: [...m.replicas] }));
  const outcome = await proposeOrValidate(cluster, command, request.validateOnly);
  return { ...outcome, moves: outcome.errorCode === ErrorCode.NONE ? moves : [] };
}

export async function handleRegisterBroker(ctx: BrokerContext, request: AdminRequest<'registerBroker'>) {
  const command: MetadataCommand = {
    type: 'RegisterBroker', id: request.id, host: request.host, port: request.port, httpPort: request.httpPort, rack: request.rack === '' ? null : request.rack, nowMs: ctx.clock.nowMs(),
  };
  return proposeOrValidate(ctx.cluster, command, false);
}

export async function handleCompleteReassignment(ctx: BrokerContext, request: AdminRequest<'completeReassignment'>) {
  const command: MetadataCommand = {
    type: 'CompleteReassignment', name: request.topic, partition: request.partition, createdAtMs: Number(request.topicCreatedAtMs), replicas: [...request.replicas],
    ...(request.topicId === '' ? {} : { topicId: request.topicId }),
  };
  return proposeOrValidate(ctx.cluster, command, false);
}
