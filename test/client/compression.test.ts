// Compression end to end: a producer compresses, a real broker stores the batches as they came
// (smaller on disk) and a consumer gets every record back, for each codec.
import { strict as assert } from 'node:assert';
import { SluiceClient } from '../../src/client';
import type { ConsumedRecord, Message } from '../../src/client';
import type { CompressionName } from '../../src/protocol/compression';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';

describe('client: compressed batches through a real broker', () => {
  let fx: BrokerFixture;
  let client: SluiceClient;

  before(async () => {
    fx = await startBrokerFixture();
    client = new SluiceClient({ brokers: [fx.address], requestTimeoutMs: 5_000 });
  });

  after(async () => {
    await client.close();
    await fx.close();
  });

  const messages: Message[] = Array.from({ length: 2_000 }, (_, i) => ({
    key: `customer-${i % 40}`,
    value: JSON.stringify({ order: i, status: i % 5 === 0 ? 'shipped' : 'paid', lines: [{ sku: `sku-${i % 97}`, quantity: 1 + (i % 3) }] }),
    headers: i % 100 === 0 ? { source: 'checkout' } : undefined,
  }));

  async function roundTrip(topic: string, compression: CompressionName): Promise<{ records: ConsumedRecord[]; sizeBytes: number }> {
    await client.admin().createTopics([{ name: topic, partitions: 1 }]);
    const producer = client.producer({ compression, lingerMs: 20 });
    await producer.connect();
    await producer.send({ topic, messages: messages.slice(0, 1_000) });
    await producer.send({ topic, messages: messages.slice(1_000) });
    await producer.disconnect();
    const consumer = client.consumer({ maxWaitMs: 100 });
    await consumer.connect();
    consumer.assign([{ topic, partition: 0 }]);
    await consumer.seek({ topic, partition: 0, offset: 1 });
    const records: ConsumedRecord[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const running = consumer.run({ eachRecord: (record) => { records.push(record); if (records.length === messages.length - 1) done(); } });
    await all;
    await consumer.stop();
    await running;
    await consumer.disconnect();
    const [described] = await client.admin().describeTopics([topic]);
    return { records, sizeBytes: described!.partitions[0]!.sizeBytes };
  }

  const plain = (records: ConsumedRecord[]) => records.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()]))]);

  it('stores each codec smaller than uncompressed and delivers the same records from any offset', async () => {
    const none = await roundTrip('plain', 'none');
    const expected = messages.slice(1).map((m, i) => [i + 1, m.key, m.value, Object.fromEntries(Object.entries(m.headers ?? {}))]);
    assert.deepEqual(plain(none.records), expected);
    for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
      const got = await roundTrip(`with-${codec}`, codec);
      assert.deepEqual(plain(got.records), expected, codec);
      assert.ok(got.sizeBytes < none.sizeBytes / 2, `${codec}: ${got.sizeBytes} bytes stored against ${none.sizeBytes} uncompressed`);
    }
  });

  it('refuses a codec it does not have before anything is sent', () => {
    assert.throws(() => client.producer({ compression: 'zstd' as CompressionName }), /producer option compression: compression 'zstd' is not one of none, gzip, snappy, lz4 \(zstd is not built yet\)/);
  });
});
