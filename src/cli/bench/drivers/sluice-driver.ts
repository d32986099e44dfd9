// Sluice through its own client library (src/client): per-record produce promises batched by
// the client (linger, batch bytes), acks as configured; consuming assigns partitions and seeks
// to the earliest offset. With acks=all a resolved produce means "fsynced on a majority".
import { SluiceClient } from '../../../client';
import type { BatchHandler, BenchConsumer, BenchDriver, BenchProducer, DriverConfig, ProducerTuning } from './types';

type SluiceConfig = Extract<DriverConfig, { system: 'sluice' }>;

const EMPTY = Buffer.alloc(0);

export async function openSluiceDriver(config: SluiceConfig): Promise<BenchDriver> {
  const client = new SluiceClient({ brokers: [...config.brokers], clientId: 'sluice-bench' });
  return {
    async prepare(topic, partitions) {
      const admin = client.admin();
      try {
        await admin.createTopics([{ name: topic, partitions, replicationFactor: config.replicationFactor }]);
      } catch (error) {
        if (!/exist/i.test(String((error as Error).message ?? error))) throw error;
      }
    },
    async producer(tuning: ProducerTuning): Promise<BenchProducer> {
      const producer = client.producer({
        acks: tuning.acks,
        lingerMs: tuning.lingerMs,
        batchMaxBytes: tuning.batchMaxBytes,
        idempotent: tuning.acks !== 'none',
      });
      await producer.connect();
      return {
        send(topic, partition, key, value) {
          return producer.produce(topic, { key, value, partition });
        },
        flush: () => producer.flush(),
        close: () => producer.disconnect(),
      };
    },
    async consumer(): Promise<BenchConsumer> {
      // Fetch sizes comparable to the peers' batches (Redis XREAD COUNT 5000, JetStream 10,000 messages).
      const consumer = client.consumer({ maxWaitMs: 100, maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 64 * 1024 * 1024 });
      await consumer.connect();
      let stopped = false;
      let running: Promise<void> | null = null;
      return {
        async start(topic: string, partitions: readonly number[], onBatch: BatchHandler) {
          consumer.assign(partitions.map((partition) => ({ topic, partition })));
          for (const partition of partitions) await consumer.seek({ topic, partition, offset: 'earliest' });
          running = consumer.run({
            eachBatch: (batch) => {
              if (!stopped) onBatch(batch.partition, batch.records.map((r) => r.value ?? EMPTY));
            },
          });
          running.catch(() => undefined);
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          await consumer.stop();
          await running?.catch(() => undefined);
          await consumer.disconnect();
        },
      };
    },
    close: () => client.close(),
  };
}
