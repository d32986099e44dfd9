// The contract of the storage layer. Knows Raft only as the (term, raftIndex) pair it stores
// beside each entry; knows nothing of networks, protobuf or records inside a batch.
import type { Offset, RaftIndex, Term } from '../common/ids';
import type { ReadLease } from './read-buffers';

/** What kind of entry a log slot holds. Config entries consume a Raft index but no offsets. */
export enum EntryKind {
  DATA = 0,
  CONFIG = 1,
}

/**
 * Facts stored in each entry's fixed header (beside the opaque batch bytes).
 * Invariant: for DATA entries `recordCount >= 1`; for CONFIG entries `recordCount === 0` and
 * `baseOffset` equals the log end offset at the time of append (the next offset to be assigned).
 */
export interface EntryHeader {
  readonly kind: EntryKind;
  readonly term: Term;
  readonly raftIndex: RaftIndex;
  readonly baseOffset: Offset;
  readonly recordCount: number;
  /** Largest record timestamp in the batch, ms since epoch (as the producer set it). */
  readonly maxTimestampMs: number;
  /** Broker time when the leader appended the batch, ms since epoch. */
  readonly appendTimeMs: number;
  /** -1 when the producer is not idempotent. */
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** CRC32C of the batch bytes. */
  readonly crc: number;
  /** Length of the batch bytes (excluding the header). */
  readonly batchBytes: number;
}

/** What the caller supplies to append one entry; the log assigns baseOffset and computes the CRC. */
export interface AppendEntry {
  readonly kind: EntryKind;
  readonly term: Term;
  readonly raftIndex: RaftIndex;
  readonly recordCount: number;
  readonly maxTimestampMs: number;
  readonly appendTimeMs: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** The batch bytes, stored verbatim. The log may keep a reference until the write completes. */
  readonly batch: Uint8Array;
  /**
   * CRC32C of `batch` when the caller has already computed it over these very bytes (a produce
   * request's checked CRC), so that the log does not compute it again; stored as given.
   */
  readonly batchCrc32c?: number;
}

/** One stored entry as read back. `batch` is a view into a buffer owned by the caller after return. */
export interface StoredEntry {
  readonly header: EntryHeader;
  readonly batch: Buffer;
}

/** Per-topic storage settings (a subset of the topic configs). */
export interface LogConfig {
  /** Roll to a new segment when the active one reaches this size. */
  readonly segmentBytes: number;
  /** Roll to a new segment when the active one is older than this (by first append time). */
  readonly segmentMs: number;
  /** Delete whole closed segments whose newest append is older than this; -1 = keep forever. */
  readonly retentionMs: number;
  /** Delete oldest closed segments while the partition is larger than this; -1 = no limit. */
  readonly retentionBytes: number;
  /**
   * 'batch': every append is fsynced (group-committed) before `sync()` resolves for it.
   * 'interval': data is fsynced at most every `flushIntervalMs`; `sync()` resolves on the next flush.
   */
  readonly flushPolicy: 'batch' | 'interval';
  readonly flushIntervalMs: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 128 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  flushPolicy: 'batch',
  flushIntervalMs: 1000,
};

/** Result of a read by offset. */
export interface ReadResult {
  /** Whole entries in order; the first contains `fromOffset` (it may start before it). */
  readonly entries: readonly StoredEntry[];
  /** Total bytes of the batches returned. */
  readonly bytes: number;
}

/** Names a state snapshot by the last entry it describes. */
export interface StateSnapshotId {
  readonly raftIndex: number;
  readonly term: number;
}

/**
 * Durable snapshots of the layer above's state (the idempotent-producer table), each describing
 * the log up to and including the entry `id` names (see state-snapshots.ts).
 */
export interface StateSnapshotStore {
  /** The stored snapshots whose entry the log still holds with the same term (usable ones), oldest first. */
  list(): readonly StateSnapshotId[];
  /**
   * Stores `data` as the state after entry `id`; durable when resolved. Keeps the newest few
   * usable snapshots and deletes the rest. Writes run one at a time, in the order asked.
   */
  write(id: StateSnapshotId, data: Uint8Array): Promise<void>;
  /** The bytes a listed snapshot holds; throws (CORRUPT_MESSAGE, or the file error) when it cannot be read back intact. */
  read(id: StateSnapshotId): Promise<Buffer>;
}

/**
 * One partition's log: a directory of segment files plus its index in the broker's LMDB.
 * Not safe for concurrent mutation from several callers: one owner (the partition) drives it.
 */
export interface PartitionLog {
  /** First offset still stored (moves forward with retention / prefix truncation). */
  readonly logStartOffset: Offset;
  /** Offset the next record will get; equals logStartOffset when empty. */
  readonly logEndOffset: Offset;
  /** Raft index of the first stored entry (or of the snapshot point + 1 when empty). */
  readonly firstRaftIndex: RaftIndex;
  /** Raft index of the last stored entry; firstRaftIndex - 1 when empty. */
  readonly lastRaftIndex: RaftIndex;
  /** Raft index up to which appends are durable (fsynced). */
  readonly syncedRaftIndex: RaftIndex;
  /** Total bytes of all segment files. */
  readonly sizeBytes: number;
  /** First offset of the active segment: it changes when the log rolls a new segment (and on truncation or reset). */
  readonly activeSegmentBaseOffset: Offset;
  /**
   * Snapshots of the layer above's state kept with this log. Those of truncated entries are
   * deleted with them (truncateSuffix), all of them with a reset (resetTo) or a deleted partition.
   */
  readonly stateSnapshots: StateSnapshotStore;

