// The one place where handler outcomes become gRPC statuses. Wires the Data, Groups and Admin
// services (broker bytes view), gRPC health checking and server reflection.
import * as grpc from '@grpc/grpc-js';
import { SluiceError, ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import { brokerProtoRoot } from '../protocol/proto-root';
import { serviceDefinition, SERVICE_NAMES, type ServiceName } from '../protocol/services';
import type { FetchResponse, MethodName, RequestOf, ResponseOf, SubscribeRequest, ProduceRequest } from '../protocol/wire-types';
import type { BrokerLimits } from './config';
import type { BrokerContext } from './context';
import { listenFailure } from './listen-failure';
import { handleCompleteReassignment, handleDrainBroker, handleReassignPartitions, handleRegisterBroker } from './handlers/cluster-admin';
import { handleAlterConfigs, handleCreatePartitions, handleCreateTopics, handleDeleteTopics, handleDescribeCluster, handleDescribeTopics, handleListTopics } from './handlers/admin';
import { handleFetch } from './handlers/fetch';
import { handleCommitOffsets, handleFetchOffsets } from './handlers/groups';
import { handleConsumerGroupHeartbeat, handleDeleteGroups, handleDescribeGroups, handleListGroups } from './handlers/consumer-groups';
import { handleInitProducer, handleListOffsets } from './handlers/list-offsets';
import { handleProduce } from './handlers/produce';
import { batchBytes, handleProduceStream } from './handlers/produce-stream';
import { type EncodePush, handleSubscribe } from './handlers/subscribe';
import { InFlightBudget } from './in-flight-budget';
import { StreamsWaiting } from './streams-waiting';
import { FORWARDED_HEADER } from './cluster/forwarder';
import { clientMessage, withClientMessages } from './client-message';
import { addHealthService } from './health-service';
import { addReflectionService } from './reflection-service';
import { malformedMessage, refusingMalformed, tolerateMalformed } from './malformed-request';
import { RequestError } from './request-error';
import { advertiseStreamWindow, widenConnectionWindows } from './http2-window';

/** Shared by Subscribe and ProduceStream: the broker-wide budget and the waiting-streams gauge. */
interface StreamLimits {
  readonly budget: InFlightBudget;
  readonly waiting: StreamsWaiting;
}

interface CallInfo {
  readonly forwarded: boolean;
}
/** Data's streaming methods have wrappers of their own (wrapSubscribe, wrapProduceStream). */
type UnaryMethod<S extends ServiceName> = Exclude<MethodName<S>, 'subscribe' | 'produceStream'>;
/** A method's handler, typed by the generated types (src/protocol/wire-types.ts). */
type Handler<S extends ServiceName, M extends UnaryMethod<S>> = (request: RequestOf<S, M>, cancelled: AbortSignal, info: CallInfo) => ResponseOf<S, M> | Promise<ResponseOf<S, M>>;
/** A handler for every unary method of every service: an RPC added to a proto fails tsc here until it is served. */
type UnaryHandlers = { readonly [S in ServiceName]: { readonly [M in UnaryMethod<S>]: Handler<S, M> } };
/** A handler with its types erased: wrapUnary hands it the request grpc-js decoded for its own method. */
type UntypedHandler = (request: never, cancelled: AbortSignal, info: CallInfo) => unknown;

export interface GrpcServerHandle {
  readonly port: number;
  stop(): Promise<void>;
}

export interface ExtraService {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}

export async function startGrpcServer(ctx: BrokerContext, logger: Logger, extraServices: readonly ExtraService[] = []): Promise<GrpcServerHandle> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': ctx.config.limits.maxRequestBytes,
    'grpc.max_send_message_length': maxResponseBytes(ctx.config.limits),
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5000,
  });
  advertiseStreamWindow(server, logger);
  const streamLimits = { budget: new InFlightBudget(ctx.config.limits.maxInFlightBytes, ctx.metrics.registry), waiting: new StreamsWaiting(ctx.metrics.registry) };
  const { budget } = streamLimits;
  const unary: UnaryHandlers = {
    'sluice.v1.Data': {
      // The hot path: one check and two integer updates for the budget.
      produce: (r) => {
        if (budget.exhausted) throw budget.refusal('Produce');
        const bytes = batchBytes(r);
        budget.hold(bytes);
        return handleProduce(ctx, r).finally(() => budget.release(bytes));
      },
      fetch: (r, cancelled) => handleFetch(ctx, r, cancelled),
      listOffsets: (r) => handleListOffsets(ctx, r),
      initProducer: () => handleInitProducer(ctx),
    },
    'sluice.v1.Groups': {
      commitOffsets: (r, _c, info) => handleCommitOffsets(ctx, r, info),
      fetchOffsets: (r, _c, info) => handleFetchOffsets(ctx, r, info),
      listGroups: (_r, _c, info) => handleListGroups(ctx, info),
      consumerGroupHeartbeat: (r) => handleConsumerGroupHeartbeat(ctx, r),
      describeGroups: (r, _c, info) => handleDescribeGroups(ctx, r, info),
      deleteGroups: (r, _c, info) => handleDeleteGroups(ctx, r, info),
    },
    'sluice.v1.Admin': {
      createTopics: viaController(ctx, 'createTopics', (r) => handleCreateTopics(ctx, r)),
      deleteTopics: viaController(ctx, 'deleteTopics', (r) => handleDeleteTopics(ctx, r)),
      listTopics: (r) => handleListTopics(ctx, r),
      describeTopics: (r) => handleDescribeTopics(ctx, r),
      alterConfigs: viaController(ctx, 'alterConfigs', (r) => handleAlterConfigs(ctx, r)),
      createPartitions: viaController(ctx, 'createPartitions', (r) => handleCreatePartitions(ctx, r)),
      describeCluster: () => handleDescribeCluster(ctx),
      reassignPartitions: viaController(ctx, 'reassignPartitions', (r) => handleReassignPartitions(ctx, r)),
      drainBroker: viaController(ctx, 'drainBroker', (r) => handleDrainBroker(ctx, r)),
      completeReassignment: viaController(ctx, 'completeReassignment', (r) => handleCompleteReassignment(ctx, r)),
      registerBroker: viaController(ctx, 'registerBroker', (r) => handleRegisterBroker(ctx, r)),
    },
  };

  const root = brokerProtoRoot();
  for (const serviceName of SERVICE_NAMES) {
    let definition = tolerateMalformed(serviceDefinition(root, serviceName));
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries<UntypedHandler>(unary[serviceName])) {
      implementation[name] = wrapUnary(ctx, logger, `${serviceName}/${name}`, handler);
    }
    if (serviceName === 'sluice.v1.Data') {
      const pushes = sendEncodedPushes(definition);
      definition = pushes.definition;
      implementation['subscribe'] = wrapSubscribe(ctx, logger, pushes.encode, streamLimits);
      implementation['produceStream'] = wrapProduceStream(ctx, logger, streamLimits);
    }
    server.addService(definition, implementation);
  }

  // The Raft transport (a bidi stream served on this port) refuses a body it cannot decode like the rest.
  const refusing = refusingMalformed(server, (message) => clientMessage(message, ctx.config.dataDir));
  for (const extra of extraServices) refusing.addService(extra.definition, extra.implementation);

  const health = addHealthService(server, ['', ...SERVICE_NAMES], ctx.config.dataDir);
  addReflectionService(refusing);

  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${ctx.config.host}:${ctx.config.grpcPort}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(new Error(`cannot listen for gRPC on ${ctx.config.host}:${ctx.config.grpcPort}: ${listenFailure(error.message, '--grpc-port')}`)) : resolve(port),
    );
  });

  widenConnectionWindows(server, logger);

  let stopped: Promise<void> | undefined;
  return {
    port: boundPort,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        const force = setTimeout(() => server.forceShutdown(), 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return stopped;
    },
  };
}

