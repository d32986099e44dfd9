// The leader's view of one follower (thesis §3.5 nextIndex/matchIndex), with etcd's flow
// control: a follower is probed one message at a time until its match is found, then fed by
// pipelining within a bounded in-flight window, or sent a snapshot when it is too far behind.
import type { NodeId } from '../common/ids';

/**
 * probe: the match index is unknown; send one append, then wait for its answer (or a heartbeat
 * response) before the next. replicate: optimistic pipelining up to the in-flight window.
 * snapshot: a snapshot is on its way; send nothing else until it is acknowledged.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** Append messages sent but not yet acknowledged, as a ring of (last index, bytes). */
export class Inflights {
  private readonly lastIndexes: number[];
  private readonly sizes: number[];
  private start = 0;
  count = 0;
  bytes = 0;

  constructor(readonly maxMessages: number, readonly maxBytes: number) {
    this.lastIndexes = new Array<number>(maxMessages).fill(0);
    this.sizes = new Array<number>(maxMessages).fill(0);
  }

  add(lastIndex: number, bytes: number): void {
    if (this.count >= this.maxMessages) throw new Error('invariant broken: in-flight window is full');
    const slot = (this.start + this.count) % this.maxMessages;
    this.lastIndexes[slot] = lastIndex;
    this.sizes[slot] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= `index` (acknowledged). */
  freeLE(index: number): void {
    while (this.count > 0 && this.lastIndexes[this.start]! <= index) {
      this.bytes -= this.sizes[this.start]!;
      this.start = (this.start + 1) % this.maxMessages;
      this.count--;
    }
  }

  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.lastIndexes[this.start]!);
  }

  full(): boolean {
    return this.count >= this.maxMessages || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}

export class Progress {
  /** Highest index known to be replicated (durably) on the follower. Invariant: match < next. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** In probe state: an append is outstanding, wait before sending another. */
  probeSent = false;
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Ticks spent in snapshot state; the leader retries by probing after an election timeout. */
  snapshotTicks = 0;
  /** The commit index carried by the last append sent (to skip empty appends that tell nothing new). */
  sentCommit = 0;
  /** Heard from since the last CheckQuorum round (thesis §6.2). */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(readonly id: NodeId, next: number, public isLearner: boolean, maxInflightMessages: number, maxInflightBytes: number) {
    this.next = next;
    this.inflights = new Inflights(maxInflightMessages, maxInflightBytes);
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotTicks = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** The follower acknowledged `index`; returns whether match advanced. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * The follower rejected an append at prevIndex `rejected`, hinting that its log may match up to
   * `matchHint`. Returns false for a stale rejection (one the current state already accounts for).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Records an append covering entries up to `lastIndex` (count entries, `bytes` in size). */
  sentEntries(count: number, lastIndex: number, bytes: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  describe(): string {
    const extra = this.state === 'snapshot' ? ` snapshot=${this.pendingSnapshot}` : this.state === 'replicate' ? ` inflight=${this.inflights.count}` : this.probeSent ? ' paused' : '';
    return `${this.id}: ${this.state} match=${this.match} next=${this.next}${this.isLearner ? ' learner' : ''}${extra}`;
  }
}
