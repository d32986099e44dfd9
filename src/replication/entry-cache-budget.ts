// One byte budget for the entry caches of every Raft group on a broker. Each group keeps the
// entries it wrote last in memory so that appends to followers are served without a disk read
// (log-raft-storage.ts). With a bound per group only, a broker's caches grew with its partition
// count, and a group that went quiet kept its full cache for ever: after a benchmark's paced runs
// each idle topic held 32 MiB in ~65,000 small entries, which every full collection walked, and
// the next topic's replicated produce ran at 60% of the speed it had on a fresh broker. Under one
// budget the groups written least recently give their entries back first, so memory follows the
// groups that are being written, whatever the number of partitions.
import { Gauge } from 'prom-client';

/** A group's cache as the budget sees it. */
export interface CacheMember {
  /**
   * Drops the member's oldest entries until at least `bytes` are freed or none is left (with
   * `keepNewest`, the member is writing: its newest entry stays), reporting drops through
   * `released`.
   */
  shed(bytes: number, keepNewest: boolean): void;
}

export const DEFAULT_ENTRY_CACHE_BYTES = 64 * 1024 * 1024;

export class EntryCacheBudget {
  private usedBytes = 0;
  /** Bytes each member holds, least recently written first (a Map keeps insertion order). */
  private readonly held = new Map<CacheMember, number>();
  // Not in prom-client's global registry: several brokers (and tests) live in one process.
  readonly metric: Gauge;

  constructor(readonly limitBytes: number = DEFAULT_ENTRY_CACHE_BYTES) {
    if (!Number.isInteger(limitBytes) || limitBytes < 1) throw new Error(`entry cache budget ${limitBytes} is invalid: use a positive number of bytes`);
    const budget = this;
    this.metric = new Gauge({
      name: 'sluice_raft_entry_cache_bytes',
      help: 'Bytes of Raft entries cached in memory for followers, all groups of this broker',
      registers: [],
      collect() {
        this.set(budget.usedBytes);
      },
    });
  }

  get bytes(): number {
    return this.usedBytes;
  }

  /** Bytes `member` holds now. */
  heldBy(member: CacheMember): number {
    return this.held.get(member) ?? 0;
  }

  /**
   * `member` cached `bytes` more and is now the most recently written. Past the budget, members
   * shed in order of their last write, the least recent first: `member` itself comes last and
   * keeps its newest entry. The others may give back everything: a follower's entry is a view
   * into the message that carried it (up to 1 MiB), which one kept entry would pin.
   */
  added(member: CacheMember, bytes: number): void {
    const had = this.held.get(member) ?? 0;
    this.held.delete(member);
    this.held.set(member, had + bytes);
    this.usedBytes += bytes;
    if (this.usedBytes <= this.limitBytes) return;
    for (const candidate of this.held.keys()) {
      const excess = this.usedBytes - this.limitBytes;
      if (excess <= 0) return;
      candidate.shed(excess, candidate === member);
    }
  }

  /** `member` dropped entries of `bytes`. */
  released(member: CacheMember, bytes: number): void {
    const left = (this.held.get(member) ?? 0) - bytes;
    // Setting an existing key keeps its place in the order; a member that holds nothing leaves
    // it, so a broker with thousands of idle groups does not walk them on every shed.
    if (left > 0) this.held.set(member, left);
    else this.held.delete(member);
    this.usedBytes -= bytes;
  }
}
