// Structure-aware request bodies: walks a protobufjs message type and writes every field with a
// value drawn from pools of valid and extreme values (0, -1, int32/uint32/int64 limits, huge
// and invalid-UTF-8 strings, names of real topics, 10,000 repeated elements that duplicate one
// another), sometimes with a wrong wire type, a repeated scalar, or an unknown field number.
import * as protobuf from 'protobufjs';
import type { FuzzRandom } from './fuzz-random';
import { WIRE, WireWriter, zigzag, type WireType } from './wire-writer';

export interface GeneratorContext {
  /** Topics the fuzzer may name anywhere (created by it, or not existing). */
  readonly topics: readonly string[];
  /** The canary topic: named only in requests that cannot legitimately change it. */
  readonly canaryTopic: string;
  /** The cluster id of the target, so that some Raft batches get past the first check. */
  readonly clusterId: string;
  /** Broker ids of the target. */
  readonly brokerIds: readonly number[];
  /**
   * Valid topic names are at most this long (the broker accepts 249). A run may stay below a
   * length with a known open bug (issue 28 part B: names of 245-249 characters cannot be
   * deleted and block the next start) to see past it.
   */
  readonly maxTopicNameChars: number;
}

export interface GenerateOptions {
  /** True when the canary topic may be named (the method cannot delete or move data). */
  readonly canaryAllowed: boolean;
}

const MAX_DEPTH = 5;
const HUGE_STRING_BYTES = 1024 * 1024;
/** Bound on the bytes of one repeated field (10,000 elements of a large element are cut to this). */
const MAX_REPEATED_BYTES = 4 * 1024 * 1024;

const INT_EXTREMES: readonly bigint[] = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 32767n, 32768n, -32769n, 65535n];
const PARTITION_VALUES: readonly bigint[] = [0n, 0n, 1n, 2n, 3n, 1023n, 1024n, 2n ** 31n - 1n, 2n ** 32n - 1n];
const COUNT_VALUES: readonly (readonly [bigint, number])[] = [[1n, 10], [2n, 5], [3n, 5], [0n, 3], [8n, 2], [1024n, 0.3], [1025n, 1], [100_000n, 1], [2n ** 32n - 1n, 1]];
const DURATION_VALUES: readonly bigint[] = [0n, 1n, 100n, 1000n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n];
const SIZE_VALUES: readonly bigint[] = [0n, 1n, 100n, 1024n, 1n << 20n, 64n << 20n, 2n ** 31n, 2n ** 32n - 1n];
const OFFSET_VALUES: readonly bigint[] = [0n, 1n, 2n, 5n, -1n, -2n, -3n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n), 1_700_000_000_000n];
const CONFIG_NAMES = ['retention.ms', 'retention.bytes', 'segment.bytes', 'segment.ms', 'cleanup.policy', 'max.message.bytes', 'min.insync.replicas', 'compression.type', 'message.timestamp.type', 'no.such.config'];
const CONFIG_VALUES = ['-1', '0', '1', '1000', '9223372036854775808', '1e309', 'NaN', 'compact', 'delete', 'lz4', 'x', ''];

/** Strings every string field may get: empty, control bytes, separators, extreme lengths. */
function oddString(random: FuzzRandom): Buffer {
  return random.weighted<() => Buffer>([
    [() => Buffer.alloc(0), 3],
    [() => Buffer.from('a'.repeat(random.pick([249, 250, 255, 256, 1000, 8192]))), 2],
    [() => Buffer.from('x'.repeat(HUGE_STRING_BYTES)), 0.15],
    [() => Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), 2], // invalid UTF-8
    [() => Buffer.from(random.pick(['.', '..', '../x', 'a/b', 'a\0b', '__consumer_offsets', 'CON', 'tôpic', '😀', 'a b', '-', '~deleting', 'a~reset'])), 3],
    [() => random.bytes(random.int(64)), 2],
  ])();
}

export class MessageGenerator {
  constructor(private readonly context: GeneratorContext) {}

  /** One encoded message of `type`. */
  generate(type: protobuf.Type, random: FuzzRandom, options: GenerateOptions): Buffer {
    return this.message(type, random, options, 0);
  }

  private message(type: protobuf.Type, random: FuzzRandom, options: GenerateOptions, depth: number): Buffer {
    const writer = new WireWriter();
    const oneofChosen = new Map<string, string>();
    for (const oneof of type.oneofsArray) oneofChosen.set(oneof.name, random.pick(oneof.fieldsArray).name);
    for (const field of type.fieldsArray) {
      field.resolve();
      const oneof = field.partOf;
      // One member of a oneof, now and then two (the last one on the wire wins).
      if (oneof && oneofChosen.get(oneof.name) !== field.name && !random.chance(0.05)) continue;
      if (!random.chance(depth === 0 ? 0.9 : 0.8)) continue;
      this.field(writer, field, random, options, depth);
    }
    if (random.chance(0.03)) writer.tag(1000 + random.int(1000), random.pick([WIRE.varint, WIRE.fixed32] as WireType[])).varint(0n);
    return writer.finish();
  }

