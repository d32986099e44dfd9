// Redis Streams: one stream per partition (`<topic>:<partition>`). Producing is XADD with
// ioredis auto-pipelining (commands issued in the same tick go out in one write, the pipelining
// Redis recommends for throughput); consuming is XREAD in batches over all assigned streams.
// Durability depends on the server's appendonly/appendfsync settings, not on the client.
import Redis from 'ioredis';
import type { BatchHandler, BenchConsumer, BenchDriver, BenchProducer, DriverConfig } from '../../src/cli/bench/drivers/types';

const READ_COUNT = 5000;
const READ_BLOCK_MS = 100;

type RedisConfig = Extract<DriverConfig, { system: 'redis' }>;

export const streamKey = (topic: string, partition: number): string => `${topic}:${partition}`;

function connect(config: RedisConfig): Redis {
  return new Redis({ host: config.host, port: config.port, enableAutoPipelining: true, maxRetriesPerRequest: 3, lazyConnect: false });
}

export async function openRedisDriver(config: RedisConfig): Promise<BenchDriver> {
  const admin = connect(config);
  const opened: Redis[] = [admin];
  return {
    async prepare() {
      // Streams come into being on the first XADD: nothing to create.
    },
    async producer(): Promise<BenchProducer> {
      const redis = connect(config);
      opened.push(redis);
      let outstanding = 0;
      let drained: (() => void) | null = null;
      return {
        send(topic, partition, _key, value, done) {
          outstanding++;
          const settled = (error: unknown): void => {
            if (--outstanding === 0 && drained) { const wake = drained; drained = null; wake(); }
            done(error);
          };
          redis.xadd(streamKey(topic, partition), '*', 'v', value).then(() => settled(null), settled);
        },
        flush() {
          return outstanding === 0 ? Promise.resolve() : new Promise<void>((resolve) => { drained = resolve; });
        },
        async close() {
          redis.disconnect();
        },
      };
    },
    async consumer(): Promise<BenchConsumer> {
      const redis = connect(config);
      opened.push(redis);
      let stopped = false;
      let loop: Promise<void> | null = null;
      return {
        async start(topic: string, partitions: readonly number[], onBatch: BatchHandler) {
          const keys = partitions.map((p) => streamKey(topic, p));
          const lastIds = partitions.map(() => '0-0');
          loop = (async () => {
            while (!stopped) {
              const reply = (await redis.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...keys, ...lastIds)) as
                | [Buffer, [Buffer, Buffer[]][]][]
                | null;
              if (!reply) continue;
              for (const [keyBuffer, entries] of reply) {
                const index = keys.indexOf(keyBuffer.toString());
                if (index < 0 || entries.length === 0) continue;
                lastIds[index] = entries[entries.length - 1]![0].toString();
                onBatch(partitions[index]!, entries.map(([, fields]) => fields[1]!));
              }
            }
          })();
        },
        async stop() {
          stopped = true;
          await loop?.catch(() => undefined);
          redis.disconnect();
        },
      };
    },
    async close() {
      for (const redis of opened) redis.disconnect();
    },
  };
}
