// Reads whole entries out of one segment with as few preads as possible: one window sized to the
// remaining byte budget, parsed in place. Returned batches are views into that window (owned by
// the caller). Every served entry has its header CRC and batch CRC checked; a mismatch throws
// CORRUPT_MESSAGE and the entry is never served.
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { decodeHeader, HEADER_BYTES } from './entry-format';
import { type FileIo, readFully } from './file-io';
import type { ReadLease } from './read-buffers';
import type { Segment } from './segment';
import type { StoredEntry } from './types';

/** Bytes read beyond the budget so that the headers of the last entries fit in the same pread. */
const READ_SLACK_BYTES = 64 * 1024;
/** The last bytes of the active segment, taken to be in the page cache (written moments ago). */
const RECENT_TAIL_BYTES = 4 * 1024 * 1024;

/**
 * Which entries qualify. By offset: data entries with nextOffset > lo, stopping before the first
 * whose last offset is >= hi (the high watermark). By raft index: every entry in [lo, hi).
 */
export interface Selector {
  readonly byRaftIndex: boolean;
  readonly lo: number;
  readonly hi: number;
}

export interface ReadState {
  readonly entries: StoredEntry[];
  bytes: number;
  readonly maxBytes: number;
  done: boolean;
  /** Where the read buffers come from; a new Buffer per read without one. */
  readonly lease?: ReadLease;
}

export type SegmentReadOutcome = 'ok' | 'misplaced';

/**
 * Appends to `state` the qualifying entries of `seg` from `pos`. When `trusted` is false (the
 * position came from the asynchronously written index) and the first entry there is not the one
 * sought, returns 'misplaced' without reading further so that the caller can restart at 0.
 * `active`: seg is the segment being appended to, whose tail was just written (see readFully).
 */
export async function readFromSegment(io: FileIo, seg: Segment, pos: number, sel: Selector, state: ReadState, trusted: boolean, onCorrupt: (message: string, raftIndex: number | undefined) => void, active = false): Promise<SegmentReadOutcome> {
  const end = seg.sizeBytes;
  let at = pos;
  let first = true;
  let needed = 0;
  while (at < end && !state.done) {
    const budget = Math.max(state.maxBytes - state.bytes, 0) + READ_SLACK_BYTES;
    const want = Math.min(end - at, Math.max(budget, needed));
    const buf = await readFully(io, seg.fd, at, want, active && end - at <= RECENT_TAIL_BYTES, state.lease);
    if (buf.length < want) throw new SluiceError(ErrorCode.CORRUPT_MESSAGE, `${seg.path} is shorter than expected: ${at + buf.length} bytes, ${end} expected`);
    let off = 0;
    while (off + HEADER_BYTES <= buf.length) {
      const h = decodeHeader(buf, off);
      if (first && !trusted && (h === undefined || (sel.byRaftIndex ? h.raftIndex > sel.lo : h.baseOffset > sel.lo))) return 'misplaced';
      first = false;
      if (h === undefined) {
        const message = `entry header at position ${at + off} of ${seg.path} is damaged (CRC mismatch): the entry is not served`;
        onCorrupt(message, undefined);
        throw new SluiceError(ErrorCode.CORRUPT_MESSAGE, message);
      }
      const entryEnd = off + HEADER_BYTES + h.batchBytes;
      if (entryEnd > buf.length) {
        needed = HEADER_BYTES + h.batchBytes;
        break;
      }
      const nextOffset = h.baseOffset + h.recordCount;
      let include: boolean;
      if (sel.byRaftIndex) {
        if (h.raftIndex >= sel.hi) state.done = true;
        include = h.raftIndex >= sel.lo;
      } else {
        if (h.recordCount > 0 && nextOffset > sel.hi) state.done = true;
        include = h.recordCount > 0 && nextOffset > sel.lo;
      }
      if (state.done) break;
      if (include) {
        if (state.entries.length > 0 && state.bytes + h.batchBytes > state.maxBytes) {
          state.done = true;
          break;
        }
        const batch = buf.subarray(off + HEADER_BYTES, entryEnd);
        if (crc32c(batch) !== h.crc) {
          const message = `batch at position ${at + off} of ${seg.path} (raft index ${h.raftIndex}, offset ${h.baseOffset}) fails its CRC32C check: the entry is not served`;
          onCorrupt(message, h.raftIndex);
          throw new SluiceError(ErrorCode.CORRUPT_MESSAGE, message);
        }
        state.entries.push({ header: h, batch });
        state.bytes += h.batchBytes;
        if (state.bytes >= state.maxBytes) state.done = true;
      }
      off = entryEnd;
      needed = 0;
    }
    if (off === 0 && needed === 0) break; // fewer bytes than a header remain: nothing more to read
    at += off;
  }
  return 'ok';
}
