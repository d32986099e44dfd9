// The LMDB index of one partition: derived data, written asynchronously in batches, rebuilt from
// the segments when it lags. Appended records are held back for up to INDEX_WRITE_DELAY_MS so
// that every partition's appends share one LMDB commit: each commit fsyncs the LMDB file, and at
// one commit per produce those fsyncs queued beside the segments' own and doubled the latency of
// acks=all. Reads never need the held-back records: the active segment keeps its positions in
// memory, and a segment is indexed before its summary is written. Keys are arrays whose first
// element is the partition key ("<topic>-<partition>"), so all partitions share the broker's
// one LMDB environment:
//   offsets  [p, baseOffset]            -> [segmentBase, position]   one per data entry
//   raft     [p, raftIndex]             -> [segmentBase, position]   one per raft index
//   times    [p, segmentBase, maxTsSoFar] -> baseOffset              when a segment's running max timestamp rises
//   segments [p, segmentBase]           -> SegmentSummary            written when a segment is closed,
//                                                                     and for the active one at a clean close
import type { Database, RootDatabase } from 'lmdb';
import type { Logger } from '../common/logger';

export interface IndexDatabases {
  readonly env: RootDatabase;
  readonly offsets: Database;
  readonly raft: Database;
  readonly times: Database;
  readonly segments: Database;
}

/** What a closed segment looks like, so that recovery does not rescan it. */
export interface SegmentSummary {
  readonly baseOffset: number;
  readonly nextOffset: number;
  readonly baseRaftIndex: number;
  readonly lastRaftIndex: number;
  readonly sizeBytes: number;
  readonly maxTimestampMs: number;
  readonly firstAppendTimeMs: number;
  readonly maxAppendTimeMs: number;
  /** [firstRaftIndex, term] for each term that starts inside the segment, ascending. */
  readonly termStarts: readonly (readonly [number, number])[];
  /** Position and header CRC of the last entry: recovery checks them to trust the summary. */
  readonly lastEntryPos: number;
  readonly lastHeaderCrc: number;
  /** Raft indexes found corrupt when the segment was scanned. */
  readonly corruptRaftIndexes: readonly number[];
  /**
   * Present when the segment was the active one at a clean close: its sparse position index, so
   * that the next open need not scan it (see log-recovery.ts).
   */
  readonly activeIndex?: ActiveIndexSnapshot;
  /** With activeIndex: what the layer above kept with the clean close (PartitionLog.setCloseAnnex). */
  readonly annex?: unknown;
}

/** The active segment's sparse index as stored: parallel arrays (see segment.ts). */
export interface ActiveIndexSnapshot {
  readonly pos: readonly number[];
  readonly raftIndex: readonly number[];
  readonly offset: readonly number[];
  readonly maxTimestampBefore: readonly number[];
}

/** One index record per stored slot (a hole spans several raft indexes). */
export interface IndexRecord {
  readonly segmentBase: number;
  readonly pos: number;
  readonly raftIndex: number;
  readonly lastRaftIndex: number;
  readonly baseOffset: number;
  readonly nextOffset: number;
  /** Set when this entry raised the segment's running max timestamp. */
  readonly timeKey: number | undefined;
}

export interface IndexPosition {
  readonly segmentBase: number;
  readonly pos: number;
}

/** How long appended index records may wait for a shared LMDB commit. */
export const INDEX_WRITE_DELAY_MS = 100;

/** Collects the indexes with held-back records and writes them all in one turn (one LMDB commit). */
export class IndexWriteScheduler {
  private readonly due = new Set<SegmentIndex>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs = INDEX_WRITE_DELAY_MS) {}

  hold(index: SegmentIndex): void {
    this.due.add(index);
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.writeAll(), this.delayMs);
    this.timer.unref();
  }

  writeAll(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const due = [...this.due];
    this.due.clear();
    for (const index of due) index.writeHeld();
  }
}

export class SegmentIndex {
  private held: IndexRecord[] = [];
  private lastWrite: Promise<void> = Promise.resolve();
  /** A write of this partition's index failed since it was opened: the index may have a gap. */
  private writeFailed = false;

  /** Without a scheduler every write is queued for LMDB at once. */
  constructor(private readonly dbs: IndexDatabases, private readonly key: string, private readonly logger: Logger, private readonly scheduler?: IndexWriteScheduler) {}

