// The produce-time check of the records inside a batch (docs/architecture.md, "Request path",
// on `scanBatch`). The broker stores batches verbatim and never decodes them, so a record that
// does not decode ("poison pill") would be stored and then fail every typed Fetch of the partition
// in every client. This walks each record's fields once — tags, lengths, wire types, the header
// count and each header key's size and UTF-8 — without building objects: cost is a few byte reads
// per field and no allocation unless the record is refused.
import { isUtf8 } from 'node:buffer';

/**
 * Headers per record (records.proto's `max.headers.per.record`). A constant for now: no topic
 * config of that name exists yet.
 */
export const MAX_HEADERS_PER_RECORD = 64;
/** Bytes of UTF-8 in one header key (records.proto). */
export const MAX_HEADER_KEY_BYTES = 1024;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

// Field numbers of sluice.v1.Record and sluice.v1.RecordHeader (proto/sluice/v1/records.proto).
// key = 2 and value = 3 are bytes: only their wire type and length are checked.
const RECORD_TIMESTAMP_DELTA = 1;
const RECORD_HEADERS = 4;
const HEADER_KEY = 1;
const HEADER_VALUE = 2;
// One-byte tags (field << 3 | wire type) of the fields as every encoder writes them.
const TAG_TIMESTAMP_DELTA = (RECORD_TIMESTAMP_DELTA << 3) | WIRE_VARINT;
const TAG_KEY = (2 << 3) | WIRE_LENGTH_DELIMITED;
const TAG_VALUE = (3 << 3) | WIRE_LENGTH_DELIMITED;
const TAG_HEADERS = (RECORD_HEADERS << 3) | WIRE_LENGTH_DELIMITED;
const TAG_HEADER_KEY = (HEADER_KEY << 3) | WIRE_LENGTH_DELIMITED;
const TAG_HEADER_VALUE = (HEADER_VALUE << 3) | WIRE_LENGTH_DELIMITED;
const RECORD_FIELD_NAMES = ['', 'timestamp_delta_ms', 'key', 'value', 'headers'];
const HEADER_FIELD_NAMES = ['', 'key', 'value'];

/**
 * The position of the check under way. Module state so that reading a varint returns one number
 * and allocates nothing; the check is synchronous, so no two checks interleave.
 */
let pos = 0;
/** What went wrong in the last readVarint that returned -1. */
let varintProblem = '';

/**
 * Checks one encoded sluice.v1.Record in bytes[start, end). Returns undefined when every proto3
 * decoder reads it and it is within the limits, else what is wrong, starting "record <index>".
 * Unknown fields with a valid wire type are accepted: every decoder skips them.
 */
export function checkRecord(bytes: Uint8Array, start: number, end: number, index: number): string | undefined {
  return isPlainValidRecord(bytes, start, end) ? undefined : describeRecordProblem(bytes, start, end, index);
}

/**
 * The fast path, for the records producers write: one-byte tags of Record's own fields, lengths
 * below 2^28, ASCII header keys. True only when the record is valid; false sends it to
 * describeRecordProblem, which decides exactly and says what is wrong (it may still accept it:
 * unknown fields, long varints, UTF-8 keys). Positions are locals here: alone, the general path
 * (module-level position) made the check 4-15 times the old scan (docs/architecture.md, scanBatch).
 */
function isPlainValidRecord(bytes: Uint8Array, start: number, end: number): boolean {
  let p = start;
  let headers = 0;
  while (p < end) {
    const tag = bytes[p++]!;
    if (tag === TAG_TIMESTAMP_DELTA) {
      const last = p + 9;
      while (p < end && p < last && bytes[p]! >= 0x80) p++;
      if (p >= end || bytes[p]! >= 0x80) return false;
      p++;
      continue;
    }
    if (tag !== TAG_KEY && tag !== TAG_VALUE && tag !== TAG_HEADERS) return false;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= end || shift > 21) return false;
      const byte = bytes[p++]!;
      length |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    if (length > end - p) return false;
    if (tag === TAG_HEADERS && (++headers > MAX_HEADERS_PER_RECORD || !isPlainValidHeader(bytes, p, p + length))) return false;
    p += length;
  }
  return true;
}

/** isPlainValidRecord for one RecordHeader in bytes[start, end). */
function isPlainValidHeader(bytes: Uint8Array, start: number, end: number): boolean {
  let p = start;
  while (p < end) {
    const tag = bytes[p++]!;
    if (tag !== TAG_HEADER_KEY && tag !== TAG_HEADER_VALUE) return false;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= end || shift > 21) return false;
      const byte = bytes[p++]!;
      length |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    if (length > end - p) return false;
    if (tag === TAG_HEADER_KEY) {
      if (length > MAX_HEADER_KEY_BYTES) return false;
      for (let i = p; i < p + length; i++) if (bytes[i]! >= 0x80) return false;
    }
    p += length;
  }
  return true;
}

