// PartitionLog on disk: a SegmentSet plus the LMDB index, with group commit. Mutations (append,
// truncation, retention, reset, close) run one at a time through `exclusive`; reads and sync()
// run concurrently with them.
import { join } from 'node:path';
import type { Clock } from '../common/clock';
import { crc32c } from '../common/crc32c';
import { ErrorCode, SluiceError } from '../common/errors';
import { asOffset, asRaftIndex, asTerm, type Offset, type RaftIndex, type Term } from '../common/ids';
import type { Logger } from '../common/logger';
import type { DescriptorPool } from './descriptor-pool';
import { encodeHeader, HEADER_BYTES } from './entry-format';
import type { FileIo } from './file-io';
import { GroupCommit } from './group-commit';
import { type LogStart } from './log-start-file';
import { LogMutations, type LogMutationsState } from './log-mutations';
import { recoverLog } from './log-recovery';
import { Segment, segmentFileName, type SlotFacts } from './segment';
import { writeParts, type WritePart } from './segment-appender';
import type { IndexRecord, SegmentIndex } from './segment-index';
import type { ReadLease } from './read-buffers';
import { RecentEntries } from './recent-entries';
import { readFromSegment, type ReadState, type Selector } from './segment-reader';
import { SegmentSet } from './segment-set';
import { StateSnapshots } from './state-snapshots';
import { TermHistory } from './term-history';
import { type AppendEntry, type EntryHeader, EntryKind, type LogConfig, type PartitionLog, type ReadResult, type StoredEntry } from './types';

export interface DiskLogOptions {
  readonly dir: string;
  readonly config: LogConfig;
  readonly io: FileIo;
  readonly index: SegmentIndex;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The broker's pool of descriptors of closed segments (see descriptor-pool.ts). */
  readonly pool: DescriptorPool;
}

export class DiskLog implements PartitionLog {
  /** State shared with LogMutations (truncation, retention, reset). */
  readonly state: LogMutationsState;
  private readonly commit: GroupCommit<RaftIndex>;
  private readonly mutations: LogMutations;
  private mutex: Promise<unknown> = Promise.resolve();
  private intervalTimer: NodeJS.Timeout | undefined;
  private intervalWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;
  /** The log's last small entries, for consumers at its end (see RecentEntries). */
  private readonly recent = new RecentEntries();
  private closeAnnex: unknown;
  cleanCloseAnnex: unknown;
  /** Set by open() before the log is handed out (loading needs termAt, so the log first). */
  stateSnapshots!: StateSnapshots;

  private constructor(private readonly opts: DiskLogOptions, set: SegmentSet, start: LogStart, terms: TermHistory) {
    const last = set.active.lastRaftIndex;
    this.state = { set, terms, start, synced: last, dirty: new Set(), dirDirty: false, config: opts.config, corruptRaftIndex: undefined };
    this.commit = new GroupCommit(() => this.flush());
    this.mutations = new LogMutations(opts, this.state, this.commit);
    this.armIntervalTimer();
  }

  static async open(opts: DiskLogOptions): Promise<DiskLog> {
    const recovered = await recoverLog(opts);
    const set = new SegmentSet(recovered.segments, opts.io, opts.index, opts.logger);
    const terms = new TermHistory();
    for (const seg of set.segments) for (const [i, t] of seg.termStarts) terms.append(i, t);
    await opts.io.fdatasync(set.active.fd);
    const log = new DiskLog(opts, set, recovered.start, terms);
    log.cleanCloseAnnex = recovered.cleanCloseAnnex;
    log.stateSnapshots = await StateSnapshots.load(opts.io, opts.dir, (id) => log.termAt(asRaftIndex(id.raftIndex)) === id.term);
    for (const seg of set.segments) if (seg.corruptRaftIndexes.length > 0) log.noteCorrupt(seg.corruptRaftIndexes[0]!);
    return log;
  }

  get logStartOffset(): Offset {
    return asOffset(this.state.start.logStartOffset);
  }
  get logEndOffset(): Offset {
    return asOffset(this.state.set.active.nextOffset);
  }
  get firstRaftIndex(): RaftIndex {
    return asRaftIndex(this.state.start.firstRaftIndex);
  }
  get lastRaftIndex(): RaftIndex {
    return asRaftIndex(this.state.set.active.lastRaftIndex);
  }
  get syncedRaftIndex(): RaftIndex {
    return asRaftIndex(this.state.synced);
  }
  get sizeBytes(): number {
    return this.state.set.totalBytes();
  }
  get activeSegmentBaseOffset(): Offset {
    return asOffset(this.state.set.active.baseOffset);
  }
  get snapshotTerm(): Term {
    return asTerm(this.state.start.snapshotTerm);
  }
  get corruptRaftIndex(): RaftIndex | undefined {
    return this.state.corruptRaftIndex === undefined ? undefined : asRaftIndex(this.state.corruptRaftIndex);
  }
  /** Number of fdatasync rounds performed by group commit since open (for tests and metrics). */
  get flushCount(): number {
    return this.commit.flushes;
  }