  /** Holds the records for the next shared LMDB transaction; never waits for it. */
  write(records: readonly IndexRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) this.held.push(r);
    if (this.scheduler) this.scheduler.hold(this);
    else this.writeHeld();
  }

  /** Queues the held-back records for LMDB (every other write does so first: see run). */
  writeHeld(): void {
    if (this.held.length === 0) return;
    const records = this.held;
    this.held = [];
    const { offsets, raft, times } = this.dbs;
    const p = this.key;
    this.transact(() => {
      for (const r of records) {
        const value = [r.segmentBase, r.pos];
        for (let i = r.raftIndex; i <= r.lastRaftIndex; i++) raft.put([p, i], value);
        if (r.nextOffset > r.baseOffset) offsets.put([p, r.baseOffset], value);
        if (r.timeKey !== undefined) times.put([p, r.segmentBase, r.timeKey], r.baseOffset);
      }
    });
  }

  putSummary(summary: SegmentSummary): void {
    this.run(() => this.dbs.segments.put([this.key, summary.baseOffset], summary));
  }

  getSummary(segmentBase: number): SegmentSummary | undefined {
    return this.dbs.segments.get([this.key, segmentBase]) as SegmentSummary | undefined;
  }

  /** Position of the data entry with the greatest baseOffset <= offset. */
  lookupOffset(offset: number): IndexPosition | undefined {
    for (const { key, value } of this.dbs.offsets.getRange({ start: [this.key, offset], end: [this.key, -1], reverse: true, limit: 1 })) {
      if ((key as unknown[])[0] !== this.key) return undefined;
      const [segmentBase, pos] = value as [number, number];
      return { segmentBase, pos };
    }
    return undefined;
  }

  lookupRaft(raftIndex: number): IndexPosition | undefined {
    const v = this.dbs.raft.get([this.key, raftIndex]) as [number, number] | undefined;
    return v === undefined ? undefined : { segmentBase: v[0], pos: v[1] };
  }

  /**
   * Whether the raft table maps every raft index of `records` (consecutive, in order) to exactly
   * their positions. A failed index transaction leaves a gap that only rewriting heals, so
   * recovery skips rewriting a segment's records only when this holds.
   */
  holds(records: readonly IndexRecord[]): boolean {
    if (records.length === 0) return true;
    const first = records[0]!.raftIndex;
    const last = records[records.length - 1]!.lastRaftIndex;
    let r = 0;
    let expected = first;
    for (const { key, value } of this.dbs.raft.getRange({ start: [this.key, first], end: [this.key, last + 1] })) {
      const record = records[r];
      const [segmentBase, pos] = value as [number, number];
      if (record === undefined || (key as unknown[])[1] !== expected || segmentBase !== record.segmentBase || pos !== record.pos) return false;
      expected++;
      if (expected > record.lastRaftIndex) r++;
    }
    return r === records.length;
  }

  /** Position of the entry with the greatest indexed raft index (where recovery resumes checking). */
  lastRaftPosition(): IndexPosition | undefined {
    for (const { key, value } of this.dbs.raft.getRange({ start: [this.key, Number.MAX_SAFE_INTEGER], end: [this.key, -1], reverse: true, limit: 1 })) {
      if ((key as unknown[])[0] !== this.key) return undefined;
      const [segmentBase, pos] = value as [number, number];
      return { segmentBase, pos };
    }
    return undefined;
  }

  /** Offset of the first batch in the segment whose running max timestamp is >= timestampMs. */
  lookupTime(segmentBase: number, timestampMs: number): number | undefined {
    for (const { value } of this.dbs.times.getRange({ start: [this.key, segmentBase, timestampMs], end: [this.key, segmentBase + 1], limit: 1 })) {
      return value as number;
    }
    return undefined;
  }

  /** Removes everything at or after (offset, raftIndex) in segment `segmentBase` and any later segment. */
  removeSuffix(segmentBase: number, offset: number, raftIndex: number): void {
    const p = this.key;
    const { offsets, raft, times, segments } = this.dbs;
    this.run(() => {
      removeRange(offsets, [p, offset], [p, Number.MAX_SAFE_INTEGER]);
      removeRange(raft, [p, raftIndex], [p, Number.MAX_SAFE_INTEGER]);
      removeRange(segments, [p, segmentBase], [p, Number.MAX_SAFE_INTEGER]);
      for (const { key, value } of times.getRange({ start: [p, segmentBase], end: [p, Number.MAX_SAFE_INTEGER] })) {
        if ((value as number) >= offset || (key as number[])[1] > segmentBase) times.remove(key);
      }
    });
  }

  /** Removes every entry of segments whose base is below `segmentBase` and raft indexes below `raftIndex`. */
  removePrefix(segmentBase: number, raftIndex: number): void {
    const p = this.key;
    const { offsets, raft, times, segments } = this.dbs;
    this.run(() => {
      removeRange(offsets, [p, -1], [p, segmentBase]);
      removeRange(raft, [p, -1], [p, raftIndex]);
      removeRange(times, [p, -1], [p, segmentBase]);
      removeRange(segments, [p, -1], [p, segmentBase]);
    });
  }

  removeAll(): void {
    const p = this.key;
    this.held = [];
    this.run(() => {
      for (const db of [this.dbs.offsets, this.dbs.raft, this.dbs.times, this.dbs.segments]) removeRange(db, [p, -1], [p, Number.MAX_SAFE_INTEGER]);
    });
  }

  /**
   * Writes what is held back and waits for every write queued so far; true when none of this
   * partition's index writes has failed (the index then has no gap a scan would have to heal).
   */
  async writesSucceeded(): Promise<boolean> {
    this.writeHeld();
    await this.lastWrite;
    return !this.writeFailed;
  }

  /** Writes what is held back; resolves when every index write is committed (not necessarily fsynced). */
  async committed(): Promise<void> {
    this.writeHeld();
    await this.dbs.env.committed;
  }

  /** Queues a write after the held-back records, so index changes stay in the order they were made. */
  private run(fn: () => void): void {
    this.writeHeld();
    this.transact(fn);
  }

  private transact(fn: () => void): void {
    this.lastWrite = this.dbs.env.transaction(fn).then(
      () => undefined,
      (e: unknown) => {
        this.writeFailed = true;
        this.logger.error({ err: e, partition: this.key }, 'index write failed; the index will be rebuilt from the segments on next open');
      },
    );
  }
}

function removeRange(db: Database, start: unknown[], end: unknown[]): void {
  for (const key of db.getKeys({ start: start as never, end: end as never })) db.remove(key);
}
