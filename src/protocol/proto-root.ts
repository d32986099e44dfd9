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

/**
 * Makes every message `root` decodes carry each field's default value as an own property.
 * protobufjs alone leaves a field that was absent from the wire on the message's prototype:
 * reading it works, but a spread or Object.keys loses it, and a proto3 client in any language
 * leaves fields at their default off the wire (Subscribe once spread its partitions and lost
 * partition 0 and offset 0). With own defaults a decoded message is a complete object, as the
 * generated types in src/protocol/generated say it is (docs/protocol-types.md).
 * Only decoding changes: a message built by create() or fromObject() still holds only what it
 * was given, so encoding it writes no default value explicitly (the broker's batch scanner
 * refuses a batch that names record_count without compression, even as 0).
 * Bytes fields default to an empty Buffer (protobufjs uses an empty array), as the types say.
 * Oneof members stay absent: their presence is their meaning (the protos have none today).
 */
function giveDecodedDefaultsAsOwnProperties(root: protobuf.Root): void {
  for (const type of messageTypes(root)) {
    const defaults: unknown[] = [];
    // Generated, as protobufjs generates its own decoders: one test per field, no loop.
    const gen = protobuf.util.codegen(['r', 'l'], `${type.name}$decodeWithDefaults`)('var m=decode.call(this,r,l)');
    for (const field of type.fieldsArray) {
      field.resolve();
      if (field.map || field.repeated || field.partOf) continue; // maps and lists are own already
      gen('if(!has.call(m,%j))m%s=d[%i]', field.name, protobuf.util.safeProp(field.name), defaults.length);
      defaults.push(field.type === 'bytes' ? EMPTY_BYTES : field.defaultValue);
    }
    if (defaults.length === 0) continue;
    // setup() generates the type's decoder as an own property; nested messages are decoded by
    // their own type's decode, so wrapping each type's covers every level.
    type.setup();
    const scope = { decode: type.decode, has: Object.prototype.hasOwnProperty, d: defaults };
    type.decode = (gen('return m') as (scope: object) => typeof type.decode)(scope);
  }
}

/** Shared by every absent bytes field: a zero-length Buffer cannot be changed. */
const EMPTY_BYTES = Buffer.alloc(0);

function messageTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.flatMap((nested) => {
    const inner = nested instanceof protobuf.Type || nested instanceof protobuf.Namespace ? messageTypes(nested) : [];
    return nested instanceof protobuf.Type ? [nested, ...inner] : inner;
  });
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
  if (publicRoot) return publicRoot;
  const root = loadRoot();
  giveDecodedDefaultsAsOwnProperties(root);
  publicRoot = root;
  return root;
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
  giveDecodedDefaultsAsOwnProperties(root);
  brokerRoot = root;
  return root;
}
