// A consumer group's commits during a chaos run, checked against each other, against what the
// group holds after the run and against the log read after it (docs/chaos.md, "Consumer groups").
// Members that never seek back only move a partition's committed offset forward: a member commits
// the position it reached, and a partition moves to another member only after its owner stopped
// reading it and committed it (docs/consumer-groups.md), while a fenced member's commits are
// refused. So a commit acknowledged after another of the same partition had been acknowledged
// must not be lower; two commits in flight at once (neither acknowledged before the other was
// sent) have no order, and neither is held against the other.
import type { ConsumerReads, FinalLog } from './consumer-reads';

/** One successful commit of one partition: when it was sent and when it was acknowledged (ms). */
export interface GroupCommit {
  readonly member: string;
  readonly partition: number;
  readonly offset: number;
  readonly sentMs: number;
  readonly ackedMs: number;
}

const describe = (c: GroupCommit): string => `${c.member} committed ${c.partition}@${c.offset} (sent ${new Date(c.sentMs).toISOString()}, acknowledged ${new Date(c.ackedMs).toISOString()})`;

/**
 * Each commit lower than one of the same partition acknowledged before it was sent: one line per
 * such commit, naming it and the highest earlier one.
 */
export function committedOffsetsWentBack(commits: readonly GroupCommit[]): string[] {
  const found: string[] = [];
  const partitions = new Set(commits.map((c) => c.partition));
  for (const partition of [...partitions].sort((a, b) => a - b)) {
    const ofPartition = commits.filter((c) => c.partition === partition);
    const byAck = [...ofPartition].sort((a, b) => a.ackedMs - b.ackedMs);
    const bySend = [...ofPartition].sort((a, b) => a.sentMs - b.sentMs);
    let highest: GroupCommit | undefined;
    let next = 0;
    for (const commit of bySend) {
      for (; next < byAck.length && byAck[next]!.ackedMs < commit.sentMs; next++) {
        if (highest === undefined || byAck[next]!.offset > highest.offset) highest = byAck[next]!;
      }
      if (highest !== undefined && commit.offset < highest.offset) found.push(`group: the committed offset of partition ${partition} went back: ${describe(commit)} after ${describe(highest)}`);
    }
  }
  return found;
}

/** The highest successful commit of each partition. */
export function highestCommits(commits: readonly GroupCommit[]): Map<number, GroupCommit> {
  const highest = new Map<number, GroupCommit>();
  for (const c of commits) if ((highest.get(c.partition)?.offset ?? -1) < c.offset) highest.set(c.partition, c);
  return highest;
}

/**
 * Each partition whose offset the group holds after the run (`final`: partition → offset, -1 or
 * absent where none) is below the highest commit it acknowledged.
 */
export function finalOffsetsBelowCommits(commits: readonly GroupCommit[], final: ReadonlyMap<number, number>): string[] {
  const found: string[] = [];
  for (const [partition, highest] of [...highestCommits(commits)].sort(([a], [b]) => a - b)) {
    const held = final.get(partition) ?? -1;
    if (held < highest.offset) found.push(`group: after the run the group holds ${held} for partition ${partition}, below the acknowledged commit: ${describe(highest)}`);
  }
  return found;
}

const EXAMPLES_PER_MEMBER = 10;

/**
 * Each record a member was handed that the log after the run does not hold at that offset (a
 * read of something never committed). Members of a group may be handed a record again (after a
 * rebalance, from the last commit), so only what was read is checked here, not its order.
 */
export function groupReadsNotInLog(reads: readonly ConsumerReads[], log: FinalLog): { count: number; lines: string[] } {
  let count = 0;
  const lines: string[] = [];
  for (const member of reads) {
    let examples = 0;
    for (const [partition, { offsets, values }] of member.partitions()) {
      offsets.forEach((offset, i) => {
        const stored = log.at(partition, offset);
        if (stored === values[i]) return;
        count++;
        if (examples++ < EXAMPLES_PER_MEMBER) lines.push(`group: ${member.name} read '${values[i]}' at ${partition}@${offset}, which the log after the run ${stored === undefined ? 'does not reach' : `holds '${stored}' at`}`);
      });
    }
  }
  return { count, lines };
}
