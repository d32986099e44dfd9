import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { SluiceClient, SluiceOffsetOutOfRangeError, type ConsumedRecord, type Consumer } from '../../src/client';
import { FakeBroker } from './fake-broker';
import { until } from '../until';

const FAST_RETRY = { retries: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

async function take(consumer: Consumer, count: number): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  if (count === 0) return out;
  for await (const record of consumer) {
    out.push(record);
    if (out.length >= count) break;
  }
  return out;
}

describe('client consumer (fake broker)', () => {
  let broker: FakeBroker;
  let client: SluiceClient;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('t', 2);
    client = new SluiceClient({ brokers: [broker.address], retry: FAST_RETRY, requestTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await client.close();
    await broker.stop();
  });

  async function produce(partition: number, batches: string[][]): Promise<void> {
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    for (const values of batches) await producer.sendBatch('t', partition, values.map((value) => ({ value, key: `k-${value}`, headers: { n: value } })));
    await producer.disconnect();
  }

  it('reads from the earliest offset by default, with keys, headers and leader epoch', async () => {
    await produce(0, [['a', 'b'], ['c']]);
    const consumer = client.consumer({ maxWaitMs: 50 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }]);
    const records = await take(consumer, 3);
    assert.deepEqual(records.map((r) => [r.offset, r.value!.toString(), r.key!.toString(), r.headers.n!.toString()]), [
      [0, 'a', 'k-a', 'a'], [1, 'b', 'k-b', 'b'], [2, 'c', 'k-c', 'c'],
    ]);
    assert.equal(records[0]!.topic, 't');
    assert.equal(records[0]!.partition, 0);
    assert.equal(records[0]!.leaderEpoch, broker.leaderEpoch);
  });

  it('outlasts more failed fetch rounds than retry.retries (a long election) and goes on reading', async () => {
    await produce(0, [['a', 'b']]);
    const consumer = client.consumer({ maxWaitMs: 50 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }]);
    broker.inject('fetch', ...Array.from({ length: FAST_RETRY.retries * 3 }, () => ({ grpcStatus: grpc.status.UNAVAILABLE, details: 'the leader is being elected' })));
    const records = await take(consumer, 2);
    assert.deepEqual(records.map((r) => r.value!.toString()), ['a', 'b']);
    assert.equal(broker.failures.get('fetch')?.length, 0, 'every injected failure was met');
  });

  it('starts each fetch request at the next partition, so that no partition is always last (KIP-74)', async () => {
    await produce(0, [['a'], ['b'], ['c']]);
    await produce(1, [['d'], ['e'], ['f']]);
    const consumer = client.consumer({ maxWaitMs: 50, maxBytesPerPartition: 1 }); // one batch per partition per fetch
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    await take(consumer, 6);
    const firsts = broker.requestsOf('fetch').map((r) => r.partitions[0].partition);
    assert.ok(firsts.includes(0) && firsts.includes(1), `first partition of each fetch: ${firsts.join(', ')}`);
  });

  it('skips records of the first batch that lie before the seek offset', async () => {
    await produce(0, [['a', 'b', 'c', 'd'], ['e']]);
    const consumer = client.consumer({ maxWaitMs: 50 });
    await consumer.connect();
    await consumer.seek({ topic: 't', partition: 0, offset: 2 });
    const records = await take(consumer, 3);
    assert.deepEqual(records.map((r) => r.offset), [2, 3, 4]);
    assert.equal(broker.requestsOf('fetch')[0].partitions[0].offset, 2);
  });

  it('throws a clear OFFSET_OUT_OF_RANGE error by default, naming the valid range', async () => {
    await produce(0, [['a', 'b'], ['c', 'd']]);
    broker.deleteBefore('t', 0, 2);
    const consumer = client.consumer({ maxWaitMs: 50 });
    await consumer.connect();
    await consumer.seek({ topic: 't', partition: 0, offset: 0 });
    await assert.rejects(take(consumer, 1), (error: unknown) => {
      assert.ok(error instanceof SluiceOffsetOutOfRangeError);
      assert.equal(error.logStartOffset, 2);
      assert.equal(error.highWatermark, 4);
      assert.equal(error.message, "t/0: OFFSET_OUT_OF_RANGE: offset 0 is out of range: it holds offsets 2..3 (the next record gets 4); seek to an offset from 2 to 4, or set autoOffsetReset to 'earliest' or 'latest'");
      return true;
    });
  });

  it("resets to the log start on OFFSET_OUT_OF_RANGE with autoOffsetReset 'earliest'", async () => {
    await produce(0, [['a', 'b'], ['c', 'd']]);
    broker.deleteBefore('t', 0, 2);
    const consumer = client.consumer({ maxWaitMs: 50, autoOffsetReset: 'earliest' });
    await consumer.connect();
    await consumer.seek({ topic: 't', partition: 0, offset: 0 });
    const records = await take(consumer, 2);
    assert.deepEqual(records.map((r) => r.value!.toString()), ['c', 'd']);
  });

  it("resets to the end on OFFSET_OUT_OF_RANGE with autoOffsetReset 'latest'", async () => {
    await produce(0, [['a', 'b']]);
    const consumer = client.consumer({ maxWaitMs: 20, autoOffsetReset: 'latest' });
    await consumer.connect();
    await consumer.seek({ topic: 't', partition: 0, offset: 99 });
    const reading = take(consumer, 1);
    // Wait until the consumer has reset and polls at the end, then produce a new record.
    await until(() => broker.requestsOf('fetch').some((r) => r.partitions[0].offset === 2), 'a fetch at the end (offset 2)');
    await produce(0, [['new']]);
    const [record] = await reading;
    assert.equal(record!.offset, 2);
    assert.equal(record!.value!.toString(), 'new');
  });

  it("seeks to 'latest' and by timestamp", async () => {
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.sendBatch('t', 1, [{ value: 'old', timestamp: 1_000 }]);
    await producer.sendBatch('t', 1, [{ value: 'mid', timestamp: 2_000 }]);
    const consumer = client.consumer({ maxWaitMs: 20 });
    await consumer.connect();
    await consumer.seek({ topic: 't', partition: 1, offset: { timestamp: 1_500 } });
    assert.equal((await take(consumer, 1))[0]!.value!.toString(), 'mid');
    await consumer.seek({ topic: 't', partition: 1, offset: 'latest' });
    assert.deepEqual(consumer.positions(), [{ topic: 't', partition: 1, offset: 2 }]);
  });

  it('assigns every partition of a topic with assign({ topic })', async () => {
    await produce(0, [['p0']]);
    await produce(1, [['p1']]);
    const consumer = client.consumer({ maxWaitMs: 20 });
    await consumer.connect();
    consumer.assign({ topic: 't' });
    const values = (await take(consumer, 2)).map((r) => r.value!.toString()).sort();
    assert.deepEqual(values, ['p0', 'p1']);
    assert.equal(consumer.assignment().length, 2);
  });

  it('commits positions for its group and starts from the committed offset next time', async () => {
    await produce(0, [['a', 'b', 'c']]);
    const first = client.consumer({ groupId: 'g1', maxWaitMs: 20 });
    await first.connect();
    first.assign([{ topic: 't', partition: 0 }]);
    await take(first, 2);
    await first.commit();
    assert.deepEqual(await first.committed([{ topic: 't', partition: 0 }]), [{ topic: 't', partition: 0, offset: 2 }]);
    await first.disconnect();

    const second = client.consumer({ groupId: 'g1', maxWaitMs: 20 });
    await second.connect();
    second.assign([{ topic: 't', partition: 0 }]);
    const [record] = await take(second, 1);
    assert.equal(record!.offset, 2);
  });

  it('run({ eachBatch }) hands over whole batches until stop()', async () => {
    await produce(1, [['a', 'b'], ['c']]);
    const consumer = client.consumer({ maxWaitMs: 20 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 1 }]);
    const seen: string[] = [];
    await consumer.run({
      eachBatch: async ({ records, highWatermark }) => {
        assert.equal(highWatermark, 3);
        seen.push(...records.map((r) => r.value!.toString()));
        if (seen.length >= 3) await consumer.stop();
      },
    });
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual(consumer.positions(), [{ topic: 't', partition: 1, offset: 3 }]);
  });

  it('keeps a fetch in flight while the application processes records', async () => {
    await produce(0, [['a'], ['b']]);
    const consumer = client.consumer({ maxWaitMs: 20, maxBytesPerPartition: 1 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }]);
    for await (const record of consumer) {
      // While the first record is being processed, the next fetch has already been sent.
      assert.equal(record.offset, 0);
      await until(() => broker.requestsOf('fetch').length >= 2, 'the next fetch');
      assert.equal(broker.requestsOf('fetch')[1]?.partitions[0].offset, 1);
      break;
    }
  });

  it('detects a corrupt batch through its CRC32C', async () => {
    await produce(0, [['a']]);
    const stored = broker.partition('t', 0).batches[0]!;
    broker.partition('t', 0).batches[0] = { ...stored, crc32c: (stored.crc32c ^ 1) >>> 0 };
    const consumer = client.consumer({ maxWaitMs: 20 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }]);
    await assert.rejects(take(consumer, 1), /CORRUPT_MESSAGE/);
  });

  it('commit() without a group id explains what is missing', async () => {
    const consumer = client.consumer();
    await consumer.connect();
    await assert.rejects(consumer.commit(), /needs a consumer group/);
  });
});