  append(entries: readonly AppendEntry[]): Promise<EntryHeader[]> {
    return this.exclusive(() => this.appendNow(entries));
  }

  private async appendNow(entries: readonly AppendEntry[]): Promise<EntryHeader[]> {
    this.checkOpen();
    if (entries.length === 0) return [];
    this.closeAnnex = undefined; // it described the log before this append
    const { set, config } = this.state;
    let expectRaft = set.active.lastRaftIndex + 1;
    for (const e of entries) {
      if (e.raftIndex !== expectRaft) throw new SluiceError(ErrorCode.INVALID_REQUEST, `append at raft index ${e.raftIndex} is not contiguous: expected ${expectRaft} (last stored ${set.active.lastRaftIndex})`);
      if (e.kind === EntryKind.DATA ? e.recordCount < 1 : e.recordCount !== 0) throw new SluiceError(ErrorCode.INVALID_REQUEST, `entry at raft index ${e.raftIndex} has recordCount ${e.recordCount}: data entries need >= 1, config entries 0`);
      expectRaft++;
    }
    const headerBuf = Buffer.allocUnsafe(HEADER_BYTES * entries.length);
    const headers: EntryHeader[] = [];
    const plan: { part: WritePart; segment: Segment | undefined; base: number; slots: SlotFacts[] }[] = [];
    const active = set.active;
    let cur = { part: { fd: active.fd as number | undefined, path: active.path, startPos: active.sizeBytes, buffers: [] as Uint8Array[] }, segment: active as Segment | undefined, base: active.baseOffset, slots: [] as SlotFacts[] };
    plan.push(cur);
    let pos = active.sizeBytes;
    let nextOffset = active.nextOffset;
    let hasRecords = active.hasRecords;
    const now = this.opts.clock.nowMs();
    const rollStart = active.rollStartMs < 0 ? now : active.rollStartMs;
    entries.forEach((e, i) => {
      const bytes = HEADER_BYTES + e.batch.byteLength;
      // Only a segment holding records rolls, so segment names (first offsets) strictly increase.
      if (hasRecords && (pos + bytes > config.segmentBytes || (cur.segment !== undefined && now - rollStart >= config.segmentMs))) {
        cur = { part: { fd: undefined, path: join(this.opts.dir, segmentFileName(nextOffset)), startPos: 0, buffers: [] }, segment: undefined, base: nextOffset, slots: [] };
        plan.push(cur);
        pos = 0;
        hasRecords = false;
      }
      const h = encodeHeader(headerBuf, i * HEADER_BYTES, e, nextOffset, e.batchCrc32c ?? crc32c(e.batch));
      cur.part.buffers.push(headerBuf.subarray(i * HEADER_BYTES, (i + 1) * HEADER_BYTES), e.batch);
      cur.slots.push({ pos, raftIndex: e.raftIndex, lastRaftIndex: e.raftIndex, baseOffset: nextOffset, nextOffset: nextOffset + e.recordCount, term: e.term, maxTimestampMs: e.maxTimestampMs, appendTimeMs: e.appendTimeMs, headerCrc: headerBuf.readUInt32LE(i * HEADER_BYTES + 4), bytes, corrupt: false });
      headers.push(h);
      pos += bytes;
      nextOffset += e.recordCount;
      if (e.recordCount > 0) hasRecords = true;
    });
    const parts = plan.filter((p) => p.part.buffers.length > 0);
    await writeParts(this.opts.io, parts.map((p) => p.part), this.opts.dir);
    const records: IndexRecord[] = [];
    for (const p of parts) {
      let seg = p.segment;
      if (seg === undefined) {
        const prev = set.active;
        seg = new Segment(p.base, p.part.path, p.part.fd!, prev.lastRaftIndex + 1, this.opts);
        seg.startActive();
        seg.rollStartMs = now;
        prev.retire();
        this.opts.index.putSummary(prev.summary());
        set.segments.push(seg);
        this.state.dirDirty = true;
      }
      if (seg.rollStartMs < 0) seg.rollStartMs = now;
      for (const slot of p.slots) {
        records.push(seg.addSlot(slot));
        this.state.terms.append(slot.raftIndex, slot.term!);
      }
      seg.noteWrite();
      this.state.dirty.add(seg);
    }
    this.opts.index.write(records);
    this.recent.add(headers.map((header, i) => ({ header, batch: entries[i]!.batch })));
    return headers;
  }

