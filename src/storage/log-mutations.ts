// The operations that remove data from a partition log: suffix truncation (a Raft follower's
// divergent tail), prefix truncation and retention (whole old segments), and reset (snapshot
// install). Each is durable when its promise resolves.
//
// Example: segments {[0..9] [10..29] [30..]} truncated at raft index of offset 12 leaves
// {[0..9] [10..11]} with [10..11] the active segment again; truncatePrefix(30) leaves {[30..]}.
import { dirname, join } from 'node:path';
import { ErrorCode, SluiceError } from '../common/errors';
import type { Offset, RaftIndex, Term } from '../common/ids';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { DescriptorPool } from './descriptor-pool';
import type { FileIo } from './file-io';
import type { GroupCommit } from './group-commit';
import { type LogStart, writeLogStart } from './log-start-file';
import { scanIntoSegment } from './log-recovery';
import { DELETING_SUFFIX, RESET_SUFFIX } from './partition-dirs';
import { segmentsToDelete } from './retention-policy';
import { Segment, segmentFileName } from './segment';
import type { SegmentIndex } from './segment-index';
import type { SegmentSet } from './segment-set';
import type { TermHistory } from './term-history';
import type { LogConfig } from './types';

/** Mutable state of a DiskLog, shared with the parts that change it. */
export interface LogMutationsState {
  set: SegmentSet;
  terms: TermHistory;
  start: LogStart;
  /** Invariant: synced <= set.active.lastRaftIndex. */
  synced: number;
  /** Segments written since the last fdatasync. */
  dirty: Set<Segment>;
  /** A segment file was created or removed since the last directory fsync. */
  dirDirty: boolean;
  config: LogConfig;
  corruptRaftIndex: number | undefined;
}

export interface MutationContext {
  readonly dir: string;
  readonly io: FileIo;
  readonly index: SegmentIndex;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pool: DescriptorPool;
}

export class LogMutations {
  constructor(private readonly ctx: MutationContext, private readonly state: LogMutationsState, private readonly commit: GroupCommit<RaftIndex>) {}

  async truncateSuffix(fromIndex: RaftIndex): Promise<void> {
    const { set, start } = this.state;
    const { io, dir } = this.ctx;
    if (fromIndex > set.active.lastRaftIndex) return;
    if (fromIndex < start.firstRaftIndex) {
      throw new SluiceError(ErrorCode.INVALID_REQUEST, `cannot truncate from raft index ${fromIndex}: it is below the first stored raft index ${start.firstRaftIndex}`);
    }
    await this.commit.drain();
    const si = set.findByRaftIndex(fromIndex);
    const seg = set.segments[si]!;
    const item = (await set.scanItems(seg)).find((it) => it.lastRaftIndex >= fromIndex);
    const cutPos = item?.pos ?? seg.sizeBytes;
    const newEndOffset = item?.baseOffset ?? seg.nextOffset;
    const newLastRaft = (item?.raftIndex ?? fromIndex) - 1;
    for (const s of set.segments.splice(si + 1)) await this.removeSegmentFile(s);
    let keep = seg;
    if (cutPos === 0 && si > 0) {
      set.segments.splice(si, 1);
      await this.removeSegmentFile(seg);
      keep = set.segments[si - 1]!;
    }
    // The kept segment is built anew around its descriptor (reopened if the pool had closed it).
    const fd = await keep.detachFd();
    if (keep === seg) {
      this.state.dirty.delete(seg);
      await io.ftruncate(fd, cutPos);
      await io.fdatasync(fd);
    }
    const prev = set.segments[set.segments.length - 2];
    const rebuilt = await scanIntoSegment(this.ctx, keep.baseOffset, fd, prev === undefined ? undefined : prev.lastRaftIndex + 1, newLastRaft + 1, true, Number.POSITIVE_INFINITY);
    set.segments[set.segments.length - 1] = rebuilt.segment;
    await io.syncDir(dir);
    this.ctx.index.removeSuffix(keep.baseOffset, newEndOffset, newLastRaft + 1);
    this.state.terms.truncateFrom(newLastRaft + 1);
    this.state.synced = Math.min(this.state.synced, newLastRaft);
    this.ctx.logger.info({ dir, fromIndex, newEndOffset }, `truncated ${dir} from raft index ${fromIndex}: log end offset is now ${newEndOffset}`);
  }

