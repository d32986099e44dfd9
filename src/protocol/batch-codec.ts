// The record-batch codec: encodes records into an encoded `sluice.v1.RecordBatch` and decodes one
// back, by hand, with no intermediate objects per record. Wire-compatible with the proto in
// proto/sluice/v1/records.proto (a protobufjs round trip gives the same records), and fast: one
// size pass and one write pass into a single Buffer on encode; Buffer views (no copies) for keys
// and values on decode.
//
// Null versus empty: a null key or value is left out of the encoding; an empty one is written as
// a zero-length field, so this codec tells them apart (a tombstone is a null value). Decoders that
// follow proto3 presence rules (protobufjs, most languages) see both as empty.
import type { BatchSummary } from './batch-scan';
import { compress, Compression, decompress } from './compression';

/** Key, value or header value as accepted by the encoder; strings are written as UTF-8. */
export type BytesInput = Uint8Array | string;

/** One record to encode. `timestamp` defaults to the batch's `defaultTimestampMs`. */
export interface RecordInput {
  readonly key?: BytesInput | null;
  readonly value: BytesInput | null;
  readonly headers?: Readonly<Record<string, BytesInput>>;
  readonly timestamp?: number;
}

/** Producer facts written into the batch; all 0 for a non-idempotent producer. */
export interface BatchEncodeOptions {
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  /** Timestamp of records that have none (ms since epoch); default Date.now(). */
  readonly defaultTimestampMs?: number;
  /** A codec from compression.ts; default NONE. */
  readonly compression?: number;
}

/** A decoded record. `key` and `value` are views into the batch buffer (not copies); null when absent. */
export interface DecodedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header values are views into the batch buffer. Shared and frozen when the record has none. */
  readonly headers: Readonly<Record<string, Buffer>>;
}

/**
 * Builds the object for one decoded record, so that a caller wanting more fields (a consumer's
 * topic and partition) gets one object per record instead of a decoded one and its copy.
 */
export type RecordFactory<T extends DecodedRecord> = (
  offset: number, timestamp: number, key: Buffer | null, value: Buffer | null, headers: Readonly<Record<string, Buffer>>,
) => T;

const plainRecord: RecordFactory<DecodedRecord> = (offset, timestamp, key, value, headers) => ({ offset, timestamp, key, value, headers });

/** The batch's top-level facts (the same the broker's scanner reads), plus its records. */
export interface DecodedBatch<T extends DecodedRecord = DecodedRecord> extends Omit<BatchSummary, 'recordCount'> {
  /** Records at offsets >= the requested `fromOffset`, in order. */
  readonly records: T[];
  /** Records in the batch, including any skipped below `fromOffset`. */
  readonly recordCount: number;
}

const EMPTY_HEADERS: Readonly<Record<string, Buffer>> = Object.freeze({});
const EMPTY_BUFFER = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------
// Encoding

/** Per-record scratch: [keyLength, valueLength, recordBodyLength] (-1 = absent). Grows on demand. */
let scratch = new Int32Array(3 * 1024);

/**
 * Encodes `records` (at least one) as a sluice.v1.RecordBatch. The base timestamp is the smallest
 * record timestamp, so every delta is >= 0. Returns a fresh Buffer owned by the caller.
 */