/** The general path: exact for every encoding, and the message for what is wrong. */
function describeRecordProblem(bytes: Uint8Array, start: number, end: number, index: number): string | undefined {
  pos = start;
  let headers = 0;
  while (pos < end) {
    const tag = readTag(bytes, end);
    if (tag < 0) return `record ${index}: ${varintProblem}`;
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field >= RECORD_TIMESTAMP_DELTA && field <= RECORD_HEADERS) {
      const expected = field === RECORD_TIMESTAMP_DELTA ? WIRE_VARINT : WIRE_LENGTH_DELIMITED;
      if (wireType !== expected) return `record ${index}: field ${field} (${RECORD_FIELD_NAMES[field]}) has wire type ${wireType}, expected ${expected}`;
    }
    if (field === RECORD_HEADERS) {
      if (++headers > MAX_HEADERS_PER_RECORD) return `record ${index} has more than ${MAX_HEADERS_PER_RECORD} headers: the limit is ${MAX_HEADERS_PER_RECORD} per record (max.headers.per.record)`;
      const length = readLength(bytes, end);
      if (length < 0) return `record ${index}: field 4 (headers) ${varintProblem}`;
      const headerEnd = pos + length;
      const problem = checkHeader(bytes, headerEnd);
      if (problem !== undefined) return `record ${index}: header ${headers - 1}: ${problem}`;
      continue;
    }
    const problem = skipField(bytes, end, field, wireType, RECORD_FIELD_NAMES, 'record');
    if (problem !== undefined) return `record ${index}: ${problem}`;
  }
  return undefined;
}

/** Checks the RecordHeader in bytes[pos, end) and leaves pos at end. */
function checkHeader(bytes: Uint8Array, end: number): string | undefined {
  while (pos < end) {
    const tag = readTag(bytes, end);
    if (tag < 0) return varintProblem;
    const field = tag >>> 3;
    const wireType = tag & 7;
    if ((field === HEADER_KEY || field === HEADER_VALUE) && wireType !== WIRE_LENGTH_DELIMITED) {
      return `field ${field} (${HEADER_FIELD_NAMES[field]}) has wire type ${wireType}, expected ${WIRE_LENGTH_DELIMITED}`;
    }
    if (field === HEADER_KEY) {
      const length = readLength(bytes, end);
      if (length < 0) return `field 1 (key) ${varintProblem}`;
      if (length > MAX_HEADER_KEY_BYTES) return `key of ${length} bytes is above the limit of ${MAX_HEADER_KEY_BYTES} bytes of UTF-8`;
      if (!isUtf8Range(bytes, pos, pos + length)) return 'key is not valid UTF-8 (a proto3 string): encode header keys as UTF-8, and put binary data in the value';
      pos += length;
      continue;
    }
    const problem = skipField(bytes, end, field, wireType, HEADER_FIELD_NAMES, 'header');
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** A field's tag (field number and wire type), or -1 with varintProblem set. */
function readTag(bytes: Uint8Array, end: number): number {
  const at = pos;
  const tag = readVarint(bytes, end);
  if (tag < 0) return -1;
  if (tag > 0xffffffff || tag < 8) {
    varintProblem = `field number ${Math.floor(tag / 8)} at byte ${at} is invalid: field numbers are 1 to 536870911`;
    return -1;
  }
  return tag;
}

/** A length prefix that fits in bytes[pos, end), or -1 with varintProblem set. */
function readLength(bytes: Uint8Array, end: number): number {
  const length = readVarint(bytes, end);
  if (length < 0) return -1;
  if (length > end - pos) {
    varintProblem = `claims ${length} bytes but only ${end - pos} remain`;
    return -1;
  }
  return length;
}

/**
 * Skips the value of a field with `wireType`; what is wrong if it cannot be skipped within end.
 * The message is built only on failure: this runs for every field of every record.
 */
function skipField(bytes: Uint8Array, end: number, field: number, wireType: number, names: readonly string[], where: string): string | undefined {
  switch (wireType) {
    case WIRE_VARINT:
      return readVarint(bytes, end) < 0 ? `${fieldLabel(field, names)}: ${varintProblem}` : undefined;
    case WIRE_LENGTH_DELIMITED: {
      const length = readLength(bytes, end);
      if (length < 0) return `${fieldLabel(field, names)} ${varintProblem} in the ${where}`;
      pos += length;
      return undefined;
    }
    case WIRE_FIXED64:
    case WIRE_FIXED32: {
      const size = wireType === WIRE_FIXED64 ? 8 : 4;
      if (end - pos < size) return `${fieldLabel(field, names)} needs ${size} bytes but only ${end - pos} remain in the ${where}`;
      pos += size;
      return undefined;
    }
    default:
      return `${fieldLabel(field, names)} has wire type ${wireType}: use 0 (varint), 1 (64-bit), 2 (length-delimited) or 5 (32-bit)`;
  }
}

function fieldLabel(field: number, names: readonly string[]): string {
  const name = names[field];
  return name === undefined || name === '' ? `field ${field}` : `field ${field} (${name})`;
}

/**
 * A varint of at most 10 bytes (the longest any decoder reads), as a number (exact below 2^53,
 * which is all a length or tag needs), or -1 with varintProblem set.
 */
function readVarint(bytes: Uint8Array, end: number): number {
  const at = pos;
  // Most tags and lengths in a record are one byte.
  if (at < end && bytes[at]! < 0x80) {
    pos = at + 1;
    return bytes[at]!;
  }
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) {
      varintProblem = `the varint at byte ${at} runs past the end of its message`;
      return -1;
    }
    const byte = bytes[pos++]!;
    if (byte < 0x80) {
      if (i === 9 && byte > 1) break;
      return value + byte * scale;
    }
    value += (byte & 0x7f) * scale;
    scale *= 128;
  }
  varintProblem = `the varint at byte ${at} is longer than 64 bits`;
  return -1;
}

/** Whether bytes[start, end) is UTF-8; header keys are mostly ASCII, checked here without a copy. */
function isUtf8Range(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) return isUtf8(bytes.subarray(i, end));
  }
  return true;
}
