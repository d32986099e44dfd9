// Every RPC a broker serves on its gRPC port, read from the proto files (not listed by hand, so
// a method added to a proto is fuzzed without a change here): sluice.v1 Data/Groups/Admin, the
// inter-broker Raft transport, grpc.health.v1 and both reflection services.
import * as protobuf from 'protobufjs';
import { dirname, join } from 'node:path';
import { protoDir, publicProtoRoot, raftProtoRoot } from '../../src/protocol/proto-root';
import { SERVICE_NAMES } from '../../src/protocol/services';

export interface RpcMethod {
  /** e.g. `sluice.v1.Data` */
  readonly service: string;
  /** e.g. `Produce` */
  readonly method: string;
  /** The HTTP/2 path, `/<service>/<method>`. */
  readonly path: string;
  readonly requestType: protobuf.Type;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

/** The package root of an installed dependency, found from its main module. */
function packageRoot(name: string, mainDepth: number): string {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < mainDepth; i++) dir = dirname(dir);
  return dir;
}

function loadFile(dir: string, file: string): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(dir, target));
  root.loadSync(file, { keepCase: false });
  root.resolveAll();
  return root;
}

function methodsOf(root: protobuf.Root, serviceName: string): RpcMethod[] {
  const service = root.lookupService(serviceName);
  return service.methodsArray.map((m) => {
    m.resolve();
    return {
      service: serviceName,
      method: m.name,
      path: `/${serviceName}/${m.name}`,
      requestType: m.resolvedRequestType!,
      requestStream: Boolean(m.requestStream),
      responseStream: Boolean(m.responseStream),
    };
  });
}

let catalog: RpcMethod[] | undefined;

/** All methods of all services on a broker's gRPC port. */
export function rpcCatalog(): readonly RpcMethod[] {
  if (catalog) return catalog;
  protoDir(); // fails early, with a clear message, when proto/ is missing
  const healthDir = join(packageRoot('grpc-health-check', 2), 'proto');
  const reflectionDir = join(packageRoot('@grpc/reflection', 2), 'build', 'proto');
  catalog = [
    ...SERVICE_NAMES.flatMap((s) => methodsOf(publicProtoRoot(), s)),
    ...methodsOf(raftProtoRoot(), 'sluice.raft.v1.RaftTransport'),
    ...methodsOf(loadFile(healthDir, 'health/v1/health.proto'), 'grpc.health.v1.Health'),
    ...methodsOf(loadFile(reflectionDir, 'grpc/reflection/v1/reflection.proto'), 'grpc.reflection.v1.ServerReflection'),
    ...methodsOf(loadFile(reflectionDir, 'grpc/reflection/v1alpha/reflection.proto'), 'grpc.reflection.v1alpha.ServerReflection'),
  ];
  return catalog;
}

/**
 * Methods that may legitimately remove or move a topic's data (deleting it, changing its
 * retention or cleanup policy, naming its replicas): the fuzzer never names the canary topic in
 * them, so that a canary loss always means a broker bug. (DrainBroker and RegisterBroker name
 * brokers, not topics: they are fuzzed freely, and a drain must move data without losing it.)
 */
export const TOPIC_CHANGING_METHODS: ReadonlySet<string> = new Set([
  '/sluice.v1.Admin/DeleteTopics',
  '/sluice.v1.Admin/AlterConfigs',
  '/sluice.v1.Admin/ReassignPartitions',
  '/sluice.v1.Admin/CompleteReassignment',
]);
