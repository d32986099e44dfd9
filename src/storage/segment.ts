// One segment file: its in-memory summary (offset and raft ranges, timestamps, terms) and, while it
// is the active segment, a sparse index of positions, so that reads near the tail never touch LMDB.
// Its descriptor stays open while it is active; afterwards it belongs to the DescriptorPool.
import { ErrorCode, SluiceError } from '../common/errors';
import type { DescriptorPool, PooledFile } from './descriptor-pool';
import type { FileIo } from './file-io';
import type { ActiveIndexSnapshot, IndexRecord, SegmentSummary } from './segment-index';

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

/** Bytes between two remembered positions of the active segment (Kafka's index.interval.bytes). */
export const ACTIVE_INDEX_INTERVAL_BYTES = 4096;

/**
 * A sparse index of the active segment: the first slot, every slot at least
 * ACTIVE_INDEX_INTERVAL_BYTES after the last one kept, and the slots on either side of a corrupt
 * one (so that a read past damage starts past it). A lookup gives a position at or before the
 * entry sought; readers skip what precedes it. One entry per batch cost ~50 bytes of heap: a
 * 128 MiB segment of 100-byte batches held ~40 MB per partition. Parallel arrays of numbers,
 * ascending, which a garbage collection does not walk element by element.
 */
class ActivePositions implements ActiveIndexSnapshot {
  constructor(
    readonly pos: number[] = [],
    readonly raftIndex: number[] = [],
    /** The offset at which the slot begins (its baseOffset; for a slot without records, the next offset). */
    readonly offset: number[] = [],
    /** The segment's running max timestamp before the slot. */
    readonly maxTimestampBefore: number[] = [],
    private previousCorrupt = false,
  ) {}

  static restore(stored: ActiveIndexSnapshot, lastSlotCorrupt: boolean): ActivePositions {
    return new ActivePositions([...stored.pos], [...stored.raftIndex], [...stored.offset], [...stored.maxTimestampBefore], lastSlotCorrupt);
  }

  add(s: SlotFacts, maxTimestampBefore: number): void {
    const last = this.pos.length - 1;
    if (last < 0 || s.pos - this.pos[last]! >= ACTIVE_INDEX_INTERVAL_BYTES || s.corrupt || this.previousCorrupt) {
      this.pos.push(s.pos);
      this.raftIndex.push(s.raftIndex);
      this.offset.push(s.baseOffset);
      this.maxTimestampBefore.push(maxTimestampBefore);
    }
    this.previousCorrupt = s.corrupt;
  }
}

/** Where to look for the first batch whose running max timestamp reaches a timestamp. */
export interface TimestampSearch {
  /** Every batch before this position has a smaller max timestamp. */
  readonly pos: number;
  /** The answer lies before this position. */
  readonly end: number;
}

/** Where a segment's descriptor comes from and goes back to. */
export interface SegmentFiles {
  readonly io: FileIo;
  readonly pool: DescriptorPool;
}

export class Segment implements PooledFile {
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
   * restart it is the first timed entry's append time (firstAppendTimeMs). -1 while unknown.
   */
  rollStartMs = -1;
  termStarts: [number, number][] = [];
  lastEntryPos = -1;
  lastHeaderCrc = 0;
  corruptRaftIndexes: number[] = [];
  /**
   * Present while this is the active (last) segment, whose descriptor stays open. Set by
   * startActive, cleared by retire (then the descriptor belongs to the pool).
   */
  active: ActivePositions | undefined;
  /** Undefined while the pool has closed it (reopen). */
  private openFd: number | undefined;
  private reopening: Promise<number> | undefined;
  private readers = 0;
  /** Appends to this file, and how many of them an fdatasync covers: the pool keeps it open until they match. */
  private writes = 0;
  private syncedWrites = 0;
  private closeRequested = false;
  private closed = false;

  constructor(
    readonly baseOffset: number,
    readonly path: string,
    fd: number,
    baseRaftIndex: number,
    private readonly files: SegmentFiles,
  ) {
    this.openFd = fd;
    this.nextOffset = baseOffset;
    this.baseRaftIndex = baseRaftIndex;
    this.lastRaftIndex = baseRaftIndex - 1;
  }

