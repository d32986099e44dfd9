// gRPC service definitions built from a protobufjs root, shared by broker (bytes view) and
// client (public view). Messages are encoded and decoded by protobufjs directly, so requests and
// responses are plain objects with camelCase fields and int64 as numbers.
import type * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { decodeStrictUtf8 } from './strict-utf8-reader';

export const SERVICE_NAMES = ['sluice.v1.Data', 'sluice.v1.Groups', 'sluice.v1.Admin'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A grpc-js ServiceDefinition for `serviceName` whose codecs are the root's protobufjs types. */
export function serviceDefinition(root: protobuf.Root, serviceName: ServiceName | 'sluice.raft.v1.RaftTransport'): grpc.ServiceDefinition {
  const service = root.lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType!;
    const responseType = method.resolvedResponseType!;
    const methodName = method.name.charAt(0).toLowerCase() + method.name.slice(1);
    definition[methodName] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (value: unknown) => asBuffer(requestType.encode(value as protobuf.Message).finish()),
      // A server refuses invalid UTF-8 in a request's strings rather than decode it lossily.
      requestDeserialize: (bytes: Buffer) => decodeStrictUtf8(requestType, bytes),
      responseSerialize: (value: unknown) => asBuffer(responseType.encode(value as protobuf.Message).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.decode(bytes),
      originalName: methodName,
    };
  }
  return definition as grpc.ServiceDefinition;
}

/** protobufjs already returns a Buffer under Node; wrap without copying otherwise. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
