// The ordered set of a partition's segments and the lookups over it: which segment holds an
// offset or raft index, and where in that segment the entry starts (from the active segment's
// sparse in-memory index, else from LMDB, else by scanning the segment when the index lags).
import type { Logger } from '../common/logger';
import { decodeHeader, HEADER_BYTES } from './entry-format';
import type { FileIo } from './file-io';
import { type Segment, upperBound } from './segment';
import type { SegmentIndex } from './segment-index';
import { type ScannedItem, scanSegment, WindowReader } from './segment-scanner';

/** The headers between two positions of the active segment's sparse index fit in one read of this. */
const TIMESTAMP_SEARCH_CHUNK_BYTES = 64 * 1024;

export interface Located {
  readonly pos: number;
  /** False when the position came from LMDB (written asynchronously) and must be double-checked. */
  readonly trusted: boolean;
}

export class SegmentSet {
  /** Invariant: non-empty, ascending by baseOffset and raft index, dense; the last is active. */
  segments: Segment[];

  constructor(segments: Segment[], private readonly io: FileIo, private readonly index: SegmentIndex, private readonly logger: Logger) {
    this.segments = segments;
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get first(): Segment {
    return this.segments[0]!;
  }

  totalBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.sizeBytes;
    return total;
  }

  /** Index of the first segment that may hold records at or after `offset`. */
  findByOffset(offset: number): number {
    const bases = this.segments.map((s) => s.baseOffset);
    let i = Math.max(upperBound(bases, offset) - 1, 0);
    while (i < this.segments.length - 1 && this.segments[i]!.nextOffset <= offset) i++;
    return i;
  }

  /** Index of the segment holding `raftIndex` (which must be stored). */
  findByRaftIndex(raftIndex: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseRaftIndex <= raftIndex) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async locateOffset(seg: Segment, offset: number): Promise<Located> {
    if (seg.active !== undefined) return { pos: seg.positionOfOffset(offset) ?? 0, trusted: true };
    const hit = this.index.lookupOffset(offset);
    if (hit !== undefined && hit.segmentBase === seg.baseOffset && hit.pos < seg.sizeBytes) return { pos: hit.pos, trusted: false };
    const items = await this.scanItems(seg);
    const item = items.find((it) => it.nextOffset > offset && it.nextOffset > it.baseOffset);
    return { pos: item?.pos ?? 0, trusted: true };
  }

  async locateRaftIndex(seg: Segment, raftIndex: number): Promise<Located> {
    if (seg.active !== undefined) return { pos: seg.positionOfRaft(raftIndex) ?? 0, trusted: true };
    const hit = this.index.lookupRaft(raftIndex);
    if (hit !== undefined && hit.segmentBase === seg.baseOffset && hit.pos < seg.sizeBytes) return { pos: hit.pos, trusted: false };
    const items = await this.scanItems(seg);
    const item = items.find((it) => it.lastRaftIndex >= raftIndex);
    return { pos: item?.pos ?? 0, trusted: true };
  }

  /** Offset of the first batch whose max timestamp is >= timestampMs, or undefined. */
  async offsetForTimestamp(timestampMs: number): Promise<number | undefined> {
    for (const seg of this.segments) {
      if (seg.maxTimestampMs < timestampMs) continue;
      if (seg.active !== undefined) {
        if (!seg.acquire()) continue;
        try {
          return await this.searchActive(seg, timestampMs);
        } finally {
          seg.release();
        }
      }
      const hit = this.index.lookupTime(seg.baseOffset, timestampMs);
      if (hit !== undefined) return hit;
      const found = firstAtOrAfter(await this.scanItems(seg), timestampMs);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * The first data batch whose max timestamp is >= timestampMs in the stretch of the active
   * segment its sparse index names: every batch before the stretch has a smaller one.
   */
  private async searchActive(seg: Segment, timestampMs: number): Promise<number | undefined> {
    const search = seg.timestampSearch(timestampMs);
    if (search === undefined) return undefined;
    const reader = new WindowReader(this.io, seg.fd, search.end, TIMESTAMP_SEARCH_CHUNK_BYTES);
    let pos = search.pos;
    while (pos + HEADER_BYTES <= search.end) {
      const h = decodeHeader(await reader.get(pos, HEADER_BYTES), 0);
      if (h === undefined) return firstAtOrAfter(await this.scanItems(seg), timestampMs); // damage: the full scan steps over it
      if (h.recordCount > 0 && h.maxTimestampMs >= timestampMs) return h.baseOffset;
      pos += HEADER_BYTES + h.batchBytes;
    }
    return undefined;
  }

  /** Headers of every slot of a segment (the slow path when the index lags); none of a segment being deleted. */
  async scanItems(seg: Segment): Promise<ScannedItem[]> {
    this.logger.debug({ path: seg.path }, 'index miss: scanning segment headers');
    if (!seg.acquire()) return [];
    try {
      const scan = await scanSegment(this.io, await seg.reopen(), seg.sizeBytes, {
        verifyFrom: Number.POSITIVE_INFINITY,
        baseOffset: seg.baseOffset,
        baseRaftIndex: seg.isEmpty ? undefined : seg.baseRaftIndex,
        describe: seg.path,
        onCorrupt: (message) => this.logger.error({ path: seg.path }, message),
      });
      return scan.items;
    } finally {
      seg.release();
    }
  }
}

function firstAtOrAfter(items: readonly ScannedItem[], timestampMs: number): number | undefined {
  return items.find((it) => it.header !== undefined && it.nextOffset > it.baseOffset && it.header.maxTimestampMs >= timestampMs)?.baseOffset;
}