export function encodeBatch(records: readonly RecordInput[], options: BatchEncodeOptions = {}): Buffer {
  const count = records.length;
  if (count === 0) throw new RangeError('encodeBatch needs at least one record');
  const defaultTs = options.defaultTimestampMs ?? Date.now();
  if (scratch.length < count * 3) scratch = new Int32Array(Math.max(count * 3, scratch.length * 2));
  const sizes = scratch;

  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let i = 0; i < count; i++) {
    const ts = records[i]!.timestamp ?? defaultTs;
    if (ts < minTs) minTs = ts;
    if (ts > maxTs) maxTs = ts;
  }

  const producerId = options.producerId ?? 0;
  const producerEpoch = options.producerEpoch ?? 0;
  const baseSequence = options.baseSequence ?? 0;
  let total = 1 + int64Size(minTs) + 1 + int64Size(maxTs);
  if (producerId !== 0) total += 1 + int64Size(producerId);
  if (producerEpoch !== 0) total += 1 + int64Size(producerEpoch);
  if (baseSequence !== 0) total += 1 + int64Size(baseSequence);

  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const delta = (record.timestamp ?? defaultTs) - minTs;
    let body = delta === 0 ? 0 : 1 + int64Size(delta);
    const key = record.key;
    let keyLength = -1;
    if (key !== null && key !== undefined) {
      keyLength = typeof key === 'string' ? Buffer.byteLength(key) : key.length;
      body += 1 + uint32Size(keyLength) + keyLength;
    }
    const value = record.value;
    let valueLength = -1;
    if (value !== null && value !== undefined) {
      valueLength = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
      body += 1 + uint32Size(valueLength) + valueLength;
    }
    if (record.headers !== undefined) body += headersSize(record.headers);
    const j = i * 3;
    sizes[j] = keyLength;
    sizes[j + 1] = valueLength;
    sizes[j + 2] = body;
    total += 1 + uint32Size(body) + body;
  }

  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  out[pos++] = 0x08;
  pos = writeInt64(out, pos, minTs);
  out[pos++] = 0x10;
  pos = writeInt64(out, pos, maxTs);
  if (producerId !== 0) { out[pos++] = 0x18; pos = writeInt64(out, pos, producerId); }
  if (producerEpoch !== 0) { out[pos++] = 0x20; pos = writeInt64(out, pos, producerEpoch); }
  if (baseSequence !== 0) { out[pos++] = 0x28; pos = writeInt64(out, pos, baseSequence); }
  const recordsStart = pos;

  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const j = i * 3;
    out[pos++] = 0x42; // field 8, length-delimited
    pos = writeUint32(out, pos, sizes[j + 2]!);
    const delta = (record.timestamp ?? defaultTs) - minTs;
    if (delta !== 0) { out[pos++] = 0x08; pos = writeInt64(out, pos, delta); }
    const keyLength = sizes[j]!;
    if (keyLength >= 0) {
      out[pos++] = 0x12;
      pos = writeUint32(out, pos, keyLength);
      pos = writeBytes(out, pos, record.key!, keyLength);
    }
    const valueLength = sizes[j + 1]!;
    if (valueLength >= 0) {
      out[pos++] = 0x1a;
      pos = writeUint32(out, pos, valueLength);
      pos = writeBytes(out, pos, record.value!, valueLength);
    }
    if (record.headers !== undefined) pos = writeHeaders(out, pos, record.headers);
  }
  if (pos !== total) throw new Error(`batch-codec invariant: wrote ${pos} bytes, sized ${total}`);
  const codec = options.compression ?? Compression.NONE;
  return codec === Compression.NONE ? out : compressRecords(out, recordsStart, count, codec);
}

/** The batch `plain` (records from `recordsStart` on) with its records compressed: fields 6, 7 and 9. */
function compressRecords(plain: Buffer, recordsStart: number, count: number, codec: number): Buffer {
  const compressed = compress(codec, plain.subarray(recordsStart));
  const out = Buffer.allocUnsafe(recordsStart + 1 + uint32Size(codec) + 1 + uint32Size(count) + 1 + uint32Size(compressed.length) + compressed.length);
  let pos = plain.copy(out, 0, 0, recordsStart);
  out[pos++] = 0x30; // field 6, compression
  pos = writeUint32(out, pos, codec);
  out[pos++] = 0x38; // field 7, record_count
  pos = writeUint32(out, pos, count);
  out[pos++] = 0x4a; // field 9, compressed_records
  pos = writeUint32(out, pos, compressed.length);
  compressed.copy(out, pos);
  return out;
}

function headerSize(key: string, value: BytesInput): number {
  const keyLength = Buffer.byteLength(key);
  const valueLength = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  let body = 0;
  if (keyLength > 0) body += 1 + uint32Size(keyLength) + keyLength;
  if (valueLength > 0) body += 1 + uint32Size(valueLength) + valueLength;
  return body;
}

function headersSize(headers: Readonly<Record<string, BytesInput>>): number {
  let size = 0;
  for (const key in headers) {
    const body = headerSize(key, headers[key]!);
    size += 1 + uint32Size(body) + body;
  }
  return size;
}

function writeHeaders(out: Buffer, pos: number, headers: Readonly<Record<string, BytesInput>>): number {
  for (const key in headers) {
    const value = headers[key]!;
    out[pos++] = 0x22; // field 4, length-delimited
    pos = writeUint32(out, pos, headerSize(key, value));
    const keyLength = Buffer.byteLength(key);
    if (keyLength > 0) {
      out[pos++] = 0x0a;
      pos = writeUint32(out, pos, keyLength);
      pos += out.write(key, pos, keyLength, 'utf8');
    }
    const valueLength = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    if (valueLength > 0) {
      out[pos++] = 0x12;
      pos = writeUint32(out, pos, valueLength);
      pos = writeBytes(out, pos, value, valueLength);
    }
  }
  return pos;
}

function writeBytes(out: Buffer, pos: number, data: BytesInput, length: number): number {
  if (typeof data === 'string') out.write(data, pos, length, 'utf8');
  else out.set(data, pos);
  return pos + length;
}

