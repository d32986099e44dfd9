// Loads the public proto files with protobufjs, twice: the public view (typed records, as every
// client sees them) and the broker's view, in which each RecordBatch-typed field is `bytes`.
// Both encode identically on the wire (DESIGN §4), so the broker receives and returns a batch as
// one buffer without decoding its records.
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
 * Gives every message of `root` a constructor that sets each field's default value as an own
 * property. protobufjs alone leaves a field that was absent from the wire on the message's
 * prototype: reading it works, but a spread or Object.keys loses it, and a proto3 client in any
 * language leaves fields at their default off the wire (Subscribe once spread its partitions and
 * lost partition 0 and offset 0). With own defaults a decoded message is a complete object, as
 * the generated types in src/protocol/generated say it is (docs/protocol-types.md).
 * Bytes fields default to an empty Buffer (protobufjs uses an empty array), as the types say.
 * Oneof members stay absent: their presence is their meaning (the protos have none today).
 * Messages built by create() or fromObject() get the defaults too: encoding one writes default
 * values explicitly, which every proto3 decoder reads as if they were absent.
 */
function giveDefaultsAsOwnProperties(root: protobuf.Root): void {
  for (const type of messageTypes(root)) {
    const defaults: Record<string, unknown> = {};
    const gen = protobuf.util.codegen(['p'], type.name);
    for (const field of type.fieldsArray) {
      field.resolve();
      const property = protobuf.util.safeProp(field.name);
      if (field.map) gen('this%s={}', property);
      else if (field.repeated) gen('this%s=[]', property);
      else if (!field.partOf) {
        defaults[field.name] = field.type === 'bytes' ? EMPTY_BYTES : field.defaultValue;
        gen('this%s=d%s', property, property);
      }
    }
    // From here as protobufjs's own generated constructor: copy the given properties.
    gen('if(p)for(var ks=Object.keys(p),i=0;i<ks.length;++i)if(p[ks[i]]!=null&&ks[i]!=="__proto__")')('this[ks[i]]=p[ks[i]]');
    type.ctor = (gen as (scope: object) => Function)({ d: defaults }) as protobuf.Constructor<object>;
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
  giveDefaultsAsOwnProperties(root);
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
  giveDefaultsAsOwnProperties(root);
  brokerRoot = root;
  return root;
}
