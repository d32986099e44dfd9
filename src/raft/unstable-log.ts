// Entries and a snapshot the core holds in memory until the host has written them (etcd's
// "unstable" log). Once a Ready carrying them is advanced they are readable from RaftStorage
// and dropped from here.
import type { RaftIndex, Term } from '../common/ids';
import type { Entry, Snapshot } from './messages';

export class UnstableLog {
  /** A snapshot received from the leader and not yet written by the host. */
  snapshot: Snapshot | null = null;
  /** True once `snapshot` has been handed to the host in a Ready. */
  snapshotInProgress = false;
  /** Invariant: entries[i].index === offset + i. */
  entries: Entry[] = [];
  /** Index of entries[0]; the storage's lastIndex()+1 when entries is empty (and no snapshot). */
  offset: number;
  /**
   * Entries with index < offsetInProgress have been handed to the host in a Ready that is not
   * yet advanced. Invariant: offset <= offsetInProgress <= offset + entries.length.
   */
  offsetInProgress: number;

  constructor(offset: number) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** Last index held here, if any. */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    if (this.snapshot) return this.snapshot.meta.index;
    return undefined;
  }

  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.meta.index + 1 : undefined;
  }

  maybeTerm(index: number): Term | undefined {
    if (index < this.offset) {
      return this.snapshot && this.snapshot.meta.index === index ? this.snapshot.meta.term : undefined;
    }
    const e = this.entries[index - this.offset];
    return e?.term;
  }

  /** Entries not yet handed to the host. */
  nextEntries(): Entry[] {
    const start = this.offsetInProgress - this.offset;
    return start >= this.entries.length ? [] : this.entries.slice(start);
  }

  hasNextEntries(): boolean {
    return this.offsetInProgress < this.offset + this.entries.length;
  }

  nextSnapshot(): Snapshot | null {
    return this.snapshot && !this.snapshotInProgress ? this.snapshot : null;
  }

  /** Marks everything currently held as handed to the host. */
  acceptInProgress(): void {
    this.offsetInProgress = this.offset + this.entries.length;
    if (this.snapshot) this.snapshotInProgress = true;
  }

  /** The host has written entries up to (index, term): they now live in storage. */
  stableTo(index: RaftIndex, term: Term): void {
    const t = this.maybeTerm(index);
    // A different term means the entries were replaced after the Ready was built; the newer ones
    // will come in a later Ready.
    if (t === undefined || t !== term || index < this.offset) return;
    const n = index + 1 - this.offset;
    this.entries = n >= this.entries.length ? [] : this.entries.slice(n);
    this.offset = index + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  stableSnapTo(index: RaftIndex): void {
    if (this.snapshot && this.snapshot.meta.index === index) {
      this.snapshot = null;
      this.snapshotInProgress = false;
    }
  }

  restore(snapshot: Snapshot): void {
    this.offset = snapshot.meta.index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = snapshot;
    this.snapshotInProgress = false;
  }

  /**
   * Appends entries, first dropping everything at or after entries[0].index. When that reaches
   * below `offset`, the entries come to start before what the host stored, and the host will
   * truncate its log when it writes them (see Ready.entries).
   */
  truncateAndAppend(ents: readonly Entry[]): void {
    const from = ents[0]!.index;
    if (from === this.offset + this.entries.length) {
      for (const e of ents) this.entries.push(e);
    } else if (from <= this.offset) {
      this.offset = from;
      this.entries = ents.slice();
    } else {
      this.entries = this.entries.slice(0, from - this.offset);
      for (const e of ents) this.entries.push(e);
    }
    this.offsetInProgress = Math.min(this.offsetInProgress, from);
  }

  /** Entries in [lo, hi); requires offset <= lo <= hi <= offset + entries.length. */
  slice(lo: number, hi: number): Entry[] {
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
