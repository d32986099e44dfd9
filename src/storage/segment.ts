// One segment file: its in-memory summary (offset and raft ranges, timestamps, terms) and, while it
// is the active segment, the position of every entry, so that reads near the tail never touch LMDB.
import type { FileIo } from './file-io';
import type { IndexRecord, SegmentSummary } from './segment-index';

/** Name of the segment whose first offset is `baseOffset`: 20 digits, zero padded. */
export const segmentFileName = (baseOffset: number): string => `${String(baseOffset).padStart(20, '0')}.log`;
export const SEGMENT_FILE_PATTERN = /^(\d{20})\.log$/;

/** Facts about one stored slot, as appended or as found by a scan. */
export interface SlotFacts {
  readonly pos: number;
  readonly raftIndex: number;
  readonly lastRaftIndex: number;
  readonly baseOffset: number;
  readonly nextOffset: number;
  /** undefined for a hole (damaged header): the previous term is assumed. */
  readonly term: number | undefined;
  readonly maxTimestampMs: number;
  readonly appendTimeMs: number;
  readonly headerCrc: number;
  readonly bytes: number;
  readonly corrupt: boolean;
}

/**
 * Positions of the entries of the active segment. Invariant: parallel arrays, ascending. Only
 * arrays of numbers, which a garbage collection does not walk element by element: an array of
 * pairs cost two objects per batch, and an idle partition's active segment kept tens of
 * thousands of them for every full collection of the broker to mark.
 */
class ActiveEntries {
  /** raftPos[i] = position of raft index baseRaftIndex + i. */
  readonly raftPos: number[] = [];
  readonly dataOffsets: number[] = [];
  readonly dataPos: number[] = [];
  /** The running max timestamp each time it rose, and the baseOffset of the batch that raised it. */
  readonly timeKeys: number[] = [];
  readonly timeOffsets: number[] = [];
}

export class Segment {
  nextOffset: number;
  /** Raft index of the first slot; lastRaftIndex = baseRaftIndex - 1 while empty. */
  baseRaftIndex: number;
  lastRaftIndex: number;
  sizeBytes = 0;
  maxTimestampMs = -1;
  firstAppendTimeMs = -1;
  maxAppendTimeMs = -1;
  /**
   * Local clock time when the segment got its first entry, for rolling by segmentMs. After a
   * restart it is the first entry's append time. -1 while empty.
   */
  rollStartMs = -1;
  termStarts: [number, number][] = [];
  lastEntryPos = -1;
  lastHeaderCrc = 0;
  corruptRaftIndexes: number[] = [];
  /** Present while this is the active (last) segment. */
  active: ActiveEntries | undefined;
  private readers = 0;
  private closeRequested = false;
  private closed = false;

  constructor(
    readonly baseOffset: number,
    readonly path: string,
    readonly fd: number,
    baseRaftIndex: number,
    private readonly io: FileIo,
  ) {
    this.nextOffset = baseOffset;
    this.baseRaftIndex = baseRaftIndex;
    this.lastRaftIndex = baseRaftIndex - 1;
  }

  static fromSummary(s: SegmentSummary, path: string, fd: number, io: FileIo): Segment {
    const seg = new Segment(s.baseOffset, path, fd, s.baseRaftIndex, io);
    seg.nextOffset = s.nextOffset;
    seg.lastRaftIndex = s.lastRaftIndex;
    seg.sizeBytes = s.sizeBytes;
    seg.maxTimestampMs = s.maxTimestampMs;
    seg.firstAppendTimeMs = s.firstAppendTimeMs;
    seg.maxAppendTimeMs = s.maxAppendTimeMs;
    seg.rollStartMs = s.firstAppendTimeMs;
    seg.termStarts = s.termStarts.map(([i, t]) => [i, t]);
    seg.lastEntryPos = s.lastEntryPos;
    seg.lastHeaderCrc = s.lastHeaderCrc;
    seg.corruptRaftIndexes = [...s.corruptRaftIndexes];
    return seg;
  }

  get isEmpty(): boolean {
    return this.lastRaftIndex < this.baseRaftIndex;
  }

  get hasRecords(): boolean {
    return this.nextOffset > this.baseOffset;
  }

