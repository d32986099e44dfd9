// What consumers read during a chaos run, checked against the log read after it (docs/chaos.md).
// A consumer sees only committed records, so everything it read must still be in the final log at
// the offset it read it from (a read of a record that is later missing is a read of something
// never committed), and a consumer reading a partition from offset 0 sees every offset once, in
// order: no offset skipped, none handed out twice.

/** One consumer's reads, per partition, in the order it was handed them. */
export class ConsumerReads {
  private readonly byPartition = new Map<number, { offsets: number[]; values: (string | null)[] }>();
  count = 0;

  constructor(readonly name: string) {}

  read(partition: number, offset: number, value: string | null): void {
    let reads = this.byPartition.get(partition);
    if (!reads) this.byPartition.set(partition, (reads = { offsets: [], values: [] }));
    reads.offsets.push(offset);
    reads.values.push(value);
    this.count++;
  }

  /** Where a consumer restarted after a failure resumes a partition: past the highest offset read. */
  nextOffset(partition: number): number {
    const offsets = this.byPartition.get(partition)?.offsets ?? [];
    return offsets.reduce((next, offset) => Math.max(next, offset + 1), 0);
  }

  partitions(): [number, { readonly offsets: readonly number[]; readonly values: readonly (string | null)[] }][] {
    return [...this.byPartition.entries()].sort(([a], [b]) => a - b);
  }
}

/** The log after the run, partition → value at each offset from 0 (fed by read-log.ts). */
export class FinalLog {
  private readonly partitions = new Map<number, (string | null)[]>();

  record(partition: number, offset: number, value: string | null): void {
    let values = this.partitions.get(partition);
    if (!values) this.partitions.set(partition, (values = []));
    values[offset] = value;
  }

  /** The value at (partition, offset), or undefined past the partition's end. */
  at(partition: number, offset: number): string | null | undefined {
    return this.partitions.get(partition)?.[offset];
  }
}

export interface ConsumerReport {
  readonly consumer: string;
  readonly reads: number;
  /** Read at an offset that the final log holds another value at, or does not hold at all. */
  readonly readNotInLog: number;
  /** The next offset read was past the one after the previous (or the first read was not offset 0). */
  readonly skipped: number;
  /** An offset at or before one already read was handed out again. */
  readonly reread: number;
  readonly examples: readonly string[];
}

const EXAMPLES_PER_CONSUMER = 10;

export function checkConsumer(reads: ConsumerReads, log: FinalLog): ConsumerReport {
  const counts = { readNotInLog: 0, skipped: 0, reread: 0 };
  const examples: string[] = [];
  const example = (text: string): void => void (examples.length < EXAMPLES_PER_CONSUMER && examples.push(`${reads.name}: ${text}`));
  for (const [partition, { offsets, values }] of reads.partitions()) {
    let next = 0;
    for (let i = 0; i < offsets.length; i++) {
      const offset = offsets[i]!;
      const value = values[i]!;
      if (offset > next) {
        counts.skipped++;
        example(`read ${partition}@${offset} after ${partition}@${next - 1}: offsets ${next}..${offset - 1} skipped`);
      } else if (offset < next) {
        counts.reread++;
        example(`read ${partition}@${offset} again after ${partition}@${next - 1}`);
      }
      next = Math.max(next, offset + 1);
      const stored = log.at(partition, offset);
      if (stored !== value) {
        counts.readNotInLog++;
        example(`read '${value}' at ${partition}@${offset}, which the log after the run ${stored === undefined ? 'does not reach' : `holds '${stored}' at`}`);
      }
    }
  }
  return { consumer: reads.name, reads: reads.count, ...counts, examples };
}

/** Each broken promise of a consumer report, one line each (empty: all kept). */
export function consumerViolations(report: ConsumerReport): string[] {
  const found: string[] = [];
  for (const kind of ['readNotInLog', 'skipped', 'reread'] as const) if (report[kind] > 0) found.push(`${report.consumer}: ${kind} ${report[kind]}`);
  if (found.length > 0) found.push(...report.examples.map((e) => `  ${e}`));
  return found;
}
