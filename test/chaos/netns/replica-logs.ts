// The end-of-run check that Raft's logs agree (docs/chaos.md): once the network is healed and the
// producers are flushed, every replica of a partition must hold the same entries, byte for byte.
// A replica's entries are its segment files in order, concatenated, as
// test/integration/cluster-rebuild.test.ts compares them; the replicas are the partition's final
// replica set, which membership changes may have moved. A follower may still be catching up, so
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

/** A partition's replica set as its leader describes it once no move is under way. */
export interface FinalReplicas {
  readonly replicas: readonly number[];
  /** Brokers leaving the partition that keep their copy until the move finishes. */
  readonly retiring: readonly number[];
}

/**
 * What is wrong with one partition's replicas, one line each (empty: nothing): a move still under
 * way, fewer replicas than `replicationFactor`, a replica without a log, replicas whose logs differ
 * (each against the first), and a broker outside the replica set that still holds a log of it (a
 * broker leaving a partition deletes its copy once the move finished).
 */
export function partitionDifferences(name: string, final: FinalReplicas, logs: ReadonlyMap<number, Buffer>, replicationFactor: number): string[] {
  const found: string[] = [];
  if (final.retiring.length > 0) found.push(`${name}: still moving: brokers ${final.retiring.join(',')} are retiring from replicas ${final.replicas.join(',')}`);
  if (final.replicas.length < replicationFactor) found.push(`${name}: its replicas are brokers ${final.replicas.join(',')}, expected ${replicationFactor}`);
  const held = final.replicas.filter((id) => logs.has(id));
  const missing = final.replicas.filter((id) => !logs.has(id));
  if (missing.length > 0) found.push(`${name}: replicas ${missing.join(',')} hold no log of it (replicas ${final.replicas.join(',')})`);
  const [first, ...rest] = held;
  for (const other of rest) {
    const difference = describeDifference(logs.get(first!)!, logs.get(other)!);
    if (difference !== undefined) found.push(`${name}: the logs of brokers ${first} and ${other} differ: ${difference}`);
  }
  const strays = [...logs.keys()].filter((id) => !final.replicas.includes(id) && !final.retiring.includes(id));
  if (strays.length > 0) found.push(`${name}: brokers ${strays.join(',')} still hold a log of it, though its replicas are ${final.replicas.join(',')}`);
  return found;
}

/** The partition's replicas as its leader describes them; undefined when no live broker leads it. */
async function finalReplicasOf(cluster: ClusterHarness, topic: string, partition: number): Promise<FinalReplicas | undefined> {
  for (const id of cluster.ids) {
    if (!cluster.processes.get(id)) continue;
    try {
      const described = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [topic] }, 3000);
      const view = (described.topics[0]?.partitions as ({ partition: number; leaderId: number } & FinalReplicas)[] | undefined)?.find((p) => p.partition === partition);
      if (view !== undefined && view.leaderId === id) return { replicas: view.replicas, retiring: view.retiring };
    } catch {
      // A broker that does not answer: ask the next.
    }
  }
  return undefined;
}

/**
 * Compares the replicas of every partition of `topic` — its final replica set, as its leader
 * describes it (membership changes move replicas during a run) — until all agree or `timeoutMs`
 * passes. Returns one anomaly line per difference still there (partitionDifferences).
 */
export async function compareReplicaLogs(cluster: ClusterHarness, topic: string, partitions: number, replicationFactor: number, timeoutMs: number): Promise<string[]> {
  const differences = async (): Promise<string[]> => {
    const found: string[] = [];
    for (let p = 0; p < partitions; p++) {
      const final = await finalReplicasOf(cluster, topic, p);
      if (final === undefined) {
        found.push(`${topic}/${p}: no live broker leads it, so its replica set is unknown`);
        continue;
      }
      const logs = new Map<number, Buffer>();
      for (const id of cluster.ids) {
        const bytes = replicaLogBytes(join(cluster.dir, `node-${id}`), topic, p);
        if (bytes !== undefined) logs.set(id, bytes);
      }
      found.push(...partitionDifferences(`${topic}/${p}`, final, logs, replicationFactor));
    }
    return found;
  };
  let last: string[] = [];
  await holdsWithin(async () => (last = await differences()).length === 0, timeoutMs);
  return last.map((line) => `replicas disagree ${timeoutMs / 1000} s after the end: ${line}`);
}
