// The broker's only look inside a batch. Reads the producer facts and timestamps of the top-level
// fields, checks the framing and limits of every record (field 8, record-scan.ts) without decoding
// it into objects, or takes a compressed batch's record count from field 7, and rejects anything
// that is not a well-formed RecordBatch. One pass, no allocation per record.
import { Reader } from 'protobufjs';
import { isKnownCompression } from './compression';
import { checkRecord, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './record-scan';

export interface BatchSummary {
  readonly recordCount: number;
  readonly baseTimestampMs: number;
  readonly maxTimestampMs: number;
  /** 0 when the producer is not idempotent. */
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly compression: number;
}

export type BatchScan = { readonly ok: true; readonly summary: BatchSummary } | { readonly ok: false; readonly reason: string };

const FIELD_BASE_TIMESTAMP = 1;
const FIELD_MAX_TIMESTAMP = 2;
const FIELD_PRODUCER_ID = 3;
const FIELD_PRODUCER_EPOCH = 4;
const FIELD_BASE_SEQUENCE = 5;
const FIELD_COMPRESSION = 6;
const FIELD_RECORD_COUNT = 7;
const FIELD_RECORDS = 8;
const FIELD_COMPRESSED_RECORDS = 9;

/**
 * The most records a compressed batch may claim. The broker assigns offsets by record_count
 * without decompressing; uncapped, one small batch could claim billions of offsets. (An
 * uncompressed batch is bounded by its size: every record takes at least two bytes.)
 */
export const MAX_COMPRESSED_RECORD_COUNT = 1 << 20;

/**
 * The ranges of the header fields, set by what the storage entry header and the Raft entry prefix
 * hold (src/storage/entry-format.ts): producer_epoch in an int16, base_sequence and the batch's
 * last sequence in an int32, producer_id and timestamps in a float64 (exact below 2^53). Kafka
 * uses the same widths; -1 is its "none" for the epoch and sequence of a non-idempotent batch.
 */
export const HEADER_RANGES = {
  producerId: [0, Number.MAX_SAFE_INTEGER],
  idempotentProducerEpoch: [0, 0x7fff],
  producerEpoch: [-1, 0x7fff],
  idempotentSequence: [0, 0x7fffffff],
  sequence: [-1, 0x7fffffff],
  timestampMs: [0, Number.MAX_SAFE_INTEGER],
} as const satisfies Record<string, readonly [number, number]>;

/** The first header field out of its range, as a message naming field, value and range. */
function checkHeaderRanges(s: BatchSummary): string | undefined {
  const idempotent = s.producerId > 0;
  const outside = (name: string, value: number, [lo, hi]: readonly [number, number], hint: string): string | undefined =>
    Number.isSafeInteger(value) && value >= lo && value <= hi ? undefined : `${name} ${value} is out of range: use an integer in [${lo}, ${hi}]${hint}`;
  const lastSequence = s.baseSequence + s.recordCount - 1;
  return (
    outside('producer_id', s.producerId, HEADER_RANGES.producerId, ' (0 = not idempotent, else an id from InitProducer)') ??
    outside('producer_epoch', s.producerEpoch, idempotent ? HEADER_RANGES.idempotentProducerEpoch : HEADER_RANGES.producerEpoch, idempotent ? ' (the epoch from InitProducer)' : '') ??
    outside('base_sequence', s.baseSequence, idempotent ? HEADER_RANGES.idempotentSequence : HEADER_RANGES.sequence, '') ??
    (idempotent && lastSequence > HEADER_RANGES.idempotentSequence[1]
      ? `last sequence ${lastSequence} (base_sequence ${s.baseSequence} + ${s.recordCount} records - 1) is above ${HEADER_RANGES.idempotentSequence[1]}: call InitProducer for a new epoch and restart at sequence 0`
      : undefined) ??
    outside('base_timestamp_ms', s.baseTimestampMs, HEADER_RANGES.timestampMs, ' (ms since the Unix epoch)') ??
    outside('max_timestamp_ms', s.maxTimestampMs, HEADER_RANGES.timestampMs, ' (ms since the Unix epoch; 0 = the log-append time)')
  );
}

/** Scans an encoded sluice.v1.RecordBatch. Never throws. */
export function scanBatch(bytes: Uint8Array): BatchScan {
  const reader = Reader.create(bytes);
  let recordCount = 0;
  let baseTimestampMs = 0;
  let maxTimestampMs = 0;
  let producerId = 0;
  let producerEpoch = 0;
  let baseSequence = 0;
  let compression = 0;
  let declaredCount: number | undefined;
  let compressedBytes: number | undefined;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === FIELD_RECORDS) {
        if (wireType !== WIRE_LENGTH_DELIMITED) return invalid(`field ${field} (records) has wire type ${wireType}, expected 2`);
        const length = reader.uint32();
        const start = reader.pos;
        reader.skip(length);
        const problem = checkRecord(reader.buf, start, start + length, recordCount);
        if (problem !== undefined) return invalid(problem);
        recordCount++;
        continue;
      }
      switch (field) {
        case FIELD_BASE_TIMESTAMP: baseTimestampMs = expectInt64(reader, wireType, 'base_timestamp_ms'); break;
        case FIELD_MAX_TIMESTAMP: maxTimestampMs = expectInt64(reader, wireType, 'max_timestamp_ms'); break;
        case FIELD_PRODUCER_ID: producerId = expectInt64(reader, wireType, 'producer_id'); break;
        case FIELD_PRODUCER_EPOCH: producerEpoch = expectVarint(reader, wireType, 'producer_epoch', () => reader.int32()); break;
        case FIELD_BASE_SEQUENCE: baseSequence = expectVarint(reader, wireType, 'base_sequence', () => reader.int32()); break;
        case FIELD_COMPRESSION: compression = expectVarint(reader, wireType, 'compression', () => reader.int32()); break;
        case FIELD_RECORD_COUNT: declaredCount = expectVarint(reader, wireType, 'record_count', () => reader.uint32()); break;
        case FIELD_COMPRESSED_RECORDS: {
          if (wireType !== WIRE_LENGTH_DELIMITED) return invalid(`field ${field} (compressed_records) has wire type ${wireType}, expected 2`);
          compressedBytes = reader.uint32();
          reader.skip(compressedBytes);
          break;
        }
        default:
          skipUnknown(reader, wireType);
      }
    }
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error));
  }
  if (reader.pos !== reader.len) return invalid('the batch ends inside a field');
  if (compression === 0) {
    // Written explicitly at their default (0, empty) is the same as absent in proto3.
    if ((declaredCount ?? 0) !== 0 || (compressedBytes ?? 0) !== 0) return invalid('record_count and compressed_records are only for a compressed batch: set compression, or send the records in field 8');
    if (recordCount === 0) return invalid('the batch holds no records: send at least one');
  } else {
    if (!isKnownCompression(compression)) return invalid(`compression ${compression} is not supported: use NONE (0), GZIP (1), SNAPPY (2) or LZ4 (3)`);
    if (recordCount > 0) return invalid(`a batch compressed with codec ${compression} carries its records in compressed_records (field 9), not in records (field 8)`);
    if (compressedBytes === undefined || compressedBytes === 0) return invalid(`a batch compressed with codec ${compression} has no compressed_records (field 9)`);
    if (declaredCount === undefined || declaredCount === 0) return invalid(`a compressed batch must say how many records it holds in record_count (field 7), at least 1`);
    if (declaredCount > MAX_COMPRESSED_RECORD_COUNT) return invalid(`record_count ${declaredCount} is above the limit of ${MAX_COMPRESSED_RECORD_COUNT} records per compressed batch`);
    recordCount = declaredCount;
  }
  const outOfRange = checkHeaderRanges({ recordCount, baseTimestampMs, maxTimestampMs, producerId, producerEpoch, baseSequence, compression });
  if (outOfRange !== undefined) return invalid(outOfRange);
  return { ok: true, summary: { recordCount, baseTimestampMs, maxTimestampMs, producerId, producerEpoch, baseSequence, compression } };
}

