// The read side of a Raft log as the core sees it. The host writes (it persists what a Ready
// asks for, then calls advance); the core only reads, synchronously, through this interface.
//
// What the core reads, and when, so that an adapter over an asynchronous segment log can serve
// it from a cache of recent entries:
//   - initialState(), firstIndex(), lastIndex(), snapshot meta: at construction and often.
//     Must be cheap (kept in memory by the adapter).
//   - term(i): on every AppendEntries check, for i near the tail, and for the leader's probes of a
//     lagging follower. Keep terms of the tail (or an index of term boundaries) in memory.
//   - entries(lo, hi, maxBytes): only (1) to send a follower entries it lacks, starting at its
//     next index, and (2) to hand committed entries to the host for applying. Entries not yet
//     handed over to the host come from the core's own memory (the unstable log), never from here.
//     An adapter may answer `undefined` ("not in cache yet"): the core then sends nothing to that
//     follower (or applies nothing) for now and retries on a later tick or response, by which time
//     the adapter has loaded the range in the background.
//   - snapshot(): only when a follower needs entries below firstIndex().
import type { RaftIndex, Term } from '../common/ids';
import type { ConfigState, Entry, HardState, Snapshot, SnapshotMeta } from './messages';

export interface InitialState {
  readonly hardState: HardState;
  /** The configuration in effect after the last stored entry: from the last config entry, else the snapshot. */
  readonly config: ConfigState;
  /** Index of the config entry that set `config`, or the snapshot index when it came from the snapshot. */
  readonly configIndex: RaftIndex;
}

/**
 * A Raft log whose prefix below firstIndex() has been replaced by a snapshot.
 * Invariants: firstIndex() - 1 === snapshotMeta().index; lastIndex() >= firstIndex() - 1;
 * everything readable here has been handed to the host in a Ready and written by it.
 * On restart, whatever is here must be durable (the host rebuilds it from disk).
 */
export interface RaftStorage {
  initialState(): InitialState;
  /**
   * Entries with index in [lo, hi), stopping early once their total size (see `entryBytes`)
   * would exceed maxBytes, but always at least one entry when lo < hi.
   * Requires firstIndex() <= lo <= hi <= lastIndex() + 1.
   * Returns undefined if the range is not available right now (see above). The returned array
   * and entries belong to the caller, who never mutates them.
   */
  entries(lo: RaftIndex, hi: RaftIndex, maxBytes: number): readonly Entry[] | undefined;
  /**
   * The term of the entry at `index`, for index in [firstIndex() - 1, lastIndex()] (firstIndex()-1
   * answers the snapshot's term); undefined outside that range.
   */
  term(index: RaftIndex): Term | undefined;
  /** Index of the first entry still stored (snapshot index + 1). */
  firstIndex(): RaftIndex;
  /** Index of the last stored entry, or the snapshot index when no entries follow it. */
  lastIndex(): RaftIndex;
  snapshotMeta(): SnapshotMeta;
  /** The latest snapshot with its data, to send to a follower that is behind firstIndex(). */
  snapshot(): Snapshot;
}
