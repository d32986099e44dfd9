// RaftStorage held in memory, for tests, the simulator and benchmarks. It also carries the
// write side a host needs (setHardState, append, applySnapshot, compact), mirroring what the
// segment-log adapter in src/replication will do on disk.
import { asRaftIndex, asTerm, type NodeId, type RaftIndex, type Term } from '../common/ids';
import { decodeConfigEntry, EMPTY_CONFIG, makeConfig } from './membership';
import { entryBytes, type ConfigState, type Entry, type HardState, type Snapshot, type SnapshotMeta } from './messages';
import type { InitialState, RaftStorage } from './storage';

const EMPTY_DATA = new Uint8Array(0);

export class MemoryRaftStorage implements RaftStorage {
  private hardState: HardState = { term: asTerm(0), vote: null, commit: asRaftIndex(0) };
  private snap: Snapshot;
  /** Invariant: ents[i].index === snap.meta.index + 1 + i. */
  private ents: Entry[] = [];

  constructor(snapshot?: Snapshot) {
    this.snap = snapshot ?? { meta: { index: asRaftIndex(0), term: asTerm(0), config: EMPTY_CONFIG }, data: EMPTY_DATA };
    if (snapshot) this.hardState = { term: snapshot.meta.term, vote: null, commit: snapshot.meta.index };
  }

  /** Storage for a founding member of a new group: an empty log whose configuration is given. */
  static bootstrap(voters: readonly number[], learners: readonly number[] = []): MemoryRaftStorage {
    const s = new MemoryRaftStorage({ meta: { index: asRaftIndex(0), term: asTerm(0), config: makeConfig(voters, learners) }, data: EMPTY_DATA });
    return s;
  }

  initialState(): InitialState {
    for (let i = this.ents.length - 1; i >= 0; i--) {
      const e = this.ents[i]!;
      if (e.type === 'config') return { hardState: this.hardState, config: decodeConfigEntry(e.data).config, configIndex: e.index };
    }
    return { hardState: this.hardState, config: this.snap.meta.config, configIndex: this.snap.meta.index };
  }

  entries(lo: RaftIndex, hi: RaftIndex, maxBytes: number): readonly Entry[] | undefined {
    if (lo < this.firstIndex() || hi > this.lastIndex() + 1 || lo > hi) {
      throw new Error(`entries [${lo}, ${hi}) out of bounds: stored range is [${this.firstIndex()}, ${this.lastIndex() + 1})`);
    }
    const base = this.snap.meta.index + 1;
    let end = lo - base;
    let bytes = 0;
    while (end < hi - base) {
      bytes += entryBytes(this.ents[end]!);
      if (bytes > maxBytes && end > lo - base) break;
      end++;
    }
    return this.ents.slice(lo - base, end);
  }

  term(index: RaftIndex): Term | undefined {
    const snapIndex = this.snap.meta.index;
    if (index === snapIndex) return this.snap.meta.term;
    if (index < snapIndex || index > this.lastIndex()) return undefined;
    return this.ents[index - snapIndex - 1]!.term;
  }

  firstIndex(): RaftIndex {
    return asRaftIndex(this.snap.meta.index + 1);
  }

  lastIndex(): RaftIndex {
    return asRaftIndex(this.snap.meta.index + this.ents.length);
  }

  snapshotMeta(): SnapshotMeta {
    return this.snap.meta;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  // ---- write side, driven by the host from a Ready ----

  hardStateNow(): HardState {
    return this.hardState;
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  /**
   * Appends entries, first deleting any stored entries at or after entries[0].index (thesis §3.5:
   * a conflicting entry and all that follow it are deleted). Entries at or below the snapshot are skipped.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    if (first > this.lastIndex() + 1) {
      throw new Error(`append at ${first} leaves a gap: the log ends at ${this.lastIndex()}`);
    }
    const base = this.snap.meta.index + 1;
    const skip = Math.max(0, base - first);
    if (skip >= entries.length) return;
    this.ents.length = first + skip - base;
    for (let i = skip; i < entries.length; i++) this.ents.push(entries[i]!);
  }

  /** Replaces the whole log by a snapshot received from the leader. Ignores an older snapshot. */
  applySnapshot(snapshot: Snapshot): void {
    if (snapshot.meta.index <= this.snap.meta.index) return;
    this.snap = snapshot;
    this.ents = [];
  }

  /**
   * Discards entries up to and including `index` (which must be applied by the host), keeping a
   * snapshot of the state at `index` whose configuration is `config`.
   */
  compact(index: RaftIndex, config: ConfigState, data: Uint8Array): void {
    if (index <= this.snap.meta.index) return;
    const term = this.term(index);
    if (term === undefined) throw new Error(`compact at ${index} is beyond the last index ${this.lastIndex()}`);
    this.ents = this.ents.slice(index - this.snap.meta.index);
    this.snap = { meta: { index, term, config }, data };
  }

  /** An independent copy (entries are shared: they are immutable). */
  clone(): MemoryRaftStorage {
    const c = new MemoryRaftStorage(this.snap);
    c.hardState = this.hardState;
    c.ents = this.ents.slice();
    return c;
  }

  /** Every node id mentioned in the stored configuration, for tests. */
  members(): NodeId[] {
    const c = this.initialState().config;
    return [...c.voters, ...c.learners];
  }
}
