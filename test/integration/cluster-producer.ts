// An idempotent acks=all producer for cluster tests, written against the raw API: it follows
// NOT_LEADER hints and elections, and resends the same sequence until the batch is acknowledged,
// so a test can count on "acknowledged" meaning exactly what the broker promised.
import { sleep, type ClusterHarness } from './cluster-harness';

export class ClusterProducer {
  private producerId = 0;
  private sequence = 0;
  private leader: number | undefined;

  constructor(
    private readonly cluster: ClusterHarness,
    private readonly topic: string,
    private readonly partition: number,
  ) {}

  async init(): Promise<void> {
    this.producerId = await this.cluster.retry('a producer id', async (id) => (await this.cluster.call(id, 'sluice.v1.Data', 'initProducer', {})).producerId);
  }

  /** Resolves with the base offset once acknowledged (acks=all); rejects only after `giveUpMs`. */
  async send(values: string[], giveUpMs = 60_000): Promise<number> {
    const deadline = Date.now() + giveUpMs;
    const batch = { baseTimestampMs: Date.now(), producerId: this.producerId, baseSequence: this.sequence, records: values.map((v) => ({ value: Buffer.from(v) })) };
    for (;;) {
      if (Date.now() > deadline) throw new Error(`batch at sequence ${this.sequence} was not acknowledged in ${giveUpMs} ms`);
      try {
        this.leader ??= await this.cluster.leaderOf(this.topic, this.partition);
        const response = await this.cluster.call(this.leader, 'sluice.v1.Data', 'produce', {
          acks: 0,
          timeoutMs: 3000,
          partitions: [{ topic: this.topic, partition: this.partition, batch }],
        }, 5000);
        const result = response.partitions[0];
        if (result.errorCode === 0 || result.errorCode === 20 /* DUPLICATE_SEQUENCE */) {
          this.sequence += values.length;
          return result.baseOffset;
        }
        this.leader = this.idOf(result.leaderHint);
      } catch {
        this.leader = undefined;
      }
      await sleep(50);
    }
  }

  private idOf(address: string): number | undefined {
    return this.cluster.ids.find((id) => this.cluster.address(id) === address && this.cluster.processes.get(id));
  }
}

/**
 * Produces batches of 10 until `stop()` is true; returns every acknowledged value with its offset,
 * recorded in `acked` as each batch is acknowledged (a test may wait on it meanwhile).
 */
export async function produceUntil(producer: ClusterProducer, stop: () => boolean, tag: string, acked = new Map<string, number>()): Promise<Map<string, number>> {
  for (let batch = 0; !stop(); batch++) {
    const values = Array.from({ length: 10 }, (_, i) => `${tag}-${batch}-${i}`);
    const base = await producer.send(values);
    values.forEach((v, i) => acked.set(v, base + i));
  }
  return acked;
}

/** Every committed record of a partition, read from its current leader: value → offset. */
export async function readAll(cluster: ClusterHarness, topic: string, partition: number): Promise<{ values: string[]; offsets: Map<string, number> }> {
  return cluster.retry(`a full read of ${topic}/${partition}`, async () => {
    const leader = await cluster.leaderOf(topic, partition);
    const values: string[] = [];
    const offsets = new Map<string, number>();
    let offset = 0;
    for (;;) {
      const response = await cluster.call(leader, 'sluice.v1.Data', 'fetch', { partitions: [{ topic, partition, offset, maxBytes: 4 << 20 }] });
      const result = response.partitions[0];
      if (result.errorCode !== 0) return undefined;
      if (result.batches.length === 0) return { values, offsets };
      for (const batch of result.batches) {
        if (batch.baseOffset !== offset) throw new Error(`offsets are not dense: expected ${offset}, got ${batch.baseOffset}`);
        batch.batch.records.forEach((record: { value: Uint8Array }, i: number) => {
          const value = Buffer.from(record.value).toString();
          if (offsets.has(value)) throw new Error(`record ${value} is stored twice (offsets ${offsets.get(value)} and ${offset + i})`);
          offsets.set(value, offset + i);
          values.push(value);
        });
        offset = batch.baseOffset + batch.recordCount;
      }
    }
  });
}