  /** A segment from its summary; active again when the summary carries the active index. */
  static fromSummary(s: SegmentSummary, path: string, fd: number, files: SegmentFiles): Segment {
    const seg = new Segment(s.baseOffset, path, fd, s.baseRaftIndex, files);
    seg.nextOffset = s.nextOffset;
    seg.lastRaftIndex = s.lastRaftIndex;
    seg.sizeBytes = s.sizeBytes;
    seg.maxTimestampMs = s.maxTimestampMs;
    seg.firstAppendTimeMs = s.firstAppendTimeMs;
    seg.maxAppendTimeMs = s.maxAppendTimeMs;
    // Summaries written before 2026-12-07 may hold 0, the time of an untimed first entry.
    seg.rollStartMs = s.firstAppendTimeMs > 0 ? s.firstAppendTimeMs : -1;
    seg.termStarts = s.termStarts.map(([i, t]) => [i, t]);
    seg.lastEntryPos = s.lastEntryPos;
    seg.lastHeaderCrc = s.lastHeaderCrc;
    seg.corruptRaftIndexes = [...s.corruptRaftIndexes];
    if (s.activeIndex !== undefined) seg.active = ActivePositions.restore(s.activeIndex, s.corruptRaftIndexes.includes(s.lastRaftIndex));
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
    if (this.isEmpty) this.baseRaftIndex = s.raftIndex;
    // Raft configuration entries and a new leader's no-op carry no time (appendTimeMs 0): the
    // segment's age starts at its first entry that does. Taken from a 0, a restart rolled at once.
    if (this.firstAppendTimeMs <= 0 && s.appendTimeMs > 0) {
      this.firstAppendTimeMs = s.appendTimeMs;
      if (this.rollStartMs < 0) this.rollStartMs = s.appendTimeMs;
    }
    const lastTerm = this.termStarts.length > 0 ? this.termStarts[this.termStarts.length - 1]![1] : undefined;
    if (s.term !== undefined && s.term !== lastTerm) this.termStarts.push([s.raftIndex, s.term]);
    this.active?.add(s, this.maxTimestampMs);
    let timeKey: number | undefined;
    if (s.nextOffset > s.baseOffset && s.maxTimestampMs > this.maxTimestampMs) {
      this.maxTimestampMs = s.maxTimestampMs;
      timeKey = s.maxTimestampMs;
    }
    if (s.appendTimeMs > this.maxAppendTimeMs) this.maxAppendTimeMs = s.appendTimeMs;
    if (s.corrupt) for (let i = s.raftIndex; i <= s.lastRaftIndex; i++) this.corruptRaftIndexes.push(i);
    this.lastRaftIndex = s.lastRaftIndex;
    this.nextOffset = s.nextOffset;
    this.sizeBytes = s.pos + s.bytes;
    this.lastEntryPos = s.pos;
    this.lastHeaderCrc = s.headerCrc;
    return { segmentBase: this.baseOffset, pos: s.pos, raftIndex: s.raftIndex, lastRaftIndex: s.lastRaftIndex, baseOffset: s.baseOffset, nextOffset: s.nextOffset, timeKey };
  }

  startActive(): void {
    this.active = new ActivePositions();
    this.files.pool.forget(this);
  }

  /** No longer the segment being appended to: its descriptor joins the pool (which may close it). */
  retire(): void {
    this.active = undefined;
    if (this.openFd !== undefined && !this.closeRequested) this.files.pool.used(this);
  }

  /**
   * The open descriptor. Only for the active segment, or between acquire() and release() after
   * reopen(): the pool never closes a descriptor then.
   */
  get fd(): number {
    if (this.openFd === undefined) throw new Error(`${this.path}: descriptor used while closed (acquire and reopen first)`);
    return this.openFd;
  }

  /** An append wrote to the file: the pool keeps it open until an fdatasync covers the write. */
  noteWrite(): void {
    this.writes++;
  }

  /** How many appends an fdatasync started now covers (see noteSynced). */
  get writeMark(): number {
    return this.writes;
  }

  /** An fdatasync that started at `mark` (writeMark) succeeded. */
  noteSynced(mark: number): void {
    if (mark > this.syncedWrites) this.syncedWrites = mark;
    if (this.active === undefined) this.files.pool.trim();
  }

  get evictable(): boolean {
    return this.openFd !== undefined && this.active === undefined && this.readers === 0 && this.writes === this.syncedWrites && !this.closeRequested && this.reopening === undefined;
  }

