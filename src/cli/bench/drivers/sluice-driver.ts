// Sluice through its own client library (src/client): per-record produce promises batched by
// the client (linger, batch bytes), acks as configured; consuming assigns partitions and seeks
// to the earliest offset. With acks=all a resolved produce means "fsynced on a majority".
import type { BatchHandler, BenchConsumer, BenchDriver, BenchProducer, DriverConfig, ProducerTuning } from './types';

type SluiceConfig = Extract<DriverConfig, { system: 'sluice' }>;

// The client is loaded at run time so that the bench builds and its peers run even in a tree
// where src/client is still missing; these are the parts of its API the bench uses.
interface ClientRecord { readonly value: Uint8Array | Buffer }
interface ClientBatch { readonly topic: string; readonly partition: number; readonly records: readonly ClientRecord[] }
interface ClientProducer {
  connect(): Promise<void>;
  produce(topic: string, message: { key?: string | Buffer | null; value: Buffer; partition?: number }): Promise<unknown>;
  flush(): Promise<void>;
  disconnect(): Promise<void>;
}
interface ClientConsumer {
  connect(): Promise<void>;
  assign(assignments: { topic: string; partition: number }[]): void;
  seek(position: { topic: string; partition: number; offset: 'earliest' | 'latest' | number | bigint }): Promise<void> | void;
  run(options: { eachBatch: (batch: ClientBatch) => Promise<void> }): Promise<void> | void;
  stop(): Promise<void> | void;
  disconnect?(): Promise<void>;
}
interface Client {
  admin(): { createTopics(topics: { name: string; partitions: number; replicationFactor: number; configs?: Record<string, string> }[]): Promise<unknown> };
  producer(options: { acks: string; lingerMs: number; batchMaxBytes: number; idempotent?: boolean }): ClientProducer;
  consumer(options: { maxBytes?: number; maxWaitMs?: number }): ClientConsumer;
  close(): Promise<void>;
}

function loadClient(brokers: readonly string[]): Client {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require('../../../client') as { SluiceClient: new (options: { brokers: string[] }) => Client };
  return new module.SluiceClient({ brokers: [...brokers] });
}

export async function openSluiceDriver(config: SluiceConfig): Promise<BenchDriver> {
  const client = loadClient(config.brokers);
  return {
    async prepare(topic, partitions) {
      try {
        await client.admin().createTopics([{ name: topic, partitions, replicationFactor: config.replicationFactor }]);
      } catch (error) {
        if (!/exist/i.test(String((error as Error).message ?? error))) throw error;
      }
    },
    async producer(tuning: ProducerTuning): Promise<BenchProducer> {
      const producer = client.producer({ acks: tuning.acks, lingerMs: tuning.lingerMs, batchMaxBytes: tuning.batchMaxBytes });
      await producer.connect();
      return {
        send(topic, partition, key, value) {
          return producer.produce(topic, { key, value, partition }).then(() => undefined);
        },
        flush: () => producer.flush(),
        close: () => producer.disconnect(),
      };
    },
    async consumer(): Promise<BenchConsumer> {
      const consumer = client.consumer({ maxBytes: 4 * 1024 * 1024, maxWaitMs: 100 });
      await consumer.connect();
      let stopped = false;
      let running: Promise<void> | void = undefined;
      return {
        async start(topic: string, partitions: readonly number[], onBatch: BatchHandler) {
          consumer.assign(partitions.map((partition) => ({ topic, partition })));
          for (const partition of partitions) await consumer.seek({ topic, partition, offset: 'earliest' });
          running = consumer.run({
            eachBatch: async (batch) => {
              if (!stopped) onBatch(batch.partition, batch.records.map((r) => r.value));
            },
          });
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          await consumer.stop();
          await Promise.resolve(running).catch(() => undefined);
          await consumer.disconnect?.();
        },
      };
    },
    close: () => client.close(),
  };
}
