// Opening a partition directory after a clean stop or a crash (the log manager's recovery half).
//
//   1. List the segment files; for each closed segment whose LMDB summary matches the file (size,
//      and the header CRC of its last entry) and whose entries all pass their CRC32C checks (read
//      whole, to find damage done since), trust the summary. Otherwise scan it, verifying CRCs.
//   2. After a clean close, trust the active (last) segment's summary the same way: it carries
//      the segment's sparse position index. Otherwise scan its headers, verifying batch CRCs from
//      the last position the index knows of; truncate a torn final write; re-queue its index
//      records. Recovery removes the summary (step 4), so it serves one open only.
//   3. Check that offsets and raft indexes are dense across segments, else report corruption.
//   4. Drop segments wholly below the durable log start (a retention interrupted by a crash) and
//      stale index entries beyond the recovered end.
import { join } from 'node:path';
import { ErrorCode, SluiceError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { DescriptorPool } from './descriptor-pool';
import { decodeHeader, HEADER_BYTES, headerCrcAt } from './entry-format';
import { type FileIo, readFully } from './file-io';
import { type LogStart, readLogStart } from './log-start-file';
import { Segment, SEGMENT_FILE_PATTERN, segmentFileName } from './segment';
import type { IndexRecord, SegmentIndex, SegmentSummary } from './segment-index';
import { scanSegment, segmentIsIntact } from './segment-scanner';

export interface RecoveryContext {
  readonly io: FileIo;
  readonly dir: string;
  readonly index: SegmentIndex;
  readonly logger: Logger;
  readonly pool: DescriptorPool;
}

export interface RecoveredLog {
  /** Ascending by baseOffset; the last one is active. Never empty. */
  readonly segments: Segment[];
  readonly start: LogStart;
  /** The annex of the clean close whose summary this open trusted (PartitionLog.cleanCloseAnnex). */
  readonly cleanCloseAnnex: unknown;
}

/**
 * Builds a Segment by scanning its file from the start. Entries before `verifyFrom` have only
 * their headers checked. A torn tail is truncated away (and logged). Returns the index records.
 */
export async function scanIntoSegment(
  ctx: RecoveryContext,
  base: number,
  fd: number,
  expectedRaftIndex: number | undefined,
  emptyRaftIndex: number,
  active: boolean,
  verifyFrom: number,
): Promise<{ segment: Segment; records: IndexRecord[] }> {
  const path = join(ctx.dir, segmentFileName(base));
  const size = await ctx.io.fileSize(fd);
  const describe = `segment ${path}`;
  const scan = await scanSegment(ctx.io, fd, size, {
    verifyFrom,
    baseOffset: base,
    baseRaftIndex: expectedRaftIndex,
    describe,
    onCorrupt: (message) => ctx.logger.error({ path }, `CORRUPT DATA: ${message}; reads of it will fail with CORRUPT_MESSAGE`),
  });
  if (scan.validEnd < size) {
    const log = active ? ctx.logger.warn.bind(ctx.logger) : ctx.logger.error.bind(ctx.logger);
    log({ path, validEnd: scan.validEnd, size }, `truncating torn tail of ${size - scan.validEnd} bytes in ${describe} at position ${scan.validEnd}`);
    await ctx.io.ftruncate(fd, scan.validEnd);
    await ctx.io.fdatasync(fd);
  }
  const segment = new Segment(base, path, fd, expectedRaftIndex ?? emptyRaftIndex, ctx);
  if (active) segment.startActive();
  const records: IndexRecord[] = [];
  scan.items.forEach((item, i) => {
    const next = scan.items[i + 1];
    const end = next !== undefined ? next.pos : scan.validEnd;
    records.push(
      segment.addSlot({
        pos: item.pos,
        raftIndex: item.raftIndex,
        lastRaftIndex: item.lastRaftIndex,
        baseOffset: item.baseOffset,
        nextOffset: item.nextOffset,
        term: item.header?.term,
        maxTimestampMs: item.header?.maxTimestampMs ?? -1,
        appendTimeMs: item.header?.appendTimeMs ?? -1,
        headerCrc: item.headerCrc,
        bytes: end - item.pos,
        corrupt: item.corrupt,
      }),
    );
  });
  return { segment, records };
}

/**
 * The records the index lacks: those from `verifyFrom` on (the index's last entry is there), or
 * all of them when the index does not hold the earlier ones exactly. Rewriting every record of a
 * large active segment was most of a restart's work (LMDB writes and the garbage they make).
 */
function unindexed(index: SegmentIndex, records: IndexRecord[], verifyFrom: number): IndexRecord[] {
  if (verifyFrom === 0) return records;
  const firstUnchecked = records.findIndex((r) => r.pos >= verifyFrom);
  const known = firstUnchecked < 0 ? records : records.slice(0, firstUnchecked);
  return index.holds(known) ? records.slice(known.length) : records;
}

async function summaryMatches(io: FileIo, fd: number, size: number, s: SegmentSummary | undefined): Promise<boolean> {
  if (s === undefined || s.sizeBytes !== size || s.lastEntryPos < 0 || s.lastEntryPos + HEADER_BYTES > size) return false;
  const buf = await readFully(io, fd, s.lastEntryPos, HEADER_BYTES);
  const h = decodeHeader(buf, 0);
  return h !== undefined && h.raftIndex === s.lastRaftIndex && headerCrcAt(buf, 0) === s.lastHeaderCrc;
}

export async function recoverLog(ctx: RecoveryContext): Promise<RecoveredLog> {
  const { io, dir, index, logger } = ctx;
  await io.mkdir(dir);
  const bases = (await io.readdir(dir))
    .map((name) => SEGMENT_FILE_PATTERN.exec(name)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const stored = await readLogStart(io, dir);
  const lastIndexed = index.lastRaftPosition();
  let cleanCloseAnnex: unknown;
  const segments: Segment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const path = join(dir, segmentFileName(base));
    const fd = await io.open(path, 'r+');
    const size = await io.fileSize(fd);
    const isLast = i === bases.length - 1;
    const prev = segments[segments.length - 1];
    const saved = index.getSummary(base);
    // The active segment's summary, written at a clean close, is trusted only with its index.
    const summary = isLast === (saved?.activeIndex !== undefined) ? saved : undefined;
    let segment: Segment;
    // A closed segment's summary is trusted only over intact bytes: a bit flipped since it was
    // written sends the segment through the scan, which reports the damage (corruptRaftIndex) to
    // the layer above. The active segment's, after a clean close, is trusted unread (restart time).
    if ((await summaryMatches(io, fd, size, summary)) && (isLast || (await segmentIsIntact(io, fd, size)))) {
      segment = Segment.fromSummary(summary!, path, fd, ctx);
      if (isLast) cleanCloseAnnex = summary!.annex;
    } else {
      const verifyFrom = isLast && lastIndexed?.segmentBase === base && lastIndexed.pos <= size ? lastIndexed.pos : 0;
      const expected = prev === undefined ? undefined : prev.lastRaftIndex + 1;
      const built = await scanIntoSegment(ctx, base, fd, expected, stored?.firstRaftIndex ?? 1, isLast, verifyFrom);
      segment = built.segment;
      index.write(unindexed(index, built.records, verifyFrom));
      if (!isLast && !segment.isEmpty) index.putSummary(segment.summary());
    }
    if (segment.isEmpty && !isLast) {
      logger.warn({ path }, `removing empty closed segment ${path}`);
      await segment.close();
      await io.unlink(path);
      continue;
    }
    if (prev !== undefined && !segment.isEmpty && (segment.baseOffset !== prev.nextOffset || segment.baseRaftIndex !== prev.lastRaftIndex + 1)) {
      throw new SluiceError(
        ErrorCode.CORRUPT_MESSAGE,
        `${dir}: segment ${segmentFileName(segment.baseOffset)} starts at offset ${segment.baseOffset} / raft index ${segment.baseRaftIndex}, expected offset ${prev.nextOffset} / raft index ${prev.lastRaftIndex + 1}: the log is not dense`,
      );
    }
    // A closed segment's descriptor joins the pool, which closes the least recently used beyond
    // its size: recovering many segments does not hold a descriptor for each.
    if (!isLast) segment.retire();
    segments.push(segment);
  }
  if (segments.length > 0 && segments[segments.length - 1]!.active === undefined) segments[segments.length - 1]!.startActive();

  // A retention or prefix truncation that crashed after recording the new start but before deleting files.
  while (stored !== undefined && segments.length > 1 && segments[0]!.lastRaftIndex < stored.firstRaftIndex) {
    const s = segments.shift()!;
    logger.info({ path: s.path }, `removing segment ${s.path} below the log start ${stored.logStartOffset}`);
    await s.close();
    await io.unlink(s.path);
  }
  if (segments.length === 0) {
    const base = stored?.logStartOffset ?? 0;
    const path = join(dir, segmentFileName(base));
    const fd = await io.open(path, 'w+');
    await io.syncDir(dir);
    const s = new Segment(base, path, fd, stored?.firstRaftIndex ?? 1, ctx);
    s.startActive();
    segments.push(s);
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const firstRaftIndex = first.baseRaftIndex;
  let snapshotTerm = 0;
  if (stored !== undefined && stored.firstRaftIndex === firstRaftIndex) snapshotTerm = stored.snapshotTerm;
  else if (firstRaftIndex > 1) logger.warn({ dir, firstRaftIndex }, `no durable snapshot term for raft index ${firstRaftIndex - 1}; assuming 0`);
  const start: LogStart = { logStartOffset: Math.max(stored?.logStartOffset ?? 0, first.baseOffset), firstRaftIndex, snapshotTerm };
  index.removeSuffix(last.baseOffset, last.nextOffset, last.lastRaftIndex + 1);
  index.removePrefix(first.baseOffset, first.baseRaftIndex);
  return { segments, start, cleanCloseAnnex };
}
