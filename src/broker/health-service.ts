// gRPC health checking (grpc.health.v1.Health) in front of grpc-health-check. The dependency
// keeps a watcher set for every service name ever watched, never removed (cancelled watches of
// 10 MB names kept ~417 MB), and echoes the name unbounded in Check's NOT_FOUND. Here only the
// broker's own service names reach it: a longer name is refused, an unknown one is answered
// without being kept, and a body protobuf cannot decode is INVALID_ARGUMENT.
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { clientMessage, quoteInput } from './client-message';
import { malformedMessage, tolerateMalformed } from './malformed-request';

export interface HealthService {
  setStatus(service: string, status: ServingStatus): void;
}

/** Adds the health service for `services` (each SERVING; '' is the whole broker). */
export function addHealthService(server: grpc.Server, services: readonly string[], dataDir: string): HealthService {
  const health = new HealthImplementation(Object.fromEntries(services.map((s) => [s, 'SERVING' as ServingStatus])));
  const known = new Set(services);
  const longest = Math.max(...services.map((s) => s.length));
  const knownList = services.map((s) => `'${s}'`).join(', ');
  /** Why a request must not reach the dependency (a gRPC status), or undefined. */
  const refusal = (request: unknown, method: string): { code: grpc.status; details: string } | undefined => {
    const malformed = malformedMessage(request, method);
    if (malformed) return { code: grpc.status.INVALID_ARGUMENT, details: clientMessage(malformed, dataDir) };
    const name = String((request as { service?: unknown }).service ?? '');
    if (name.length > longest) {
      return { code: grpc.status.INVALID_ARGUMENT, details: `service name of ${name.length} characters is longer than any service of this broker: use one of ${knownList}` };
    }
    return known.has(name) ? undefined : { code: grpc.status.NOT_FOUND, details: `health status unknown for service ${quoteInput(name)}: this broker serves ${knownList}` };
  };
  const guarded = {
    addService(definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): void {
      const check = implementation['check'] as grpc.handleUnaryCall<unknown, unknown>;
      const watch = implementation['watch'] as grpc.handleServerStreamingCall<unknown, unknown>;
      const list = implementation['list'] as grpc.handleUnaryCall<unknown, unknown>;
      server.addService(tolerateMalformed(definition), {
        check: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          const refused = refusal(call.request, 'grpc.health.v1.Health/Check');
          if (refused) callback(refused);
          else check(call, callback);
        },
        watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
          const refused = refusal(call.request, 'grpc.health.v1.Health/Watch');
          // An unknown service is answered SERVICE_UNKNOWN and the call stays open, as the
          // protocol says, but nothing of it is kept: it can never become known here.
          if (refused?.code === grpc.status.NOT_FOUND) call.write({ status: 'SERVICE_UNKNOWN' });
          else if (refused) call.emit('error', refused);
          else watch(call);
        },
        list: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          const malformed = malformedMessage(call.request, 'grpc.health.v1.Health/List');
          if (malformed) callback({ code: grpc.status.INVALID_ARGUMENT, details: clientMessage(malformed, dataDir) });
          else list(call, callback);
        },
      });
    },
  };
  health.addToServer(guarded as unknown as grpc.Server);
  return { setStatus: (service, status) => health.setStatus(service, status) };
}
