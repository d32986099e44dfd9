// The byte layout of one segment entry: a fixed 80-byte header followed by the batch verbatim.
// All multi-byte fields are little-endian. 8-byte integer fields are stored as IEEE-754 doubles,
// which represent every integer below 2^53 exactly (the range of our branded ids).
//
//   off size field
//     0    4 magic            0x31434c53 ("SLC1": format version 1)
//     4    4 headerCrc        CRC32C of bytes [8, 80) — detects a torn or damaged header
//     8    4 batchBytes       length of the batch that follows the header
//    12    4 batchCrc         CRC32C of the batch bytes
//    16    1 kind             EntryKind (0 data, 1 config)
//    17    3 reserved         zero
//    20    4 recordCount      int32
//    24    8 term             float64
//    32    8 raftIndex        float64
//    40    8 baseOffset       float64
//    48    8 maxTimestampMs   float64
//    56    8 appendTimeMs     float64
//    64    8 producerId       float64 (-1 = not idempotent)
//    72    2 producerEpoch    int16
//    74    2 reserved         zero
//    76    4 baseSequence     int32
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { asOffset, asRaftIndex, asTerm } from '../common/ids';
import type { AppendEntry, EntryHeader } from './types';

export const ENTRY_MAGIC = 0x31434c53;
export const HEADER_BYTES = 80;
/** Bytes of the magic as it appears on disk, for resynchronising after a damaged header. */
export const MAGIC_BYTES: Buffer = (() => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(ENTRY_MAGIC, 0);
  return b;
})();

/** The integer fields of the header and the ranges their slots hold (the rest are float64). */
const INTEGER_FIELDS = [
  ['recordCount', 'record_count', 0, 0x7fffffff, 'int32'],
  ['producerEpoch', 'producer_epoch', -0x8000, 0x7fff, 'int16'],
  ['baseSequence', 'base_sequence', -0x80000000, 0x7fffffff, 'int32'],
] as const;

/** The facts of an entry that its header stores in integer slots. */
export type HeaderIntegers = Pick<AppendEntry, 'recordCount' | 'producerEpoch' | 'baseSequence'>;

/**
 * A batch whose facts the entry header cannot hold: refused for that batch alone, before it is
 * proposed (it never enters the Raft log) and before any shared write. Not retriable.
 */
export class UnstorableEntryError extends SluiceError {}

/** Throws UnstorableEntryError (INVALID_RECORD) naming the first field outside its header slot. */
export function checkStorable(facts: HeaderIntegers): void {
  for (const [key, name, min, max, type] of INTEGER_FIELDS) {
    const value = facts[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UnstorableEntryError(ErrorCode.INVALID_RECORD, `${name} ${value} cannot be stored: a segment entry holds it as ${type}; use ${min}..${max}`);
    }
  }
}

/**
 * Writes the header of `entry` (with its assigned baseOffset and batch CRC) into `into` at `at`.
 * Throws UnstorableEntryError, writing nothing, when a field does not fit its slot.
 */
export function encodeHeader(into: Buffer, at: number, entry: AppendEntry, baseOffset: number, batchCrc: number): EntryHeader {
  checkStorable(entry);
  into.writeUInt32LE(ENTRY_MAGIC, at);
  into.writeUInt32LE(entry.batch.byteLength, at + 8);
  into.writeUInt32LE(batchCrc, at + 12);
  into.writeUInt8(entry.kind, at + 16);
  into.writeUInt8(0, at + 17);
  into.writeUInt16LE(0, at + 18);
  into.writeInt32LE(entry.recordCount, at + 20);
  into.writeDoubleLE(entry.term, at + 24);
  into.writeDoubleLE(entry.raftIndex, at + 32);
  into.writeDoubleLE(baseOffset, at + 40);
  into.writeDoubleLE(entry.maxTimestampMs, at + 48);
  into.writeDoubleLE(entry.appendTimeMs, at + 56);
  into.writeDoubleLE(entry.producerId, at + 64);
  into.writeInt16LE(entry.producerEpoch, at + 72);
  into.writeUInt16LE(0, at + 74);
  into.writeInt32LE(entry.baseSequence, at + 76);
  into.writeUInt32LE(crc32c(into.subarray(at + 8, at + HEADER_BYTES)), at + 4);
  return {
    kind: entry.kind,
    term: entry.term,
    raftIndex: entry.raftIndex,
    baseOffset: asOffset(baseOffset),
    recordCount: entry.recordCount,
    maxTimestampMs: entry.maxTimestampMs,
    appendTimeMs: entry.appendTimeMs,
    producerId: entry.producerId,
    producerEpoch: entry.producerEpoch,
    baseSequence: entry.baseSequence,
    crc: batchCrc,
    batchBytes: entry.batch.byteLength,
  };
}

/**
 * Decodes the header at `buf[at, at+80)`. Returns undefined when the magic or the header CRC
 * does not match (a torn or damaged header): such bytes are never interpreted.
 */
export function decodeHeader(buf: Buffer, at: number): EntryHeader | undefined {
  if (buf.length - at < HEADER_BYTES) return undefined;
  if (buf.readUInt32LE(at) !== ENTRY_MAGIC) return undefined;
  if (buf.readUInt32LE(at + 4) !== crc32c(buf.subarray(at + 8, at + HEADER_BYTES))) return undefined;
  return {
    kind: buf.readUInt8(at + 16),
    term: asTerm(buf.readDoubleLE(at + 24)),
    raftIndex: asRaftIndex(buf.readDoubleLE(at + 32)),
    baseOffset: asOffset(buf.readDoubleLE(at + 40)),
    recordCount: buf.readInt32LE(at + 20),
    maxTimestampMs: buf.readDoubleLE(at + 48),
    appendTimeMs: buf.readDoubleLE(at + 56),
    producerId: buf.readDoubleLE(at + 64),
    producerEpoch: buf.readInt16LE(at + 72),
    baseSequence: buf.readInt32LE(at + 76),
    crc: buf.readUInt32LE(at + 12),
    batchBytes: buf.readUInt32LE(at + 8),
  };
}

/** The CRC stored in the header at `at` (used to recognise that an index entry still matches). */
export function headerCrcAt(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at + 4);
}

/** Offset one past the last record of the entry. */
export function nextOffsetOf(h: EntryHeader): number {
  return h.baseOffset + h.recordCount;
}

/** Total on-disk size of the entry. */
export function entryBytes(h: EntryHeader): number {
  return HEADER_BYTES + h.batchBytes;
}