/**
 * The largest answer the broker sends: the batches of a Fetch (at most maxFetchBytes, or one
 * batch, which is no larger than a request) plus one result envelope per partition (names,
 * numbers and an error message, well under 1 KiB since echoed input is shortened by quoteInput).
 */
function maxResponseBytes(limits: BrokerLimits): number {
  return Math.max(limits.maxFetchBytes, limits.maxRequestBytes) + limits.maxPartitionsPerRequest * 1024 + 1024 * 1024;
}

/** In a cluster, a metadata change is made by the controller: other brokers forward it there. */
function viaController<M extends UnaryMethod<'sluice.v1.Admin'>>(ctx: BrokerContext, method: M, handler: Handler<'sluice.v1.Admin', M>): Handler<'sluice.v1.Admin', M> {
  return (request, cancelled, info) => {
    const cluster = ctx.cluster;
    if (info.forwarded) return handler(request, cancelled, info);
    const leader = cluster.metadataLeader();
    if (leader === ctx.config.nodeId) return handler(request, cancelled, info);
    if (leader === null) throw new RequestError(grpc.status.UNAVAILABLE, 'the cluster has no metadata leader right now (an election is under way): retry');
    return cluster.forward('sluice.v1.Admin', method, request as object, leader) as Promise<ResponseOf<'sluice.v1.Admin', M>>;
  };
}