/** Size of `value` (an unsigned 32-bit integer) as a varint. */
function uint32Size(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Size of an integer `value` (|value| < 2^53) as an int64 varint; negatives take 10 bytes. */
function int64Size(value: number): number {
  if (value < 0) return 10;
  if (value < 0x10000000) return uint32Size(value);
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) { size++; rest = Math.floor(rest / 128); }
  return size;
}

function writeUint32(out: Buffer, pos: number, value: number): number {
  while (value > 0x7f) {
    out[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[pos++] = value;
  return pos;
}

function writeInt64(out: Buffer, pos: number, value: number): number {
  if (value >= 0 && value <= 0x7fffffff) return writeUint32(out, pos, value);
  if (value >= 0) {
    while (value > 0x7f) {
      out[pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    out[pos++] = value;
    return pos;
  }
  // Two's complement over 64 bits, ten bytes.
  let lo = value >>> 0;
  let hi = Math.floor(value / 4294967296) >>> 0;
  for (let i = 0; i < 9; i++) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  out[pos++] = lo & 0x01;
  return pos;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Thrown when bytes are not a well-formed RecordBatch. */
export class MalformedBatchError extends Error {
  constructor(reason: string) {
    super(`malformed RecordBatch: ${reason}`);
    this.name = 'MalformedBatchError';
  }
}

// Decoder cursor; decoding is synchronous so one module-level cursor is safe.
let buf: Buffer = EMPTY_BUFFER;
let pos = 0;

/**
 * Decodes an encoded RecordBatch whose first record has offset `baseOffset` (from the
 * FetchedBatch envelope). Records below `fromOffset` are counted but not materialised.
 * Returned keys, values and header values are views into `bytes`; the caller must not reuse
 * `bytes` while they are in use. Throws MalformedBatchError.
 */
export function decodeBatch(bytes: Uint8Array, baseOffset: number, fromOffset = 0): DecodedBatch {
  return decodeBatchWith(bytes, baseOffset, fromOffset, plainRecord);
}

/** decodeBatch, with each record made by `make`. */
export function decodeBatchWith<T extends DecodedRecord>(bytes: Uint8Array, baseOffset: number, fromOffset: number, make: RecordFactory<T>): DecodedBatch<T> {
  buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  pos = 0;
  const end = buf.length;
  let baseTimestampMs = 0;
  let maxTimestampMs = 0;
  let producerId = 0;
  let producerEpoch = 0;
  let baseSequence = 0;
  let compression = 0;
  let declaredCount: number | undefined;
  let compressed: Buffer | undefined;
  const records: T[] = [];
  let recordCount = 0;
  const takeRecord = (end: number): void => {
    const length = readUint32();
    const recordEnd = pos + length;
    if (recordEnd > end) throw new MalformedBatchError(`record ${recordCount} runs past the end of the batch`);
    const offset = baseOffset + recordCount;
    recordCount++;
    if (offset < fromOffset) pos = recordEnd;
    else records.push(readRecord(recordEnd, offset, baseTimestampMs, make));
  };
  try {
    while (pos < end) {
      const tag = readUint32();
      switch (tag) {
        case 0x42: takeRecord(end); break;
        case 0x08: {
          const previousBase = baseTimestampMs;
          baseTimestampMs = readInt64();
          // Non-canonical order (records before the base timestamp): rebase what was decoded.
          for (let i = 0; i < records.length; i++) {
            const r = records[i]!;
            records[i] = make(r.offset, r.timestamp - previousBase + baseTimestampMs, r.key, r.value, r.headers);
          }
          break;
        }
        case 0x10: maxTimestampMs = readInt64(); break;
        case 0x18: producerId = readInt64(); break;
        case 0x20: producerEpoch = readInt64() | 0; break;
        case 0x28: baseSequence = readInt64() | 0; break;
        case 0x30: compression = readInt64() | 0; break;
        case 0x38: declaredCount = readUint32(); break;
        case 0x4a: { const length = readUint32(); compressed = buf.subarray(pos, pos + length); pos += length; break; }
        default: skipField(tag);
      }
    }
    if (pos !== end) throw new MalformedBatchError('the batch ends inside a field');
    if (compression !== Compression.NONE) {
      if (recordCount > 0 || compressed === undefined) throw new MalformedBatchError(`a batch compressed with codec ${compression} must carry its records in compressed_records only`);
      buf = decompressRecords(compression, compressed);
      pos = 0;
      const inner = buf.length;
      while (pos < inner) {
        const tag = readUint32();
        if (tag !== 0x42) throw new MalformedBatchError(`compressed_records holds field tag ${tag}, expected records (field 8)`);
        takeRecord(inner);
      }
      if (pos !== inner) throw new MalformedBatchError('compressed_records ends inside a record');
      if (recordCount !== declaredCount) throw new MalformedBatchError(`record_count says ${declaredCount} records, compressed_records holds ${recordCount}`);
    }
  } catch (error) {
    if (error instanceof MalformedBatchError) throw error;
    throw new MalformedBatchError(error instanceof Error ? error.message : String(error));
  } finally {
    buf = EMPTY_BUFFER;
  }
  return { baseTimestampMs, maxTimestampMs, producerId, producerEpoch, baseSequence, compression, records, recordCount };
}


function decompressRecords(codec: number, data: Buffer): Buffer {
  try {
    return decompress(codec, data);
  } catch (error) {
    throw new MalformedBatchError(`compressed_records do not decompress with codec ${codec}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Convenience: only the records of `decodeBatch`. */
export function decodeRecords(bytes: Uint8Array, baseOffset: number, fromOffset = 0): DecodedRecord[] {
  return decodeBatch(bytes, baseOffset, fromOffset).records;
}

function readRecord<T extends DecodedRecord>(recordEnd: number, offset: number, baseTimestampMs: number, make: RecordFactory<T>): T {
  let timestamp = baseTimestampMs;
  let key: Buffer | null = null;
  let value: Buffer | null = null;
  let headers = EMPTY_HEADERS;
  while (pos < recordEnd) {
    const tag = readUint32();
    switch (tag) {
      case 0x08: timestamp = baseTimestampMs + readInt64(); break;
      case 0x12: { const length = readUint32(); key = buf.subarray(pos, pos + length); pos += length; break; }
      case 0x1a: { const length = readUint32(); value = buf.subarray(pos, pos + length); pos += length; break; }
      case 0x22: {
        if (headers === EMPTY_HEADERS) headers = {};
        const headerLength = readUint32();
        const headerEnd = pos + headerLength;
        readHeader(headerEnd, headers as Record<string, Buffer>);
        break;
      }
      default: skipField(tag);
    }
  }
  if (pos !== recordEnd) throw new MalformedBatchError(`record at offset ${offset} overruns its length`);
  return make(offset, timestamp, key, value, headers);
}

function readHeader(headerEnd: number, into: Record<string, Buffer>): void {
  let key = '';
  let value: Buffer = EMPTY_BUFFER;
  while (pos < headerEnd) {
    const tag = readUint32();
    if (tag === 0x0a) { const length = readUint32(); key = buf.toString('utf8', pos, pos + length); pos += length; }
    else if (tag === 0x12) { const length = readUint32(); value = buf.subarray(pos, pos + length); pos += length; }
    else skipField(tag);
  }
  if (pos !== headerEnd) throw new MalformedBatchError('a record header overruns its length');
  into[key] = value;
}

function skipField(tag: number): void {
  switch (tag & 7) {
    case 0: readInt64(); return;
    case 1: pos += 8; return;
    case 2: pos += readUint32(); return;
    case 5: pos += 4; return;
    default: throw new MalformedBatchError(`invalid wire type ${tag & 7} at byte ${pos}`);
  }
}

function readUint32(): number {
  let b = buf[pos++]!;
  if (b < 0x80) return b;
  let value = b & 0x7f;
  b = buf[pos++]!; value |= (b & 0x7f) << 7; if (b < 0x80) return value;
  b = buf[pos++]!; value |= (b & 0x7f) << 14; if (b < 0x80) return value;
  b = buf[pos++]!; value |= (b & 0x7f) << 21; if (b < 0x80) return value;
  b = buf[pos++]!; value = (value | ((b & 0x0f) << 28)) >>> 0; if (b < 0x80) return value;
  for (let i = 0; i < 5; i++) if (buf[pos++]! < 0x80) return value;
  throw new MalformedBatchError(`varint longer than 10 bytes at byte ${pos}`);
}

function readInt64(): number {
  let b = buf[pos++]!;
  if (b < 0x80) return b;
  let lo = b & 0x7f;
  let hi = 0;
  let shift = 7;
  // Low 28 bits.
  for (; shift < 28; shift += 7) {
    b = buf[pos++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) return lo;
  }
  // Fifth byte: 4 bits to lo, 3 bits to hi.
  b = buf[pos++]!;
  lo = (lo | ((b & 0x0f) << 28)) >>> 0;
  hi = (b & 0x7f) >> 4;
  if (b >= 0x80) {
    for (shift = 3; shift < 32; shift += 7) {
      b = buf[pos++]!;
      if (b === undefined) throw new MalformedBatchError('varint runs past the end of the batch');
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    if (b >= 0x80) throw new MalformedBatchError(`varint longer than 10 bytes at byte ${pos}`);
  }
  hi >>>= 0;
  if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
  return hi * 4294967296 + lo;
}