  private field(writer: WireWriter, field: protobuf.Field, random: FuzzRandom, options: GenerateOptions, depth: number): void {
    if (field instanceof protobuf.MapField) {
      const entries = depth < MAX_DEPTH ? random.weighted([[0, 2], [1, 4], [3, 2], [200, 0.2]] as const) : 0;
      for (let i = 0; i < entries; i++) {
        const entry = new WireWriter();
        entry.tag(1, WIRE.bytes).lengthDelimited(this.stringFor('key', random, options));
        entry.tag(2, WIRE.bytes).lengthDelimited(this.stringFor('value', random, options));
        writer.tag(field.id, WIRE.bytes).lengthDelimited(entry.finish());
      }
      return;
    }
    const count = field.repeated ? this.repeatCount(random, depth) : random.chance(0.03) ? 2 : 1;
    if (count === 0) return;
    if (field.repeated && field.resolvedType === null && field.type !== 'string' && field.type !== 'bytes' && random.chance(0.5)) {
      // Packed encoding (proto3's default for repeated scalars).
      const packed = new WireWriter();
      for (let i = 0; i < count; i++) this.scalar(packed, field, random);
      writer.tag(field.id, WIRE.bytes).lengthDelimited(packed.finish());
      return;
    }
    // Above a few elements, one element is repeated: cheap to build, and it duplicates itself;
    // the repetition stops at MAX_REPEATED_BYTES so that no body outgrows the fuzzer's memory.
    let element = this.element(field, random, options, depth);
    const limit = count <= 3 ? count : Math.max(1, Math.min(count, Math.floor(MAX_REPEATED_BYTES / Math.max(1, element.length))));
    for (let i = 0; i < limit; i++) {
      if (i > 0 && count <= 3) element = this.element(field, random, options, depth);
      writer.raw(element);
    }
  }

  /** One element of `field`, tag included. */
  private element(field: protobuf.Field, random: FuzzRandom, options: GenerateOptions, depth: number): Buffer {
    const w = new WireWriter();
    if (random.chance(0.02)) {
      // A wrong wire type for this field.
      const wrong = random.pick([WIRE.varint, WIRE.fixed64, WIRE.bytes, WIRE.fixed32, WIRE.startGroup] as WireType[]);
      w.tag(field.id, wrong);
      if (wrong === WIRE.varint) w.varint(random.pick(INT_EXTREMES));
      else if (wrong === WIRE.fixed64) w.fixed64(2n ** 63n);
      else if (wrong === WIRE.fixed32) w.fixed32(0xffffffff);
      else if (wrong === WIRE.bytes) w.lengthDelimited(random.bytes(random.int(16)));
      return w.finish();
    }
    if (field.resolvedType instanceof protobuf.Type) {
      const body = depth < MAX_DEPTH ? this.message(field.resolvedType, random, options, depth + 1) : Buffer.alloc(0);
      return w.tag(field.id, WIRE.bytes).lengthDelimited(body).finish();
    }
    if (field.type === 'string' || field.type === 'bytes') {
      const value = field.type === 'string' ? this.stringFor(field.name, random, options) : this.bytesValue(random);
      return w.tag(field.id, WIRE.bytes).lengthDelimited(value).finish();
    }
    w.tag(field.id, wireTypeOf(field.type));
    this.scalar(w, field, random);
    return w.finish();
  }

  private repeatCount(random: FuzzRandom, depth: number): number {
    return random.weighted([[0, 2], [1, 6], [2, 3], [3, 2], [50, depth < 3 ? 0.5 : 0], [10_000, depth < 3 ? 0.12 : 0]] as const);
  }

  /** A scalar's value, without its tag. */
  private scalar(writer: WireWriter, field: protobuf.Field, random: FuzzRandom): void {
    const value = this.integerFor(field, random);
    switch (field.type) {
      case 'sint32':
      case 'sint64':
        writer.varint(zigzag(value));
        return;
      case 'fixed32':
      case 'sfixed32':
        writer.fixed32(Number(value & 0xffffffffn));
        return;
      case 'float': {
        const b = Buffer.alloc(4);
        b.writeFloatLE(random.pick([0, -0, NaN, Infinity, -1, 3.4e38]));
        writer.raw(b);
        return;
      }
      case 'double': {
        const b = Buffer.alloc(8);
        b.writeDoubleLE(random.pick([0, -0, NaN, Infinity, -Infinity, -1, 1.7976931348623157e308]));
        writer.raw(b);
        return;
      }
      case 'fixed64':
      case 'sfixed64':
        writer.fixed64(value);
        return;
      default:
        writer.varint(value);
    }
  }