  /**
   * Appends entries in order. Their raftIndex must be lastRaftIndex + 1, + 2, …
   * Returns the header of each stored entry (with assigned baseOffset). Data is written to the
   * OS but not yet durable: call `sync()`.
   * Throws SluiceError(STORAGE_ERROR) if the write fails (e.g. ENOSPC); in that case the log is
   * left exactly as before the call (a partially written entry is truncated away).
   */
  append(entries: readonly AppendEntry[]): Promise<EntryHeader[]>;

  /**
   * Makes everything appended so far durable. Concurrent callers share one fdatasync
   * (group commit). Resolves with the Raft index durable at that point.
   */
  sync(): Promise<RaftIndex>;

  /**
   * Resolves once everything appended so far is persisted the way the log's flush.policy defines
   * a committed write: fsynced under `batch` (this is sync()), written to the OS under `interval`
   * (true as soon as append() resolved; the policy's timer fsyncs later). Raft members persist
   * through this, so the policy decides whether a commit needs a majority of fsyncs or of writes.
   */
  persist(): Promise<void>;

  /**
   * Reads whole entries starting with the one containing `fromOffset`, never including any
   * entry whose last offset is >= `maxOffset` (the high watermark), stopping once `maxBytes`
   * is reached (at least one entry is returned if any qualifies, even if larger than maxBytes).
   * CONFIG entries are skipped. Returns OFFSET_OUT_OF_RANGE via SluiceError when
   * fromOffset < logStartOffset or fromOffset > logEndOffset.
   * Throws SluiceError(CORRUPT_MESSAGE) when a stored entry fails its CRC: never serves it.
   * With a lease, the batches are views into its buffers and must not be used after its release.
   */
  read(fromOffset: Offset, maxOffset: Offset, maxBytes: number, lease?: ReadLease): Promise<ReadResult>;

  /** Entries with Raft index in [lo, hi), including CONFIG entries, up to maxBytes (at least one). */
  readByRaftIndex(lo: RaftIndex, hi: RaftIndex, maxBytes: number): Promise<StoredEntry[]>;

  /**
   * Term of the entry at `index`, or undefined if not stored (use the snapshot term below firstRaftIndex).
   * Addition: for `index === firstRaftIndex - 1` it returns the snapshot term (the durable term of the
   * entry just below the first stored one; 0 when firstRaftIndex is 1), so Raft's log-matching check
   * at the snapshot point needs no special case.
   */
  termAt(index: RaftIndex): Term | undefined;

  /**
   * Addition: the lowest raft index found corrupt (by recovery or by a read), or undefined. Entries
   * at and after it may be unreadable (reads throw CORRUPT_MESSAGE); the replication layer should
   * truncateSuffix() there and refetch from the leader; nothing does yet (docs/storage.md,
   * "Additions to the contract"). Optional so that in-memory test doubles need not implement it.
   */
  readonly corruptRaftIndex?: RaftIndex | undefined;

  /** Removes every entry with raftIndex >= `fromIndex` (an uncommitted suffix), durably. */
  truncateSuffix(fromIndex: RaftIndex): Promise<void>;

  /**
   * Removes whole segments entirely below `offset` and moves logStartOffset up to at least it
   * (DeleteRecords / snapshot install). A follower installing a snapshot past its end calls
   * `resetTo` instead.
   */
  truncatePrefix(offset: Offset): Promise<void>;

  /** Empties the log and restarts it at (offset, raftIndex) — for installing a snapshot. */
  resetTo(offset: Offset, nextRaftIndex: RaftIndex, snapshotTerm: Term): Promise<void>;

  /** Applies retention (time and bytes) to closed segments; returns how many segments were deleted. */
  applyRetention(nowMs: number): Promise<number>;

  /** First offset whose batch maxTimestamp >= timestampMs (Kafka ListOffsets semantics), or undefined. */
  offsetForTimestamp(timestampMs: number): Promise<Offset | undefined>;

  /** Changes config (segment size, retention, flush) for subsequent operations. */
  updateConfig(config: LogConfig): void;

  /** Flushes and closes files. Safe to call twice. */
  close(): Promise<void>;

  /**
   * Something of the layer above (a partition's idempotent-producer table, as the log stands) to
   * keep with a clean close: stored with the active segment's summary, and given back by
   * `cleanCloseAnnex` by the next open that trusts that summary (the log unchanged since).
   */
  setCloseAnnex(annex: unknown): void;
  /** What the last clean close kept (see setCloseAnnex) when this open trusted it, else undefined; it describes the log as opened. */
  readonly cleanCloseAnnex: unknown;
}