  sync(): Promise<RaftIndex> {
    this.checkOpen();
    const { state } = this;
    // Nothing unflushed: the flush in flight (if any) covers every completed append.
    if (state.dirty.size === 0 && !state.dirDirty) return this.commit.current() ?? Promise.resolve(asRaftIndex(state.synced));
    if (state.config.flushPolicy === 'batch') return this.commit.request();
    return new Promise<void>((resolve) => this.intervalWaiters.push(resolve)).then(() => asRaftIndex(this.state.synced));
  }

  persist(): Promise<void> {
    if (this.state.config.flushPolicy === 'interval') return Promise.resolve();
    return this.sync().then(() => undefined);
  }

  /** One group-commit round: fdatasync every segment written since the last round. */
  private async flush(): Promise<RaftIndex> {
    const { state } = this;
    const target = state.set.active.lastRaftIndex;
    const segments = [...state.dirty];
    const marks = segments.map((seg) => seg.writeMark);
    state.dirty.clear();
    const dir = state.dirDirty;
    state.dirDirty = false;
    try {
      for (const seg of segments) await this.opts.io.fdatasync(seg.fd);
      if (dir) await this.opts.io.syncDir(this.opts.dir);
      segments.forEach((seg, i) => seg.noteSynced(marks[i]!));
    } catch (e) {
      for (const seg of segments) state.dirty.add(seg);
      state.dirDirty ||= dir;
      this.opts.logger.error({ err: e, dir: this.opts.dir }, 'fdatasync failed');
      throw new SluiceError(ErrorCode.STORAGE_ERROR, `fdatasync of ${this.opts.dir} failed: ${(e as Error).message}`, { cause: e });
    }
    if (target > state.synced && target <= state.set.active.lastRaftIndex) state.synced = target;
    return asRaftIndex(state.synced);
  }

  private armIntervalTimer(): void {
    if (this.intervalTimer !== undefined) clearInterval(this.intervalTimer);
    this.intervalTimer = undefined;
    if (this.state.config.flushPolicy !== 'interval') return;
    this.intervalTimer = setInterval(() => void this.intervalFlush(), Math.max(1, this.state.config.flushIntervalMs));
    this.intervalTimer.unref();
  }

  private async intervalFlush(): Promise<void> {
    const waiters = this.intervalWaiters;
    this.intervalWaiters = [];
    if (this.state.dirty.size > 0 || this.state.dirDirty) await this.commit.request().catch(() => undefined);
    for (const w of waiters) w();
  }

