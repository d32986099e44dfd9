// What tests of rebuilt replicas ask a cluster of real brokers about partition 0 of a topic: a
// broker's per-partition gauge from /metrics, the replica set, and a replica's log bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterHarness } from './cluster-harness';
import { partitionDirOf } from '../partition-dir-of';

/** One broker's value of a per-partition gauge of `topic`/0, from its /metrics; undefined when down or absent. */
export async function partitionGauge(cluster: ClusterHarness, id: number, topic: string, name: string): Promise<number | undefined> {
  const broker = cluster.processes.get(id);
  if (!broker) return undefined;
  const text = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{topic="${topic}",partition="0"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** The brokers holding a replica of `topic`/0. */
export async function replicasOf(cluster: ClusterHarness, topic: string): Promise<number[]> {
  return cluster.retry(`the replicas of ${topic}/0`, async (id) => {
    const described = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [topic] });
    const replicas = described.topics[0]?.partitions.find((p: { partition: number }) => p.partition === 0)?.replicas;
    return Array.isArray(replicas) && replicas.length > 0 ? (replicas as number[]) : undefined;
  });
}

/** The segment files of broker `id`'s replica of `topic`/0, in order. */
export function segmentsOf(cluster: ClusterHarness, id: number, topic: string): string[] {
  const dir = partitionDirOf(join(cluster.dir, `node-${id}`), topic, 0);
  return readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => join(dir, f));
}

/** The entries of broker `id`'s replica of `topic`/0: its segment files concatenated. */
export const logBytes = (cluster: ClusterHarness, id: number, topic: string): Buffer => Buffer.concat(segmentsOf(cluster, id, topic).map((f) => readFileSync(f)));
