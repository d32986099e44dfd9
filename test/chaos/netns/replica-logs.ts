// The end-of-run check that Raft's logs agree (docs/chaos.md): once the network is healed and the
// producers are flushed, every replica of a partition must hold the same entries, byte for byte.
// A replica's entries are its segment files in order, concatenated, as
// test/integration/cluster-rebuild.test.ts compares them. A follower may still be catching up, so
// the comparison is repeated until it holds or the deadline passes; what differs then is reported.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterHarness } from '../../integration/cluster-harness';
import { partitionDirOf } from '../../partition-dir-of';
import { SEGMENT_FILE_PATTERN } from '../../../src/storage/segment';
import { holdsWithin } from '../fault-run';

/** A replica's entries: its segment files in order, concatenated; undefined if it has no directory of the partition. */
export function replicaLogBytes(dataDir: string, topic: string, partition: number): Buffer | undefined {
  if (!existsSync(join(dataDir, 'partitions'))) return undefined;
  let dir: string;
  try {
    dir = partitionDirOf(dataDir, topic, partition);
  } catch {
    return undefined;
  }
  const segments = readdirSync(dir).filter((f) => SEGMENT_FILE_PATTERN.test(f)).sort();
  return Buffer.concat(segments.map((f) => readFileSync(join(dir, f))));
}

/**
 * Differences between two replicas' entries, in words: where they part (the first differing byte)
 * and each one's length; undefined when identical.
 */
export function describeDifference(a: Buffer, b: Buffer): string | undefined {
  if (a.equals(b)) return undefined;
  const shorter = Math.min(a.length, b.length);
  let at = 0;
  while (at < shorter && a[at] === b[at]) at++;
  return at === shorter ? `one is a prefix of the other (${a.length} and ${b.length} bytes)` : `they differ from byte ${at} (${a.length} and ${b.length} bytes)`;
}

/**
 * Compares the replicas of every partition of `topic` (the brokers holding a directory of it, at
 * least `replicationFactor` of them) until all agree or `timeoutMs` passes. Returns one anomaly
 * line per partition whose replicas still differ.
 */
export async function compareReplicaLogs(cluster: ClusterHarness, topic: string, partitions: number, replicationFactor: number, timeoutMs: number): Promise<string[]> {
  const differences = (): string[] => {
    const found: string[] = [];
    for (let p = 0; p < partitions; p++) {
      const logs = cluster.ids.map((id) => ({ id, bytes: replicaLogBytes(join(cluster.dir, `node-${id}`), topic, p) })).filter((l): l is { id: number; bytes: Buffer } => l.bytes !== undefined);
      if (logs.length < replicationFactor) found.push(`${topic}/${p}: only brokers ${logs.map((l) => l.id).join(',') || 'none'} hold a log of it, expected ${replicationFactor} replicas`);
      const [first, ...rest] = logs;
      for (const other of rest) {
        const difference = describeDifference(first!.bytes, other.bytes);
        if (difference !== undefined) found.push(`${topic}/${p}: the logs of brokers ${first!.id} and ${other.id} differ: ${difference}`);
      }
    }
    return found;
  };
  let last: string[] = [];
  await holdsWithin(() => (last = differences()).length === 0, timeoutMs);
  return last.map((line) => `replicas disagree ${timeoutMs / 1000} s after the end: ${line}`);
}
