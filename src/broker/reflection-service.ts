// gRPC server reflection (v1 and v1alpha) describing the public services, grpc.health.v1 and
// reflection itself with the file descriptors protoc compiles from their protos: real file names
// and imports, snake_case fields with JSON names, maps as `…Entry` types, comments kept. Go's
// protobuf (grpcurl) and Python's refuse the single merged file proto-loader would give
// (docs/protocol-types.md). The set is made by scripts/gen-descriptor-set.sh and committed, so
// running a broker needs no protoc.
import type * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from 'protobufjs';
import { protoDir } from '../protocol/proto-root';

const DESCRIPTOR_SET = 'descriptor-set.binpb';
/** FileDescriptorSet.file (google/protobuf/descriptor.proto). */
const FILE_FIELD = 1;

/** Each serialized FileDescriptorProto of the committed set, as protoc wrote it (not re-encoded). */
export function servedFileDescriptors(): Buffer[] {
  const path = join(protoDir(), DESCRIPTOR_SET);
  const reader = Reader.create(readSet(path));
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === FILE_FIELD && (tag & 7) === 2) files.push(Buffer.from(reader.bytes()));
    else reader.skipType(tag & 7);
  }
  if (files.length === 0) throw new Error(`${path} holds no file descriptors: regenerate it with scripts/gen-descriptor-set.sh`);
  return files;
}

function readSet(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the descriptor set server reflection serves (${(error as Error).message}): it is committed as proto/${DESCRIPTOR_SET}; scripts/gen-descriptor-set.sh makes it`);
  }
}

/**
 * Adds both reflection versions to `server`. @grpc/reflection indexes the descriptors it finds in
 * each entry's `fileDescriptorProtos` and serves them as they are (checked byte for byte by
 * test/broker/reflection-descriptors.test.ts); every service of the set is listed.
 */
export function addReflectionService(server: Pick<grpc.Server, 'addService'>): void {
  const described = { fileDescriptorProtos: servedFileDescriptors() } as unknown as PackageDefinition[string];
  new ReflectionService({ [DESCRIPTOR_SET]: described }).addToServer(server);
}
