// A producer that floods: N records produced in one synchronous loop with callbacks, then
// flush(), against a throwaway local broker (fsync before the ack), for several bufferMemory
// limits. Shows what the limit does to time and memory when the caller does not pace itself.
// Prints figures and writes bench-results/producer-buffer.json.
// Run: npx tsc -p tsconfig.json && node dist/scripts/bench-producer-buffer.js
//      (BENCH_RECORDS=2000000 by default; BENCH_BUFFERS=1073741824,33554432,1048576 in bytes;
//      BENCH_MAX_BLOCK_MS=0 to fail records at once instead of queueing them)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceClient } from '../src/client';
import { startLocalBroker } from '../src/cli/bench/local-broker';

interface Figure {
  readonly bufferMemory: number;
  readonly maxBlockMs: number | null;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSec: number;
  readonly errors: number;
  readonly peakRssMiB: number;
}

const records = Number(process.env.BENCH_RECORDS ?? 2_000_000);
const maxBlockMs = process.env.BENCH_MAX_BLOCK_MS === undefined ? undefined : Number(process.env.BENCH_MAX_BLOCK_MS);
const buffers = (process.env.BENCH_BUFFERS ?? `${1024 ** 3},${32 * 1024 ** 2},${1024 ** 2}`).split(',').map(Number);

async function flood(address: string, bufferMemory: number): Promise<Figure> {
  const client = new SluiceClient({ brokers: [address] });
  const topic = `flood-${bufferMemory}`;
  await client.admin().createTopics([{ name: topic, partitions: 1 }]);
  const producer = client.producer({ bufferMemory, maxBlockMs });
  await producer.connect();
  await producer.produce(topic, { value: 'warm-up' });
  const value = Buffer.alloc(100);
  let errors = 0;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i++) producer.produce(topic, { value }, (error) => { if (error) errors++; });
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await producer.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sampler);
  await client.close();
  return { bufferMemory, maxBlockMs: maxBlockMs ?? null, records, seconds, recordsPerSec: Math.round(records / seconds), errors, peakRssMiB: Math.round(peakRss / 1024 ** 2) };
}

async function main(): Promise<void> {
  const broker = await startLocalBroker(join(__dirname, '../src/cli/main.js'));
  const figures: Figure[] = [];
  try {
    for (const bufferMemory of buffers) {
      const figure = await flood(broker.address, bufferMemory);
      figures.push(figure);
      console.log(`bufferMemory ${String(bufferMemory).padStart(10)}  maxBlockMs ${maxBlockMs ?? 'default'}  ${figure.records} records  ${figure.seconds.toFixed(2)} s  ${figure.recordsPerSec} rec/s  errors ${figure.errors}  peak RSS ${figure.peakRssMiB} MiB`);
      global.gc?.();
    }
  } finally {
    await broker.stop();
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/producer-buffer.json', `${JSON.stringify({ createdAt: new Date().toISOString(), figures }, null, 2)}\n`);
  console.log('written: bench-results/producer-buffer.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
