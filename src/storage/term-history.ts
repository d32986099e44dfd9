// Which term each raft index has, kept in memory as the list of (firstRaftIndex, term) at which
// a new term starts: Raft asks termAt() on every AppendEntries, so it must be cheap.
//
// Example: entries 5..9 with terms [1,1,2,2,3] are stored as [[5,1],[7,2],[9,3]];
// truncateFrom(8) leaves [[5,1],[7,2]].

export class TermHistory {
  /** Invariant: starts ascending by raft index, consecutive terms differ. */
  private starts: [number, number][] = [];

  /** Records that `raftIndex` (the next index after all recorded ones) has `term`. */
  append(raftIndex: number, term: number): void {
    const last = this.starts[this.starts.length - 1];
    if (last === undefined || last[1] !== term) this.starts.push([raftIndex, term]);
  }

  /** Term at `raftIndex`, assuming firstIndex <= raftIndex <= lastIndex was checked by the caller. */
  termAt(raftIndex: number): number | undefined {
    const s = this.starts;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]![0] <= raftIndex) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : s[lo - 1]![1];
  }

  /** Forgets every index >= raftIndex. */
  truncateFrom(raftIndex: number): void {
    while (this.starts.length > 0 && this.starts[this.starts.length - 1]![0] >= raftIndex) this.starts.pop();
  }

  /** Forgets every index < raftIndex (keeping the term that covers raftIndex itself). */
  truncateBefore(raftIndex: number): void {
    let drop = 0;
    while (drop + 1 < this.starts.length && this.starts[drop + 1]![0] <= raftIndex) drop++;
    if (drop > 0) this.starts.splice(0, drop);
    const first = this.starts[0];
    if (first !== undefined && first[0] < raftIndex) first[0] = raftIndex;
  }

  clear(): void {
    this.starts = [];
  }
}
