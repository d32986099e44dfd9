// Scans a segment file entry by entry: the recovery half of the segment reader. Classifies what
// it finds as good entries, corrupt entries in the middle (kept as "holes" that reads refuse to
// serve) and a torn tail (a partial final write, to be truncated away).
//
// Example: a segment holding entries at raft index 7, 8, 9 where 8's batch fails its CRC and 9's
// header is cut short scans as [7 ok][8 corrupt] with validEnd = position of 9: the caller
// truncates the file there, logs 8 loudly, and reads of 8 throw CORRUPT_MESSAGE.
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { decodeHeader, HEADER_BYTES, headerCrcAt, MAGIC_BYTES } from './entry-format';
import { type FileIo, readFully } from './file-io';
import type { EntryHeader } from './types';

const CHUNK_BYTES = 1 << 20;

/** One slot found by a scan. A hole covers raft indexes [raftIndex, lastRaftIndex] with unreadable bytes. */
export interface ScannedItem {
  readonly pos: number;
  readonly raftIndex: number;
  /** Equal to raftIndex except for a hole left by a damaged header. */
  readonly lastRaftIndex: number;
  readonly baseOffset: number;
  readonly nextOffset: number;
  /** undefined only for a hole (its term is unknown). */
  readonly header: EntryHeader | undefined;
  readonly headerCrc: number;
  /** True when the bytes at `pos` must never be served (CRC mismatch or damaged header). */
  readonly corrupt: boolean;
}

export interface ScanResult {
  readonly items: ScannedItem[];
  /** Position just past the last good (or corrupt-but-followed) entry; the file is valid up to here. */
  readonly validEnd: number;
}

export interface ScanOptions {
  /** Batch CRCs are verified for entries at or after this position (headers are always checked). */
  readonly verifyFrom: number;
  /** Offset of the first entry (the segment's name). */
  readonly baseOffset: number;
  /** Raft index the first entry must have, when known. */
  readonly baseRaftIndex: number | undefined;
  readonly describe: string;
  readonly onCorrupt: (message: string) => void;
}

/** Reads a file through a sliding window so that small entries cost one pread per chunk. */
export class WindowReader {
  private window: Buffer = Buffer.alloc(0);
  private windowPos = 0;
  constructor(private readonly io: FileIo, private readonly fd: number, private readonly size: number, private readonly chunkBytes = CHUNK_BYTES) {}

  async get(pos: number, length: number): Promise<Buffer> {
    if (pos >= this.windowPos && pos + length <= this.windowPos + this.window.length) {
      return this.window.subarray(pos - this.windowPos, pos - this.windowPos + length);
    }
    const want = Math.min(Math.max(length, this.chunkBytes), this.size - pos);
    this.window = await readFully(this.io, this.fd, pos, want);
    this.windowPos = pos;
    return this.window.subarray(0, Math.min(length, this.window.length));
  }
}

