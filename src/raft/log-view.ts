// One view over the Raft log: the host's RaftStorage (written entries) followed by the core's
// unstable entries, plus the commit and apply positions (thesis §3.5, §3.6).
import { asRaftIndex, type Term } from '../common/ids';
import { entryBytes, type Entry, type Snapshot } from './messages';
import type { RaftStorage } from './storage';
import { UnstableLog } from './unstable-log';

export class LogView {
  readonly unstable: UnstableLog;
  /** Highest index known to be committed. Invariant: applied <= applying <= committed <= lastIndex(). */
  committed: number;
  /** Highest index handed to the host for applying (in a Ready not yet advanced, or earlier). */
  applying: number;
  /** Highest index the host has applied (advanced). */
  applied: number;

  constructor(readonly storage: RaftStorage, readonly maxApplyBytes: number) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    const commit = storage.initialState().hardState.commit;
    this.committed = Math.min(Math.max(commit, first - 1), last);
    this.applied = first - 1;
    this.applying = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): Term {
    const t = this.term(this.lastIndex());
    if (t === undefined) throw new Error(`term of the last index ${this.lastIndex()} is unavailable`);
    return t;
  }

  /** Term of the entry at `index`, or undefined if compacted away or beyond the end. */
  term(index: number): Term | undefined {
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined;
    return this.unstable.maybeTerm(index) ?? this.storage.term(asRaftIndex(index));
  }

  matchTerm(index: number, term: Term): boolean {
    return this.term(index) === term;
  }

  /** Thesis §3.6.1: a candidate's log is at least as up to date as ours. */
  isUpToDate(lastIndex: number, lastTerm: Term): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Entries in [lo, hi) up to maxBytes (at least one when lo < hi). Undefined when part of the
   * range is compacted (the caller then sends a snapshot) or storage cannot serve it right now;
   * `compacted` tells which.
   */
  slice(lo: number, hi: number, maxBytes: number): { entries?: Entry[]; compacted: boolean } {
    if (lo < this.firstIndex()) return { compacted: true };
    if (hi > this.lastIndex() + 1) throw new Error(`slice [${lo}, ${hi}) beyond the last index ${this.lastIndex()}`);
    if (lo >= hi) return { entries: [], compacted: false };
    const offset = this.unstable.offset;
    let out: Entry[] = [];
    let bytes = 0;
    if (lo < offset) {
      const stored = this.storage.entries(asRaftIndex(lo), asRaftIndex(Math.min(hi, offset)), maxBytes);
      if (stored === undefined) return { compacted: false };
      out = stored.slice();
      for (const e of out) bytes += entryBytes(e);
      if (out.length < Math.min(hi, offset) - lo) return { entries: out, compacted: false };
    }
    for (let i = Math.max(lo, offset); i < hi; i++) {
      const e = this.unstable.entries[i - offset]!;
      bytes += entryBytes(e);
      if (bytes > maxBytes && out.length > 0) break;
      out.push(e);
    }
    return { entries: out, compacted: false };
  }

  /** Index of the first entry of `ents` whose term differs from ours, or 0 if all match. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  /**
   * Fast back-off: the largest index <= `index` whose term is <= `term` (or the first unknown one).
   * Used by a follower to hint where its log may agree with a leader whose prevTerm is `term`.
   */
  findConflictByTerm(index: number, term: Term): { index: number; term: Term | undefined } {
    for (let i = index; i >= 0; i--) {
      const t = this.term(i);
      if (t === undefined || t <= term) return { index: i, term: t };
    }
    return { index: 0, term: undefined };
  }

  /** Appends after any conflicting suffix; returns the last index. Never truncates committed entries. */
  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) throw new Error(`invariant broken: append after ${after} would truncate committed entries up to ${this.committed}`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) throw new Error(`invariant broken: commit ${index} is beyond the last index ${this.lastIndex()}`);
    this.committed = index;
  }

  /** Committed entries not yet handed to the host, up to maxApplyBytes (empty when storage is not ready). */
  nextCommittedEntries(): Entry[] {
    const lo = Math.max(this.applying + 1, this.firstIndex());
    if (lo > this.committed) return [];
    const r = this.slice(lo, this.committed + 1, this.maxApplyBytes);
    return r.entries ?? [];
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > this.applying && this.unstable.nextSnapshot() === null;
  }

  restore(snapshot: Snapshot): void {
    this.unstable.restore(snapshot);
    this.committed = snapshot.meta.index;
    this.applying = Math.max(this.applying, snapshot.meta.index);
  }
}