  /** Records a slot appended at the end; returns the index record to write to LMDB. */
  addSlot(s: SlotFacts): IndexRecord {
    if (this.isEmpty) {
      this.baseRaftIndex = s.raftIndex;
      this.firstAppendTimeMs = s.appendTimeMs;
      if (this.rollStartMs < 0) this.rollStartMs = s.appendTimeMs;
    }
    const lastTerm = this.termStarts.length > 0 ? this.termStarts[this.termStarts.length - 1]![1] : undefined;
    if (s.term !== undefined && s.term !== lastTerm) this.termStarts.push([s.raftIndex, s.term]);
    let timeKey: number | undefined;
    if (s.nextOffset > s.baseOffset && s.maxTimestampMs > this.maxTimestampMs) {
      this.maxTimestampMs = s.maxTimestampMs;
      timeKey = s.maxTimestampMs;
    }
    if (s.appendTimeMs > this.maxAppendTimeMs) this.maxAppendTimeMs = s.appendTimeMs;
    if (s.corrupt) for (let i = s.raftIndex; i <= s.lastRaftIndex; i++) this.corruptRaftIndexes.push(i);
    const a = this.active;
    if (a !== undefined) {
      for (let i = s.raftIndex; i <= s.lastRaftIndex; i++) a.raftPos.push(s.pos);
      if (s.nextOffset > s.baseOffset) {
        a.dataOffsets.push(s.baseOffset);
        a.dataPos.push(s.pos);
      }
      if (timeKey !== undefined) {
        a.timeKeys.push(timeKey);
        a.timeOffsets.push(s.baseOffset);
      }
    }
    this.lastRaftIndex = s.lastRaftIndex;
    this.nextOffset = s.nextOffset;
    this.sizeBytes = s.pos + s.bytes;
    this.lastEntryPos = s.pos;
    this.lastHeaderCrc = s.headerCrc;
    return { segmentBase: this.baseOffset, pos: s.pos, raftIndex: s.raftIndex, lastRaftIndex: s.lastRaftIndex, baseOffset: s.baseOffset, nextOffset: s.nextOffset, timeKey };
  }

  startActive(): void {
    this.active = new ActiveEntries();
  }

  summary(): SegmentSummary {
    return {
      baseOffset: this.baseOffset,
      nextOffset: this.nextOffset,
      baseRaftIndex: this.baseRaftIndex,
      lastRaftIndex: this.lastRaftIndex,
      sizeBytes: this.sizeBytes,
      maxTimestampMs: this.maxTimestampMs,
      firstAppendTimeMs: this.firstAppendTimeMs,
      maxAppendTimeMs: this.maxAppendTimeMs,
      termStarts: this.termStarts,
      lastEntryPos: this.lastEntryPos,
      lastHeaderCrc: this.lastHeaderCrc,
      corruptRaftIndexes: this.corruptRaftIndexes,
    };
  }

  /** Active segment only: position of the data entry with the greatest baseOffset <= offset. */
  positionOfOffset(offset: number): number | undefined {
    const a = this.active;
    if (a === undefined || a.dataOffsets.length === 0) return undefined;
    const i = upperBound(a.dataOffsets, offset) - 1;
    return i < 0 ? undefined : a.dataPos[i];
  }

  /** Active segment only: position of the slot holding `raftIndex`. */
  positionOfRaft(raftIndex: number): number | undefined {
    return this.active?.raftPos[raftIndex - this.baseRaftIndex];
  }

  /** Active segment only: offset of the first batch whose running max timestamp is >= timestampMs. */
  offsetForTimestamp(timestampMs: number): number | undefined {
    const a = this.active;
    if (a === undefined) return undefined;
    const keys = a.timeKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    return a.timeOffsets[lo];
  }

  /** Term of raft index `i`, which must lie in [baseRaftIndex, lastRaftIndex]. */
  termOf(i: number): number | undefined {
    let term: number | undefined;
    for (const [start, t] of this.termStarts) {
      if (start > i) break;
      term = t;
    }
    return term;
  }

  /** Marks a read in progress so that a concurrent deletion does not close the descriptor under it. */
  acquire(): boolean {
    if (this.closeRequested) return false;
    this.readers++;
    return true;
  }

  release(): void {
    this.readers--;
    if (this.readers === 0 && this.closeRequested) void this.closeNow();
  }

  /** Closes the descriptor once no read is using it. Safe to call twice. */
  async close(): Promise<void> {
    this.closeRequested = true;
    if (this.readers === 0) await this.closeNow();
  }

  private async closeNow(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.io.close(this.fd).catch(() => undefined);
  }
}

/** Index of the first element > value in an ascending array. */
export function upperBound(arr: readonly number[], value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
