// A server reflection client as generic tools are (grpcurl, evans, Postman): it asks over
// grpc.reflection.v1 or v1alpha and gets serialized FileDescriptorProtos back.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { FileDescriptorProto, type IFileDescriptorProto } from 'protobufjs/ext/descriptor';

export type ReflectionVersion = 'v1' | 'v1alpha';

/** One request of the ServerReflectionInfo stream (field names as in reflection.proto). */
export type ReflectionRequest = { list_services: string } | { file_by_filename: string } | { file_containing_symbol: string };

export interface ReflectionResponse {
  readonly list_services_response?: { service: { name: string }[] };
  readonly file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  readonly error_response?: { error_code: number; error_message: string };
}

/** Asks each request in turn on one stream; the answers in the same order. */
export async function askReflection(address: string, version: ReflectionVersion, requests: readonly ReflectionRequest[]): Promise<ReflectionResponse[]> {
  const path = require.resolve(`@grpc/reflection/build/proto/grpc/reflection/${version}/reflection.proto`);
  const proto = grpc.loadPackageDefinition(protoLoader.loadSync(path, { keepCase: true })) as any;
  const client: grpc.Client = new proto.grpc.reflection[version].ServerReflection(address, grpc.credentials.createInsecure());
  try {
    const call = (client as any).ServerReflectionInfo() as grpc.ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
    const answers: ReflectionResponse[] = [];
    return await new Promise<ReflectionResponse[]>((resolve, reject) => {
      call.on('data', (answer: ReflectionResponse) => answers.push(answer));
      call.on('error', reject);
      call.on('end', () => resolve(answers));
      for (const request of requests) call.write(request);
      call.end();
    });
  } finally {
    client.close();
  }
}

/** A served file, decoded (protobufjs names its properties in camelCase: `jsonName`, `mapEntry`). */
export function decodeFile(bytes: Uint8Array): IFileDescriptorProto & { name: string; dependency: string[] } {
  const file = FileDescriptorProto.decode(bytes) as unknown as IFileDescriptorProto;
  return { ...file, name: file.name ?? '', dependency: (file.dependency as string[] | undefined) ?? [] };
}

/** The files of one file_descriptor_response, by name, in the order served; throws on an error_response. */
export function filesOf(response: ReflectionResponse): Map<string, Buffer> {
  if (response.error_response) throw new Error(`reflection answered error ${response.error_response.error_code}: ${response.error_response.error_message}`);
  if (!response.file_descriptor_response) throw new Error(`reflection answered no file descriptors: ${JSON.stringify(response)}`);
  return new Map(response.file_descriptor_response.file_descriptor_proto.map((bytes) => [decodeFile(bytes).name, bytes]));
}

export interface ServedDescriptors {
  readonly services: string[];
  /** Every file the listed services need, by name, as served. */
  readonly files: Map<string, Buffer>;
}

/**
 * Everything a client can learn: the listed services, the file of each (file_containing_symbol)
 * and every file those import (file_by_filename), as a tool that resolves the imports itself would.
 */
export async function fetchServedDescriptors(address: string, version: ReflectionVersion): Promise<ServedDescriptors> {
  const [list] = await askReflection(address, version, [{ list_services: '*' }]);
  const services = (list?.list_services_response?.service ?? []).map((s) => s.name);
  const files = new Map<string, Buffer>();
  const answers = await askReflection(address, version, services.map((name) => ({ file_containing_symbol: name })));
  for (const answer of answers) for (const [name, bytes] of filesOf(answer)) files.set(name, bytes);
  for (;;) {
    const missing = [...files.values()].flatMap((bytes) => decodeFile(bytes).dependency).filter((name) => !files.has(name));
    if (missing.length === 0) return { services, files };
    for (const answer of await askReflection(address, version, [...new Set(missing)].map((name) => ({ file_by_filename: name })))) {
      for (const [name, bytes] of filesOf(answer)) files.set(name, bytes);
    }
  }
}