function wrapUnary(ctx: BrokerContext, logger: Logger, method: string, handler: UntypedHandler): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const malformed = malformedMessage(call.request, method);
    if (malformed) {
      ctx.metrics.requests.inc({ method, status: 'INVALID_ARGUMENT' });
      callback({ code: grpc.status.INVALID_ARGUMENT, details: clientMessage(malformed, ctx.config.dataDir) });
      return;
    }
    const cancel = new AbortController();
    call.once('cancelled', () => cancel.abort());
    Promise.resolve()
      .then(() => handler(call.request as never, cancel.signal, { forwarded: call.metadata.get(FORWARDED_HEADER).length > 0 }))
      .then(
        (response) => {
          ctx.metrics.requests.inc({ method, status: 'OK' });
          callback(null, withClientMessages(response, ctx.config.dataDir));
        },
        (error: unknown) => {
          const status = toStatus(ctx, error, method, logger);
          ctx.metrics.requests.inc({ method, status: grpc.status[status.code] });
          callback(status);
        },
      );
  };
}

/** Subscribe's handler writes pushes it has encoded itself (see subscribe.ts): they go out as they are. */
function sendEncodedPushes(definition: grpc.ServiceDefinition): { definition: grpc.ServiceDefinition; encode: EncodePush } {
  const subscribe = definition['subscribe']!;
  const encode = subscribe.responseSerialize as EncodePush;
  const passEncoded = (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : encode(value as FetchResponse));
  return { definition: { ...definition, subscribe: { ...subscribe, responseSerialize: passEncoded } }, encode };
}

function wrapSubscribe(ctx: BrokerContext, logger: Logger, encode: EncodePush, limits: StreamLimits): grpc.handleServerStreamingCall<SubscribeRequest, unknown> {
  const method = 'sluice.v1.Data/subscribe';
  return (call) => {
    const malformed = malformedMessage(call.request, method);
    if (malformed) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: clientMessage(malformed, ctx.config.dataDir) });
      return;
    }
    const cancel = new AbortController();
    call.once('cancelled', () => cancel.abort());
    handleSubscribe(ctx, call, cancel.signal, encode, limits).then(
      () => {
        ctx.metrics.requests.inc({ method, status: 'OK' });
        if (!cancel.signal.aborted) call.end();
      },
      (error: unknown) => {
        const status = toStatus(ctx, error, method, logger);
        ctx.metrics.requests.inc({ method, status: grpc.status[status.code] });
        call.emit('error', status);
      },
    );
  };
}

function wrapProduceStream(ctx: BrokerContext, logger: Logger, limits: StreamLimits): grpc.handleBidiStreamingCall<ProduceRequest, unknown> {
  const method = 'sluice.v1.Data/produceStream';
  return (call) => {
    handleProduceStream(ctx, call, {
      malformed: (request) => malformedMessage(request, method),
      fail: (error) => {
        const status = toStatus(ctx, error, method, logger);
        ctx.metrics.requests.inc({ method, status: grpc.status[status.code] });
        call.emit('error', status);
      },
    }, limits);
  };
}

/** The status a failed call answers; its details pass through clientMessage (no paths, bounded). */
function toStatus(ctx: BrokerContext, error: unknown, method: string, logger: Logger): { code: grpc.status; details: string; metadata?: grpc.Metadata } {
  if (error instanceof RequestError && error.retryPushbackMs !== undefined) {
    const metadata = new grpc.Metadata();
    metadata.set('grpc-retry-pushback-ms', String(error.retryPushbackMs));
    return { code: error.grpcStatus, details: clientMessage(error.message, ctx.config.dataDir), metadata };
  }
  const status = ((): { code: grpc.status; details: string } => {
    if (error instanceof RequestError) return { code: error.grpcStatus, details: error.message };
    if (error instanceof SluiceError) {
      const code = error.code === ErrorCode.INVALID_REQUEST ? grpc.status.INVALID_ARGUMENT : error.retriable ? grpc.status.UNAVAILABLE : grpc.status.FAILED_PRECONDITION;
      return { code, details: error.message };
    }
    logger.error({ err: error, method }, 'handler failed');
    return { code: grpc.status.INTERNAL, details: `${method} failed: ${(error as Error)?.message ?? String(error)}` };
  })();
  return { code: status.code, details: clientMessage(status.details, ctx.config.dataDir) };
}