function invalid(reason: string): BatchScan {
  return { ok: false, reason: `malformed RecordBatch: ${reason}` };
}

function expectVarint(reader: Reader, wireType: number, name: string, read: () => number): number {
  if (wireType !== WIRE_VARINT) {
    skipUnknown(reader, wireType);
    throw new Error(`field ${name} has wire type ${wireType}, expected a varint`);
  }
  return Number(read());
}

/**
 * An int64 field as a number. Every int64 header field is stored as a float64, so a value beyond
 * 2^53 is refused here, where its exact decimal form is still known.
 */
function expectInt64(reader: Reader, wireType: number, name: string): number {
  let exact = '';
  const value = expectVarint(reader, wireType, name, () => {
    const read = reader.int64();
    exact = String(read);
    return Number(read);
  });
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${name} ${exact} is out of range: use an integer in [0, ${Number.MAX_SAFE_INTEGER}]`);
  }
  return value;
}

function skipUnknown(reader: Reader, wireType: number): void {
  switch (wireType) {
    case WIRE_VARINT: reader.skip(); return;
    case WIRE_FIXED64: reader.skip(8); return;
    case WIRE_LENGTH_DELIMITED: reader.skip(reader.uint32()); return;
    case WIRE_FIXED32: reader.skip(4); return;
    default: throw new Error(`invalid wire type ${wireType} at byte ${reader.pos}`);
  }
}
