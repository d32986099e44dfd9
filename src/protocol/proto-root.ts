// Loads the public proto files with protobufjs, twice: the public view (typed records, as every
// client sees them) and the broker's view, in which each RecordBatch-typed field is `bytes`.
// Both encode identically on the wire (docs/architecture.md, "Request path"), so the broker
// receives and returns a batch as one buffer without decoding its records.
import * as protobuf from 'protobufjs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// int64 fields decode to JS numbers: offsets and timestamps stay below 2^53.
(protobuf.util as { Long: unknown }).Long = undefined;
protobuf.configure();

export const PROTO_FILES = [
  'sluice/v1/errors.proto',
  'sluice/v1/records.proto',
  'sluice/v1/data.proto',
  'sluice/v1/groups.proto',
  'sluice/v1/admin.proto',
] as const;

/** Directory holding `sluice/v1/*.proto`, found from the compiled or source location. */
export function protoDir(): string {
  for (const candidate of [resolve(__dirname, '../../../proto'), resolve(__dirname, '../../proto')]) {
    if (existsSync(join(candidate, 'sluice/v1/data.proto'))) return candidate;
  }
  throw new Error(`cannot find the proto/ directory near ${__dirname}`);
}

/** Message fields whose type is RecordBatch, which the broker reads as bytes. */
const BATCH_FIELDS: readonly [string, string][] = [
  ['sluice.v1.ProducePartition', 'batch'],
  ['sluice.v1.FetchedBatch', 'batch'],
];

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  const dir = protoDir();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(dir, target));
  root.loadSync([...PROTO_FILES], { keepCase: false });
  root.resolveAll();
  return root;
}

let publicRoot: protobuf.Root | undefined;
let brokerRoot: protobuf.Root | undefined;

let raftRoot: protobuf.Root | undefined;

/** The internal broker-to-broker Raft transport (proto/sluice/raft/v1/transport.proto). */
export function raftProtoRoot(): protobuf.Root {
  if (raftRoot) return raftRoot;
  const root = new protobuf.Root();
  const dir = protoDir();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(dir, target));
  root.loadSync(['sluice/raft/v1/transport.proto'], { keepCase: false });
  root.resolveAll();
  raftRoot = root;
  return root;
}

/** The proto as clients see it: RecordBatch fields are typed messages. */
export function publicProtoRoot(): protobuf.Root {
  publicRoot ??= loadRoot();
  return publicRoot;
}

/** The broker's view: RecordBatch fields are `bytes`, so batches stay opaque buffers. */
export function brokerProtoRoot(): protobuf.Root {
  if (brokerRoot) return brokerRoot;
  const root = loadRoot();
  for (const [typeName, fieldName] of BATCH_FIELDS) {
    const type = root.lookupType(typeName);
    const old = type.fields[fieldName];
    if (!old) throw new Error(`${typeName}.${fieldName} is missing from the proto`);
    type.remove(old);
    type.add(new protobuf.Field(fieldName, old.id, 'bytes'));
  }
  root.resolveAll();
  brokerRoot = root;
  return root;
}
