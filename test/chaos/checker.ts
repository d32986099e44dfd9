// Checks what a cluster stores against what its producers were told (history.ts). Feed it every
// record of every partition, each partition read from offset 0 in offset order (reads return only
// committed records), then finish(). The promises checked are the README's acks=all and
// idempotent-producer rows (docs/chaos.md lists them):
//   - an acknowledged record is stored exactly at its acknowledged (partition, offset), once
//     (a producer that is not idempotent promises at-least-once: copies elsewhere are allowed);
//   - a record reported as certainly not stored is absent;
//   - a record whose outcome is unknown is stored at most once;
//   - nothing is stored that was never produced, and no offset is skipped.
import { Outcome, type History } from './history';

export interface ProducerReport {
  readonly producer: string;
  /** Whether the producer promised exactly once (false: at-least-once, duplicates allowed). */
  readonly idempotent: boolean;
  readonly invocations: number;
  readonly acknowledged: number;
  /** Failed, and the client said certainly not stored. */
  readonly failedNotStored: number;
  /** Failed, and the client said the outcome is unknown. */
  readonly failedUnknown: number;
  /** Never told an outcome (a flush that did not finish). */
  readonly pending: number;
  /** Acknowledged, and nowhere in the log. */
  readonly lost: number;
  /** Acknowledged, and its acknowledged position holds another record, or it is stored elsewhere. */
  readonly misplaced: number;
  /** Stored more than once (whatever its outcome). */
  readonly duplicated: number;
  /** Reported as certainly not stored, and stored. */
  readonly failedButStored: number;
  readonly unknownStored: number;
  readonly unknownAbsent: number;
  /** Stored values with this producer's prefix that it never produced. */
  readonly neverProduced: number;
  readonly longestAckGapMs: number;
  readonly slowestAckMs: number;
  /** Failure messages (digits blanked) and how many records failed with each. */
  readonly failureKinds: Record<string, number>;
  /** A few examples of each violation, for the failure message. */
  readonly examples: readonly string[];
}

export interface CheckResult {
  readonly producers: readonly ProducerReport[];
  /** Stored records that belong to no history (another prefix, or no value). */
  readonly strangers: number;
  /** Records whose offset was not the next one of their partition (offsets must be dense from 0). */
  readonly offsetGaps: number;
  readonly recordsRead: number;
  readonly examples: readonly string[];
}

const EXAMPLES_PER_KIND = 5;

/** One history's view of the log as it is read. */
class Tracker {
  /** How many times each invocation's value was read (saturating at 255). */
  private seen = new Uint8Array(0);
  /** Whether the value was read at the position it was acknowledged with. */
  private atPosition = new Uint8Array(0);
  neverProduced = 0;
  readonly examples = new Map<string, string[]>();

  constructor(readonly history: History) {}

  read(index: number, partition: number, offset: number): void {
    if (index >= this.history.invocations) {
      this.neverProduced++;
      this.example('neverProduced', `${this.history.valueOf(index)} stored at ${partition}@${offset} was never produced`);
      return;
    }
    this.grow();
    if (this.seen[index]! < 255) this.seen[index]!++;
    if (this.history.outcome(index) === Outcome.Acknowledged) {
      const acked = this.history.position(index);
      if (acked.partition === partition && acked.offset === offset) this.atPosition[index] = 1;
    }
  }

  report(logEnd: (partition: number) => number): ProducerReport {
    this.grow();
    const history = this.history;
    const counts = { lost: 0, misplaced: 0, duplicated: 0, failedButStored: 0, unknownStored: 0, unknownAbsent: 0 };
    for (let i = 0; i < history.invocations; i++) {
      const seen = this.seen[i]!;
      const value = history.valueOf(i);
      if (seen > 1) {
        counts.duplicated++;
        if (history.options.idempotent !== false) this.example('duplicated', `${value} is stored ${seen} times`);
      }
      switch (history.outcome(i)) {
        case Outcome.Acknowledged: {
          if (this.atPosition[i]) break;
          const { partition, offset } = history.position(i);
          if (seen === 0) {
            counts.lost++;
            this.example('lost', `${value} acknowledged at ${partition}@${offset} is not stored`);
          }
          if (seen > 0 || offset < logEnd(partition)) {
            counts.misplaced++;
            this.example('misplaced', `${value} acknowledged at ${partition}@${offset}, which holds another record${seen > 0 ? ` (${value} is stored elsewhere)` : ''}`);
          }
          break;
        }
        case Outcome.NotStored:
          if (seen > 0) {
            counts.failedButStored++;
            this.example('failedButStored', `${value} was reported as not stored and is stored`);
          }
          break;
        case Outcome.Unknown:
          if (seen > 0) counts.unknownStored++;
          else counts.unknownAbsent++;
          break;
        case Outcome.Pending:
          break;
      }
    }
    const tally = history.tally();
    return {
      producer: history.name,
      idempotent: history.options.idempotent !== false,
      invocations: history.invocations,
      acknowledged: tally.acknowledged,
      failedNotStored: tally.notStored,
      failedUnknown: tally.unknown,
      pending: tally.pending,
      ...counts,
      neverProduced: this.neverProduced,
      longestAckGapMs: history.longestAckGapMs(),
      slowestAckMs: history.slowestAckMs(),
      failureKinds: Object.fromEntries(history.failureKinds),
      examples: [...this.examples.values()].flat(),
    };
  }

