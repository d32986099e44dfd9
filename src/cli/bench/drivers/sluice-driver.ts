// Sluice through its own client library (src/client): per-record produce promises batched by
// the client (linger, batch bytes), acks as configured; consuming assigns partitions and seeks
// to the earliest offset. With acks=all a resolved produce means "fsynced on a majority".
//
// prepare() also warms the topic up: it waits until every partition has a leader and one tiny
// acks=all record per partition was acknowledged, so that leader elections after topic creation
// (1-3 s in a cluster) are not charged to the timed run. The warm-up records have a null value
// (bench records never do) and the bench consumer skips them.
import { SluiceClient } from '../../../client';
import type { Admin } from '../../../client/admin';
import type { BatchHandler, BenchConsumer, BenchDriver, BenchProducer, DriverConfig, ProducerTuning } from './types';

type SluiceConfig = Extract<DriverConfig, { system: 'sluice' }>;

/** Key of the warm-up records (their value is null). */
export const WARM_UP_KEY = '__sluice-bench-warm-up__';
/** How long prepare() waits for leaders and for the warm-up produce, in total. */
export const WARM_UP_TIMEOUT_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer before the warm-up deadline`)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Partitions of `topic` without a leader (leader id 0), or null when the topic is not described yet. */
async function leaderless(admin: Admin, topic: string, partitions: number): Promise<number[] | null> {
  const [description] = await admin.describeTopics([topic]);
  if (!description || description.partitions.length < partitions) return null;
  return description.partitions.filter((p) => p.leaderId === 0).map((p) => p.partition);
}

/**
 * Waits (at most WARM_UP_TIMEOUT_MS) until every partition of `topic` reports a leader and an
 * acks=all produce of one record to each partition succeeded. Throws a message that says which
 * partitions were still without a leader, or what the last produce error was.
 */
export async function warmUpTopic(client: SluiceClient, topic: string, partitions: number, timeoutMs = WARM_UP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const admin = client.admin();
  let missing: number[] | null = null;
  let lastError = '';
  for (;;) {
    try {
      missing = await withDeadline(leaderless(admin, topic, partitions), deadline, 'DescribeTopics');
      if (missing !== null && missing.length === 0) break;
    } catch (error) {
      lastError = String((error as Error).message ?? error);
    }
    if (Date.now() >= deadline) {
      const which = missing === null ? 'the topic was not described' : `partitions without a leader: ${missing.join(', ')}`;
      throw new Error(`topic ${topic} not ready after ${timeoutMs / 1000} s (${which}${lastError ? `; last error: ${lastError}` : ''})`);
    }
    await sleep(100);
  }
  const pending = new Set(Array.from({ length: partitions }, (_, p) => p));
  while (pending.size > 0) {
    const producer = client.producer({ acks: 'all', lingerMs: 0, idempotent: false });
    try {
      await withDeadline(producer.connect(), deadline, 'producer connect');
      const sends = [...pending].map((partition) =>
        producer.produce(topic, { key: WARM_UP_KEY, value: null, partition }).then(() => { pending.delete(partition); }));
      await withDeadline(Promise.allSettled(sends).then((results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) lastError = String((failed.reason as Error)?.message ?? failed.reason);
      }), deadline, 'warm-up produce');
    } catch (error) {
      lastError = String((error as Error).message ?? error);
    } finally {
      await withDeadline(producer.disconnect(), Date.now() + 5000, 'producer disconnect').catch(() => undefined);
    }
    if (pending.size === 0) break;
    if (Date.now() >= deadline) {
      throw new Error(`topic ${topic}: warm-up produce (acks=all) to partitions ${[...pending].join(', ')} did not succeed within ${timeoutMs / 1000} s (last error: ${lastError})`);
    }
    await sleep(200);
  }
}

export async function openSluiceDriver(config: SluiceConfig): Promise<BenchDriver> {
  const client = new SluiceClient({ brokers: [...config.brokers], clientId: 'sluice-bench' });
  return {
    async prepare(topic, partitions) {
      const admin = client.admin();
      try {
        await admin.createTopics([{ name: topic, partitions, replicationFactor: config.replicationFactor, configs: config.topicConfigs }]);
      } catch (error) {
        if (!/exist/i.test(String((error as Error).message ?? error))) throw error;
      }
      await warmUpTopic(client, topic, partitions);
    },
    async producer(tuning: ProducerTuning): Promise<BenchProducer> {
      const producer = client.producer({
        acks: tuning.acks,
        lingerMs: tuning.lingerMs,
        batchMaxBytes: tuning.batchMaxBytes,
        bufferMemory: tuning.bufferMemory,
        idempotent: tuning.acks !== 'none',
        compression: tuning.compression,
      });
      await producer.connect();
      return {
        send(topic, partition, key, value, done) {
          producer.produce(topic, { key, value, partition }, done);
        },
        flush: () => producer.flush(),
        close: () => producer.disconnect(),
      };
    },
    async consumer(): Promise<BenchConsumer> {
      // The client's push size (1 MiB per partition: ~10,000 records of 100 B, like the peers'
      // batches: Redis XREAD COUNT 5000, JetStream 10,000 messages); a larger one consumed slower.
      const consumer = client.consumer({ maxWaitMs: 100, maxBytes: 64 * 1024 * 1024 });
      await consumer.connect();
      let stopped = false;
      let running: Promise<void> | null = null;
      return {
        async start(topic: string, partitions: readonly number[], onBatch: BatchHandler) {
          consumer.assign(partitions.map((partition) => ({ topic, partition })));
          for (const partition of partitions) await consumer.seek({ topic, partition, offset: 'earliest' });
          running = consumer.run({
            eachBatch: (batch) => {
              if (stopped) return;
              const values: Buffer[] = [];
              for (const r of batch.records) if (r.value !== null) values.push(r.value); // null: a warm-up record
              if (values.length > 0) onBatch(batch.partition, values);
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
