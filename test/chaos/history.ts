// The history of one producer in a fault test: every produce() call (its unique value and when it
// was made) and its outcome (acknowledged at partition+offset, or failed — with whether the
// client says the record may be stored all the same, see isOutcomeUnknown in src/client/errors.ts).
// The checker (checker.ts) compares it with what the cluster stores. Values are `<name>-<index>`,
// so a record read back names its producer and its invocation; the outcomes live in typed arrays
// indexed by invocation (an 8-minute run holds millions of records: objects per record would not fit).
import { isOutcomeUnknown } from '../../src/client/errors';
import type { ProduceCallback } from '../../src/client/types';

/** What became of one invocation. */
export enum Outcome {
  Pending = 0,
  Acknowledged = 1,
  /** The client said the record is certainly not stored. */
  NotStored = 2,
  /** The client said the record may be stored (isOutcomeUnknown). */
  Unknown = 3,
}

const now = (): number => performance.timeOrigin + performance.now();

/** A growable typed array (doubling), so a history needs no capacity up front. */
function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, needed: number, make: (size: number) => T): T {
  if (needed <= array.length) return array;
  const bigger = make(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class History {
  private count = 0;
  private invokedMs = new Float64Array(1024);
  private settledMs = new Float64Array(1024);
  private outcomes = new Uint8Array(1024);
  private partitions = new Int32Array(1024);
  private offsets = new Float64Array(1024);
  /** Failure messages (digits blanked, so alike failures share a line) with how many records each. */
  readonly failureKinds = new Map<string, number>();
  private firstInvokedMs = Infinity;
  private lastSettledMs = -Infinity;
  private lastAckMs = -Infinity;
  private longestGap = 0;
  private acks = 0;
  /** Acknowledgements per partition, counted as they arrive (tests wait on these). */
  readonly acksByPartition = new Map<number, number>();

  /**
   * `name` prefixes every value; it must not contain '-' (values are parsed back by it).
   * `idempotent: false` for a producer that promises at-least-once only: its records may be
   * stored more than once (a retry of a batch that was stored), which the checker then allows.
   */
  constructor(
    readonly name: string,
    readonly options: { readonly idempotent?: boolean } = {},
  ) {
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`history name '${name}' must be letters, digits or '_' (it prefixes every value as '<name>-<index>')`);
  }

  /** Records an invocation; returns its value and the callback to pass to produce(). */
  invoke(): { value: string; callback: ProduceCallback } {
    const index = this.count++;
    this.ensure(this.count);
    const at = now();
    this.invokedMs[index] = at;
    if (this.firstInvokedMs === Infinity) this.firstInvokedMs = at;
    return {
      value: this.valueOf(index),
      callback: (error, metadata) => {
        if (error) this.failed(index, error);
        else this.acknowledged(index, metadata!.partition, metadata!.offset);
      },
    };
  }

  /** The outcome of invocation `index` as the client reported it. */
  acknowledged(index: number, partition: number, offset: number): void {
    const at = this.settle(index, Outcome.Acknowledged);
    this.partitions[index] = partition;
    this.offsets[index] = offset;
    const since = this.lastAckMs === -Infinity ? this.firstInvokedMs : this.lastAckMs;
    this.longestGap = Math.max(this.longestGap, at - since);
    this.lastAckMs = at;
    this.acks++;
    this.acksByPartition.set(partition, (this.acksByPartition.get(partition) ?? 0) + 1);
  }

  failed(index: number, error: Error): void {
    this.settle(index, isOutcomeUnknown(error) ? Outcome.Unknown : Outcome.NotStored);
    const kind = `${error.name}: ${error.message.replace(/\d+/g, 'N')}`;
    this.failureKinds.set(kind, (this.failureKinds.get(kind) ?? 0) + 1);
  }

  /** Acknowledgements so far (tally() counts every outcome but walks the whole history). */
  get acknowledgements(): number {
    return this.acks;
  }

  get invocations(): number {
    return this.count;
  }

  valueOf(index: number): string {
    return `${this.name}-${index}`;
  }

  /** The invocation a stored value stands for, or undefined when it is not one of this history's values. */
  indexOf(value: string): number | undefined {
    if (!value.startsWith(`${this.name}-`)) return undefined;
    const digits = value.slice(this.name.length + 1);
    return /^(0|[1-9]\d*)$/.test(digits) ? Number(digits) : undefined;
  }

  /** Whether a value carries this history's prefix (a foreign prefix belongs to another producer). */
  owns(value: string): boolean {
    return value.startsWith(`${this.name}-`);
  }

  outcome(index: number): Outcome {
    return this.outcomes[index] as Outcome;
  }

  /** Where invocation `index` was acknowledged (only for Outcome.Acknowledged). */
  position(index: number): { partition: number; offset: number } {
    return { partition: this.partitions[index]!, offset: this.offsets[index]! };
  }

  /** How many invocations have each outcome so far. */
  tally(): Record<'pending' | 'acknowledged' | 'notStored' | 'unknown', number> {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < this.count; i++) counts[this.outcomes[i]!]!++;
    return { pending: counts[0]!, acknowledged: counts[1]!, notStored: counts[2]!, unknown: counts[3]! };
  }

  /** The longest time from produce() to acknowledgement of any record (ms). */
  slowestAckMs(): number {
    let slowest = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.outcomes[i] === Outcome.Acknowledged) slowest = Math.max(slowest, this.settledMs[i]! - this.invokedMs[i]!);
    }
    return Math.round(slowest);
  }

  /**
   * The longest time without an acknowledgement between the first invocation and the last outcome
   * (ms): an outage the producer could not ride out shows here even when nothing is lost.
   */
  longestAckGapMs(): number {
    const tail = this.lastSettledMs === -Infinity ? 0 : this.lastSettledMs - (this.lastAckMs === -Infinity ? this.firstInvokedMs : this.lastAckMs);
    return Math.round(Math.max(this.longestGap, tail));
  }

  /**
   * Per partition, the longest time without an acknowledgement on it between the first
   * invocation and the last outcome (ms): how long a fault kept that partition unwritable.
   */
  longestAckGapByPartitionMs(): Map<number, number> {
    const settled = new Map<number, number[]>();
    for (let i = 0; i < this.count; i++) {
      if (this.outcomes[i] !== Outcome.Acknowledged) continue;
      const list = settled.get(this.partitions[i]!) ?? [];
      list.push(this.settledMs[i]!);
      settled.set(this.partitions[i]!, list);
    }
    const gaps = new Map<number, number>();
    for (const [partition, times] of settled) {
      times.sort((a, b) => a - b);
      let longest = Math.max(times[0]! - this.firstInvokedMs, this.lastSettledMs - times[times.length - 1]!);
      for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
      gaps.set(partition, Math.round(longest));
    }
    return gaps;
  }

  /** Calls `visit` with each acknowledged invocation's partition, invocation time and acknowledgement time (epoch ms). */
  forEachAcknowledged(visit: (partition: number, invokedMs: number, acknowledgedMs: number) => void): void {
    for (let i = 0; i < this.count; i++) if (this.outcomes[i] === Outcome.Acknowledged) visit(this.partitions[i]!, this.invokedMs[i]!, this.settledMs[i]!);
  }

  /** Acknowledgement latency (produce() to acknowledgement) at the given percentiles (ms). */
  ackLatencyPercentilesMs(percentiles: readonly number[]): number[] {
    const latencies: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.outcomes[i] === Outcome.Acknowledged) latencies.push(this.settledMs[i]! - this.invokedMs[i]!);
    latencies.sort((a, b) => a - b);
    return percentiles.map((p) => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!)));
  }

  private settle(index: number, outcome: Outcome): number {
    if (index < 0 || index >= this.count) throw new Error(`${this.name}: no invocation ${index} (there are ${this.count})`);
    if (this.outcomes[index] !== Outcome.Pending) {
      throw new Error(`${this.name}-${index} was told its outcome twice (${Outcome[this.outcomes[index]!]}, then ${Outcome[outcome]}): a produce callback must be called once`);
    }
    const at = now();
    this.outcomes[index] = outcome;
    this.settledMs[index] = at;
    this.lastSettledMs = Math.max(this.lastSettledMs, at);
    return at;
  }

  private ensure(size: number): void {
    this.invokedMs = grown(this.invokedMs, size, (n) => new Float64Array(n));
    this.settledMs = grown(this.settledMs, size, (n) => new Float64Array(n));
    this.outcomes = grown(this.outcomes, size, (n) => new Uint8Array(n));
    this.partitions = grown(this.partitions, size, (n) => new Int32Array(n));
    this.offsets = grown(this.offsets, size, (n) => new Float64Array(n));
  }
}