  async read(fromOffset: Offset, maxOffset: Offset, maxBytes: number, lease?: ReadLease): Promise<ReadResult> {
    const { set, start } = this.state;
    const end = set.active.nextOffset;
    if (fromOffset < start.logStartOffset || fromOffset > end) {
      throw new SluiceError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${fromOffset} is out of range: valid offsets are [${start.logStartOffset}, ${end}]`);
    }
    const hi = Math.min(maxOffset, end);
    const recent = this.recent.read(fromOffset, hi, maxBytes);
    if (recent !== undefined) return recent;
    const state: ReadState = { entries: [], bytes: 0, maxBytes, done: false, lease };
    if (fromOffset < hi) await this.readRange({ byRaftIndex: false, lo: fromOffset, hi }, set.findByOffset(fromOffset), state);
    return { entries: state.entries, bytes: state.bytes };
  }

  async readByRaftIndex(lo: RaftIndex, hi: RaftIndex, maxBytes: number): Promise<StoredEntry[]> {
    const { set, start } = this.state;
    if (lo < start.firstRaftIndex) {
      throw new SluiceError(ErrorCode.OFFSET_OUT_OF_RANGE, `raft index ${lo} is below the first stored raft index ${start.firstRaftIndex}`);
    }
    const end = Math.min(hi, set.active.lastRaftIndex + 1);
    const state: ReadState = { entries: [], bytes: 0, maxBytes, done: false };
    if (lo < end) await this.readRange({ byRaftIndex: true, lo, hi: end }, set.findByRaftIndex(lo), state);
    return state.entries;
  }

  private async readRange(sel: Selector, fromSegment: number, state: ReadState): Promise<void> {
    const { set } = this.state;
    const onCorrupt = (message: string, raftIndex: number | undefined): void => {
      this.opts.logger.error({ dir: this.opts.dir }, `CORRUPT DATA: ${message}`);
      if (raftIndex !== undefined) this.noteCorrupt(raftIndex);
    };
    for (let i = fromSegment; i < set.segments.length && !state.done; i++) {
      const seg = set.segments[i]!;
      if (!seg.acquire()) continue;
      try {
        if (!seg.isOpen) await seg.reopen();
        const first = i === fromSegment;
        const at = first ? await (sel.byRaftIndex ? set.locateRaftIndex(seg, sel.lo) : set.locateOffset(seg, sel.lo)) : { pos: 0, trusted: true };
        const active = seg === set.active;
        if ((await readFromSegment(this.opts.io, seg, at.pos, sel, state, at.trusted, onCorrupt, active)) === 'misplaced') {
          await readFromSegment(this.opts.io, seg, 0, sel, state, true, onCorrupt, active);
        }
      } finally {
        seg.release();
      }
    }
  }

  termAt(index: RaftIndex): Term | undefined {
    const { start, set, terms } = this.state;
    if (index === start.firstRaftIndex - 1) return asTerm(start.snapshotTerm);
    if (index < start.firstRaftIndex || index > set.active.lastRaftIndex) return undefined;
    const t = terms.termAt(index);
    return t === undefined ? undefined : asTerm(t);
  }

  truncateSuffix(fromIndex: RaftIndex): Promise<void> {
    // The snapshots of the entries removed go first: a crash in between leaves entries without
    // snapshots, never a snapshot of entries that are gone.
    return this.mutate(async () => {
      await this.stateSnapshots.dropFrom(fromIndex);
      await this.mutations.truncateSuffix(fromIndex);
    });
  }

  truncatePrefix(offset: Offset): Promise<void> {
    return this.mutate(() => this.mutations.truncatePrefix(offset));
  }

  resetTo(offset: Offset, nextRaftIndex: RaftIndex, snapshotTerm: Term): Promise<void> {
    return this.mutate(async () => {
      await this.stateSnapshots.forgetAll(); // their files go with the replaced directory
      await this.mutations.resetTo(offset, nextRaftIndex, snapshotTerm);
    });
  }

  applyRetention(nowMs: number): Promise<number> {
    return this.mutate(() => this.mutations.applyRetention(nowMs));
  }

  async offsetForTimestamp(timestampMs: number): Promise<Offset | undefined> {
    const found = await this.state.set.offsetForTimestamp(timestampMs);
    return found === undefined ? undefined : asOffset(Math.max(found, this.state.start.logStartOffset));
  }

  setCloseAnnex(annex: unknown): void {
    this.closeAnnex = annex;
  }

  updateConfig(config: LogConfig): void {
    const policyChanged = config.flushPolicy !== this.state.config.flushPolicy || config.flushIntervalMs !== this.state.config.flushIntervalMs;
    this.state.config = config;
    if (policyChanged) this.armIntervalTimer();
  }

  close(): Promise<void> {
    this.closing ??= this.exclusive(async () => {
      if (this.intervalTimer !== undefined) clearInterval(this.intervalTimer);
      if (this.state.dirty.size > 0 || this.state.dirDirty) await this.commit.request().catch(() => undefined);
      await this.commit.drain();
      for (const w of this.intervalWaiters.splice(0)) w();
      await this.stateSnapshots.idle();
      const active = this.state.set.active;
      // Everything is on disk and indexed: the next open may trust the active segment instead of scanning it.
      if ((await this.opts.index.writesSucceeded()) && this.state.dirty.size === 0 && this.state.corruptRaftIndex === undefined && !active.isEmpty) {
        this.opts.index.putSummary({ ...active.summary(true), ...(this.closeAnnex !== undefined && { annex: this.closeAnnex }) });
      }
      for (const seg of this.state.set.segments) await seg.close();
    });
    return this.closing;
  }

  private noteCorrupt(raftIndex: number): void {
    if (this.state.corruptRaftIndex === undefined || raftIndex < this.state.corruptRaftIndex) this.state.corruptRaftIndex = raftIndex;
  }

  private checkOpen(): void {
    if (this.closing !== undefined) throw new SluiceError(ErrorCode.STORAGE_ERROR, `the log in ${this.opts.dir} is closed`);
  }

  /** A change to stored entries other than an append: the recent-entries window no longer holds. */
  private mutate<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(() => (this.checkOpen(), this.recent.clear(), (this.closeAnnex = undefined), fn()));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(fn, fn);
    this.mutex = run.catch(() => undefined);
    return run;
  }
}