  evict(): void {
    const fd = this.openFd!;
    this.openFd = undefined;
    void this.files.io.close(fd).catch(() => undefined);
  }

  /** With `withActiveIndex`, for the active segment at a clean close. */
  summary(withActiveIndex = false): SegmentSummary {
    const a = this.active;
    const activeIndex = withActiveIndex && a !== undefined ? { pos: a.pos, raftIndex: a.raftIndex, offset: a.offset, maxTimestampBefore: a.maxTimestampBefore } : undefined;
    return {
      ...(activeIndex !== undefined && { activeIndex }),
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

  /** Active segment only: a position at or before the data entry holding `offset`. */
  positionOfOffset(offset: number): number | undefined {
    const a = this.active;
    if (a === undefined) return undefined;
    const i = upperBound(a.offset, offset) - 1;
    return i < 0 ? undefined : a.pos[i];
  }

  /** Active segment only: a position at or before the slot holding `raftIndex`. */
  positionOfRaft(raftIndex: number): number | undefined {
    const a = this.active;
    if (a === undefined) return undefined;
    const i = upperBound(a.raftIndex, raftIndex) - 1;
    return i < 0 ? undefined : a.pos[i];
  }

  /**
   * Active segment only: the stretch of the file that holds the first batch whose running max
   * timestamp is >= timestampMs (the caller reads its headers), or undefined when none does.
   */
  timestampSearch(timestampMs: number): TimestampSearch | undefined {
    const a = this.active;
    if (a === undefined || this.maxTimestampMs < timestampMs) return undefined;
    const lo = lowerBound(a.maxTimestampBefore, timestampMs);
    // Nothing kept before the answer (a segment made active again after recovery has slots
    // before its first kept one): search from the start.
    if (lo === 0) return { pos: 0, end: this.sizeBytes };
    return { pos: a.pos[lo - 1]!, end: a.pos[lo] ?? this.sizeBytes };
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

  /**
   * Marks a use in progress so that neither a concurrent deletion nor the pool closes the
   * descriptor under it; false when the segment is being closed. Then reopen() if !isOpen.
   */
  acquire(): boolean {
    if (this.closeRequested) return false;
    this.readers++;
    if (this.openFd !== undefined && this.active === undefined) this.files.pool.used(this);
    return true;
  }

  get isOpen(): boolean {
    return this.openFd !== undefined;
  }

  /**
   * Opens the file again after the pool closed it (between acquire and release). Throws
   * STORAGE_ERROR (retriable) when it cannot be opened, for example with no descriptor left.
   */
  reopen(): Promise<number> {
    if (this.openFd !== undefined) return Promise.resolve(this.openFd);
    this.reopening ??= this.files.io.open(this.path, 'r+').then(
      (fd) => {
        this.reopening = undefined;
        this.openFd = fd;
        if (this.active === undefined && !this.closeRequested) this.files.pool.used(this);
        return fd;
      },
      (error: unknown) => {
        this.reopening = undefined;
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new SluiceError(ErrorCode.STORAGE_ERROR, `segment ${this.path} cannot be opened again to be read (${code}): retry`, { cause: error, retriable: true });
      },
    );
    return this.reopening;
  }

  release(): void {
    this.readers--;
    if (this.readers > 0) return;
    if (this.closeRequested) void this.closeNow();
    else if (this.active === undefined) this.files.pool.trim();
  }

  /**
   * The open descriptor, which the caller now owns (a truncation builds the segment anew around
   * it); this object never closes it. Reads still holding this object may finish with it.
   */
  async detachFd(): Promise<number> {
    const fd = await this.reopen();
    this.closeRequested = true;
    this.closed = true;
    this.files.pool.forget(this);
    return fd;
  }

  /** Closes the descriptor once no read is using it. Safe to call twice. */
  async close(): Promise<void> {
    this.closeRequested = true;
    this.files.pool.forget(this);
    if (this.readers === 0) await this.closeNow();
  }

  private async closeNow(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const fd = this.openFd;
    this.openFd = undefined;
    if (fd !== undefined) await this.files.io.close(fd).catch(() => undefined);
  }
}

/** Index of the first element >= value in an ascending array. */
export function lowerBound(arr: readonly number[], value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
