// Reads every committed record of a topic's partitions from offset 0 with the Fetch RPC on each
// partition's leader, into a LogChecker. A partition is read whole before it is fed, so a leader
// change mid-read restarts that partition instead of feeding records twice. Unlike
// test/integration/cluster-producer.ts's readAll, it does not stop at a duplicate: counting
// them is the checker's job.
import type { ClusterHarness } from '../integration/cluster-harness';

/** Where the records read go, each partition in offset order (a LogChecker, a FinalLog, or both). */
export interface RecordSink { record(partition: number, offset: number, value: string | null): void }

interface FetchedRecord { value: Uint8Array | null }
interface FetchedBatch { baseOffset: number | string; recordCount: number; batch: { records: FetchedRecord[] } }

/** Reads partitions 0..partitions-1 of `topic` into `checker`; returns the records read per partition. */
export async function readTopic(cluster: ClusterHarness, topic: string, partitions: number, checker: RecordSink): Promise<number[]> {
  const counts: number[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const records = await readPartition(cluster, topic, partition);
    for (const [offset, value] of records) checker.record(partition, offset, value);
    counts.push(records.length);
  }
  return counts;
}

/** Every committed (offset, value) of one partition, from its leader, retried through elections. */
async function readPartition(cluster: ClusterHarness, topic: string, partition: number): Promise<[number, string | null][]> {
  return cluster.retry(`a full read of ${topic}/${partition}`, async () => {
    const leader = await cluster.leaderOf(topic, partition);
    const records: [number, string | null][] = [];
    let offset = 0;
    for (;;) {
      const response = await cluster.call(leader, 'sluice.v1.Data', 'fetch', { partitions: [{ topic, partition, offset, maxBytes: 1 << 20 }], maxBytes: 1 << 20 });
      const result = response.partitions[0];
      if (result.errorCode !== 0) return undefined; // not the leader any more: read again from 0
      const batches = result.batches as FetchedBatch[];
      if (batches.length === 0) return records;
      for (const batch of batches) {
        // (1 MiB a response: the harness's client receives at most 4 MiB per message.)
      // Offsets as stored (the checker counts gaps); the next fetch starts after this batch.
        const base = Number(batch.baseOffset);
        batch.batch.records.forEach((record, i) => records.push([base + i, record.value === null || record.value === undefined ? null : Buffer.from(record.value).toString()]));
        offset = base + batch.recordCount;
      }
    }
  }, 60_000);
}