  private example(kind: string, text: string): void {
    const list = this.examples.get(kind) ?? [];
    if (list.length < EXAMPLES_PER_KIND) list.push(text);
    this.examples.set(kind, list);
  }

  /** The history may have grown since the last read (a producer still running while the log is read). */
  private grow(): void {
    const size = this.history.invocations;
    if (this.seen.length >= size) return;
    const seen = new Uint8Array(Math.max(size, this.seen.length * 2));
    seen.set(this.seen);
    this.seen = seen;
    const atPosition = new Uint8Array(seen.length);
    atPosition.set(this.atPosition);
    this.atPosition = atPosition;
  }
}

export class LogChecker {
  private readonly trackers: Tracker[];
  private readonly ends = new Map<number, number>();
  private strangers = 0;
  private offsetGaps = 0;
  private recordsRead = 0;
  private readonly examples: string[] = [];

  constructor(histories: readonly History[]) {
    const names = new Set<string>();
    for (const history of histories) {
      if (names.has(history.name)) throw new Error(`two histories are named '${history.name}': each producer needs its own prefix`);
      names.add(history.name);
    }
    this.trackers = histories.map((history) => new Tracker(history));
  }

  /** One stored record; each partition's records must come in offset order from 0. */
  record(partition: number, offset: number, value: string | null): void {
    this.recordsRead++;
    const expected = this.ends.get(partition) ?? 0;
    if (offset !== expected) {
      this.offsetGaps++;
      if (this.examples.length < EXAMPLES_PER_KIND) this.examples.push(`partition ${partition}: read offset ${offset} where ${expected} was next`);
    }
    this.ends.set(partition, Math.max(expected, offset + 1));
    if (value !== null) {
      for (const tracker of this.trackers) {
        const index = tracker.history.indexOf(value);
        if (index !== undefined) {
          tracker.read(index, partition, offset);
          return;
        }
      }
    }
    this.strangers++;
    if (this.examples.length < EXAMPLES_PER_KIND) this.examples.push(`${partition}@${offset} holds ${value === null ? 'a null value' : `'${value}'`}, which no producer here produced`);
  }

  finish(): CheckResult {
    const logEnd = (partition: number): number => this.ends.get(partition) ?? 0;
    return {
      producers: this.trackers.map((tracker) => tracker.report(logEnd)),
      strangers: this.strangers,
      offsetGaps: this.offsetGaps,
      recordsRead: this.recordsRead,
      examples: this.examples,
    };
  }
}

/** Checks a whole log at once (tests with hand-made logs). */
export function checkLog(histories: readonly History[], log: Iterable<{ partition: number; offset: number; value: string | null }>): CheckResult {
  const checker = new LogChecker(histories);
  for (const { partition, offset, value } of log) checker.record(partition, offset, value);
  return checker.finish();
}

/**
 * Every broken promise in a result, one line each (empty: all kept). Unknown outcomes stored once
 * or not at all are allowed; `pending` counts because a run that cannot flush proves nothing.
 */
export function violations(result: CheckResult): string[] {
  const found: string[] = [];
  for (const p of result.producers) {
    const counts: [string, number][] = [
      ['lost', p.lost], ['misplaced', p.misplaced], ['duplicated', p.idempotent ? p.duplicated : 0],
      ['failedButStored', p.failedButStored], ['neverProduced', p.neverProduced], ['pending', p.pending],
    ];
    for (const [kind, count] of counts) if (count > 0) found.push(`${p.producer}: ${kind} ${count}`);
    if (p.examples.length > 0) found.push(...p.examples.map((e) => `  ${e}`));
  }
  if (result.strangers > 0) found.push(`strangers ${result.strangers}`);
  if (result.offsetGaps > 0) found.push(`offsetGaps ${result.offsetGaps}`);
  if (found.length > 0) found.push(...result.examples.map((e) => `  ${e}`));
  return found;
}

/** The counts of a result without examples or failure kinds, for a one-line log or JSON summary. */
export function summary(result: CheckResult): object {
  return {
    producers: result.producers.map(({ examples, failureKinds, ...counts }) => counts),
    strangers: result.strangers,
    offsetGaps: result.offsetGaps,
    recordsRead: result.recordsRead,
  };
}