  private integerFor(field: protobuf.Field, random: FuzzRandom): bigint {
    if (random.chance(0.2)) return random.pick(INT_EXTREMES);
    const name = field.name.toLowerCase();
    if (field.resolvedType instanceof protobuf.Enum) {
      const values = Object.values(field.resolvedType.values);
      return random.chance(0.8) ? BigInt(random.pick(values)) : random.pick([-1n, 99n, 2n ** 31n - 1n]);
    }
    if (field.type === 'bool') return random.pick([0n, 1n, 1n, 2n]);
    if (name === 'partition') return random.pick(PARTITION_VALUES);
    if (name === 'partitions' || name === 'replicationfactor' || name === 'count') return random.weighted(COUNT_VALUES);
    if (name.endsWith('ms') && !name.includes('timestamp')) return random.pick(DURATION_VALUES);
    if (name.includes('bytes')) return random.pick(SIZE_VALUES);
    if (name.includes('offset') || name.includes('timestamp') || name.includes('index') || name === 'term' || name === 'commit') return random.pick(OFFSET_VALUES);
    if (name.includes('broker') || name === 'from' || name === 'to' || name.includes('voter') || name.includes('learner') || name.includes('replica')) {
      return random.chance(0.7) ? BigInt(random.pick(this.context.brokerIds)) : random.pick([0n, 99n, 2n ** 32n - 1n]);
    }
    if (name.includes('epoch')) return random.pick([0n, 1n, 32767n, 32768n, 65535n, 65536n, 2n ** 31n - 1n, -1n]);
    if (name.includes('sequence') || name.includes('producerid')) return random.pick([0n, 1n, -1n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 63n - 1n]);
    return BigInt(random.int(5));
  }

  private stringFor(fieldName: string, random: FuzzRandom, options: GenerateOptions): Buffer {
    const name = fieldName.toLowerCase();
    const topicField = name === 'name' || name === 'names' || name === 'topic' || name === 'topics';
    if (random.chance(0.15)) {
      const odd = oddString(random);
      const max = this.context.maxTopicNameChars;
      return topicField && odd.length > max && odd.length <= 249 ? odd.subarray(0, max) : odd;
    }
    if (topicField) {
      const pool = options.canaryAllowed && random.chance(0.4) ? [this.context.canaryTopic] : this.context.topics;
      return Buffer.from(random.pick(pool));
    }
    if (name === 'clusterid') return Buffer.from(random.pick([this.context.clusterId, this.context.clusterId, 'other-cluster', '']));
    if (name === 'groupid' && random.chance(0.5)) return Buffer.from(`fuzz-nonexistent-${random.int(4)}/${random.int(4)}`);
    if (name === 'group' || name === 'groupid') return Buffer.from(random.pick(['g0', 'g1', 'fuzz-group']));
    if (name === 'key') return Buffer.from(random.pick(CONFIG_NAMES));
    if (name === 'value') return Buffer.from(random.pick(CONFIG_VALUES));
    if (name === 'service') return Buffer.from(random.pick(['', 'sluice.v1.Data', 'sluice.v1.Admin', 'grpc.health.v1.Health', 'no.such.Service']));
    if (name.includes('symbol') || name.includes('filename') || name.includes('containing')) {
      return Buffer.from(random.pick(['sluice.v1.Data', 'sluice.v1.ProduceRequest', 'sluice/v1/data.proto', 'grpc.health.v1.Health', 'nope', '']));
    }
    if (name.includes('host') || name.includes('address')) return Buffer.from(random.pick(['127.0.0.1:1', '', 'localhost:99999', '[::1]:0']));
    return random.bytes(random.int(32));
  }

  private bytesValue(random: FuzzRandom): Buffer {
    return random.weighted<() => Buffer>([
      [() => Buffer.alloc(0), 2],
      [() => random.bytes(random.int(64)), 5],
      [() => random.bytes(4096), 1],
      [() => Buffer.alloc(HUGE_STRING_BYTES, 0x61), 0.1],
    ])();
  }
}

function wireTypeOf(type: string): WireType {
  switch (type) {
    case 'fixed32':
    case 'sfixed32':
    case 'float':
      return WIRE.fixed32;
    case 'fixed64':
    case 'sfixed64':
    case 'double':
      return WIRE.fixed64;
    default:
      return WIRE.varint;
  }
}