  async truncatePrefix(offset: Offset): Promise<void> {
    const { set, start } = this.state;
    if (offset <= start.logStartOffset) return;
    if (offset > set.active.nextOffset) {
      throw new SluiceError(ErrorCode.OFFSET_OUT_OF_RANGE, `cannot move the log start to ${offset}: the log ends at ${set.active.nextOffset}; install a snapshot with resetTo instead`);
    }
    let count = 0;
    while (count < set.segments.length - 1 && set.segments[count]!.nextOffset <= offset) count++;
    await this.dropLeading(count, offset);
  }

  async applyRetention(nowMs: number): Promise<number> {
    const { set, config } = this.state;
    const count = segmentsToDelete(set.segments, config, nowMs);
    if (count === 0) return 0;
    await this.dropLeading(count, set.segments[count]!.baseOffset);
    this.ctx.logger.info({ dir: this.ctx.dir, count }, `retention deleted ${count} segment(s) of ${this.ctx.dir}; log start offset is now ${this.state.start.logStartOffset}`);
    return count;
  }

  async resetTo(offset: Offset, nextRaftIndex: RaftIndex, snapshotTerm: Term): Promise<void> {
    const { io, dir } = this.ctx;
    await this.commit.drain();
    for (const s of this.state.set.segments) {
      this.state.dirty.delete(s);
      await s.close();
    }
    // Prepare the replacement beside the live directory, then swap by rename (see partition-dirs.ts).
    const tmp = dir + RESET_SUFFIX;
    const old = dir + DELETING_SUFFIX;
    const start: LogStart = { logStartOffset: offset, firstRaftIndex: nextRaftIndex, snapshotTerm };
    await io.rmrf(tmp);
    await io.mkdir(tmp);
    await io.close(await io.open(join(tmp, segmentFileName(offset)), 'w+'));
    await writeLogStart(io, tmp, start);
    await io.rmrf(old);
    await io.rename(dir, old);
    await io.rename(tmp, dir);
    await io.syncDir(dirname(dir));
    await io.rmrf(old);
    this.ctx.index.removeAll();
    const path = join(dir, segmentFileName(offset));
    const seg = new Segment(offset, path, await io.open(path, 'r+'), nextRaftIndex, this.ctx);
    seg.startActive();
    this.state.set.segments = [seg];
    this.state.terms.clear();
    this.state.start = start;
    this.state.synced = nextRaftIndex - 1;
    this.state.dirDirty = false;
    this.ctx.logger.info({ dir, offset, nextRaftIndex, snapshotTerm }, `reset ${dir} to offset ${offset}, raft index ${nextRaftIndex} (snapshot term ${snapshotTerm})`);
  }

  /** Deletes the first `count` segments (never the active one) and moves the log start, durably. */
  private async dropLeading(count: number, newStartOffset: number): Promise<void> {
    const { set, start, terms } = this.state;
    const newFirst = set.segments[count]!;
    const firstRaftIndex = count > 0 ? newFirst.baseRaftIndex : start.firstRaftIndex;
    const snapshotTerm = count > 0 ? (terms.termAt(firstRaftIndex - 1) ?? start.snapshotTerm) : start.snapshotTerm;
    const next: LogStart = { logStartOffset: Math.max(newStartOffset, start.logStartOffset), firstRaftIndex, snapshotTerm };
    // Record the new start first: a crash before the files are gone leaves segments that
    // recovery recognises as below the start and deletes.
    await writeLogStart(this.ctx.io, this.ctx.dir, next);
    this.state.start = next;
    if (count === 0) return;
    const removed = set.segments.splice(0, count);
    for (const s of removed) await this.removeSegmentFile(s);
    await this.ctx.io.syncDir(this.ctx.dir);
    this.ctx.index.removePrefix(newFirst.baseOffset, firstRaftIndex);
    terms.truncateBefore(firstRaftIndex);
  }

  private async removeSegmentFile(s: Segment): Promise<void> {
    this.state.dirty.delete(s);
    await this.commit.drain();
    await s.close();
    await this.ctx.io.unlink(s.path);
  }
}