export async function scanSegment(io: FileIo, fd: number, size: number, opts: ScanOptions): Promise<ScanResult> {
  const reader = new WindowReader(io, fd, size);
  const items: ScannedItem[] = [];
  let pos = 0;
  let expectRaft = opts.baseRaftIndex;
  let expectOffset = opts.baseOffset;
  while (pos < size) {
    if (size - pos < HEADER_BYTES) break; // torn: partial header
    const hbuf = await reader.get(pos, HEADER_BYTES);
    const header = decodeHeader(hbuf, 0);
    if (header === undefined) {
      const next = await findNextValid(io, fd, size, pos + 1, expectRaft ?? 0, expectOffset);
      if (next === undefined) break; // torn: garbage to the end of the file
      const first = expectRaft ?? next.header.raftIndex;
      opts.onCorrupt(`${opts.describe}: damaged entry header at position ${pos}; raft indexes ${first}..${next.header.raftIndex - 1} and offsets [${expectOffset}, ${next.header.baseOffset}) are unreadable`);
      items.push({ pos, raftIndex: first, lastRaftIndex: next.header.raftIndex - 1, baseOffset: expectOffset, nextOffset: next.header.baseOffset, header: undefined, headerCrc: 0, corrupt: true });
      expectRaft = next.header.raftIndex;
      expectOffset = next.header.baseOffset;
      pos = next.pos;
      continue;
    }
    const end = pos + HEADER_BYTES + header.batchBytes;
    if (end > size) break; // torn: partial batch
    if ((expectRaft !== undefined && header.raftIndex !== expectRaft) || header.baseOffset !== expectOffset) {
      throw new SluiceError(
        ErrorCode.CORRUPT_MESSAGE,
        `${opts.describe}: entry at position ${pos} has raft index ${header.raftIndex} and offset ${header.baseOffset}, expected raft index ${expectRaft} and offset ${expectOffset}: the log is not dense`,
      );
    }
    let corrupt = false;
    if (pos >= opts.verifyFrom) {
      const batch = await reader.get(pos + HEADER_BYTES, header.batchBytes);
      if (crc32c(batch) !== header.crc) {
        const next = end < size ? await findNextValid(io, fd, size, end, header.raftIndex + 1, expectOffset + header.recordCount) : undefined;
        if (next === undefined) break; // torn: the final write did not complete
        corrupt = true;
        opts.onCorrupt(`${opts.describe}: batch CRC mismatch at position ${pos} (raft index ${header.raftIndex}, offset ${header.baseOffset}); valid entries follow, so this is damage, not a torn write`);
      }
    }
    items.push({ pos, raftIndex: header.raftIndex, lastRaftIndex: header.raftIndex, baseOffset: header.baseOffset, nextOffset: header.baseOffset + header.recordCount, header, headerCrc: headerCrcAt(hbuf, 0), corrupt });
    expectRaft = header.raftIndex + 1;
    expectOffset = header.baseOffset + header.recordCount;
    pos = end;
  }
  const last = items[items.length - 1];
  // A hole is always followed by a fully valid entry, so the last item always has a header.
  const validEnd = last?.header === undefined ? 0 : last.pos + HEADER_BYTES + last.header.batchBytes;
  return { items, validEnd };
}

/** Finds the first fully valid entry (header and batch CRC) at or after `from` that could follow. */
async function findNextValid(io: FileIo, fd: number, size: number, from: number, minRaft: number, minOffset: number): Promise<{ pos: number; header: EntryHeader } | undefined> {
  if (from >= size) return undefined;
  const rest = await readFully(io, fd, from, size - from);
  let at = rest.indexOf(MAGIC_BYTES, 0);
  while (at >= 0) {
    const header = decodeHeader(rest, at);
    if (header !== undefined && header.raftIndex >= minRaft && header.baseOffset >= minOffset) {
      const end = at + HEADER_BYTES + header.batchBytes;
      if (end <= rest.length && crc32c(rest.subarray(at + HEADER_BYTES, end)) === header.crc) {
        return { pos: from + at, header };
      }
    }
    at = rest.indexOf(MAGIC_BYTES, at + 1);
  }
  return undefined;
}

/**
 * Whether every entry of the file has an intact header and batch (CRC32C) and the entries end
 * exactly at `size`. Recovery asks it of every segment whose index summary it would trust, so
 * that damage after the summary was written (a flipped bit) is found at open, not served later.
 */
export async function segmentIsIntact(io: FileIo, fd: number, size: number): Promise<boolean> {
  const reader = new WindowReader(io, fd, size);
  let pos = 0;
  while (pos < size) {
    if (size - pos < HEADER_BYTES) return false;
    const header = decodeHeader(await reader.get(pos, HEADER_BYTES), 0);
    if (header === undefined) return false;
    const end = pos + HEADER_BYTES + header.batchBytes;
    if (end > size || crc32c(await reader.get(pos + HEADER_BYTES, header.batchBytes)) !== header.crc) return false;
    pos = end;
  }
  return true;
}
