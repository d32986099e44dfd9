// The consumer's push delivery (Data.Subscribe streams) against a real broker: records produced
// after the consumer started arrive, a seek restarts the stream from the new offset, and a
// consumer that stops and runs again resumes at its position without duplicates.
import { strict as assert } from 'node:assert';
import { SluiceClient } from '../../src/client';
import type { ConsumedRecord } from '../../src/client';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';

describe('client consumer: push delivery from a real broker', () => {
  let fx: BrokerFixture;
  let client: SluiceClient;

  beforeEach(async () => {
    fx = await startBrokerFixture();
    client = new SluiceClient({ brokers: [fx.address], requestTimeoutMs: 5_000 });
    await client.admin().createTopics([{ name: 't', partitions: 2 }]);
  });

  afterEach(async () => {
    await client.close();
    await fx.close();
  });

  async function collect(consumer: ReturnType<SluiceClient['consumer']>, count: number, during: () => Promise<void> = async () => {}): Promise<ConsumedRecord[]> {
    const got: ConsumedRecord[] = [];
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    const running = consumer.run({
      eachRecord: (record) => {
        got.push(record);
        if (got.length === count) done();
      },
    });
    await during();
    await enough;
    await consumer.stop();
    await running;
    return got;
  }

  it('delivers records produced while it waits, per partition in order, and resumes after stop without duplicates', async () => {
    const consumer = client.consumer({ maxWaitMs: 200 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    for (const partition of [0, 1]) await consumer.seek({ topic: 't', partition, offset: 'earliest' });
    const producer = client.producer();
    await producer.connect();
    const first = await collect(consumer, 20, async () => {
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: 't', messages: [{ value: `a${i}`, partition: 0 }, { value: `b${i}`, partition: 1 }] });
      }
    });
    const values = (partition: number, records: ConsumedRecord[]) => records.filter((r) => r.partition === partition).map((r) => r.value!.toString());
    assert.deepEqual(values(0, first), Array.from({ length: 10 }, (_, i) => `a${i}`));
    assert.deepEqual(values(1, first), Array.from({ length: 10 }, (_, i) => `b${i}`));

    await producer.send({ topic: 't', messages: [{ value: 'a10', partition: 0 }] });
    const second = await collect(consumer, 1);
    assert.deepEqual(second.map((r) => [r.partition, r.offset, r.value!.toString()]), [[0, 10, 'a10']]);
    await producer.disconnect();
  });

  it('restarts its stream from the new offset after a seek', async () => {
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 't', messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}`, partition: 0 })) });
    const consumer = client.consumer({ maxWaitMs: 200 });
    await consumer.connect();
    consumer.assign([{ topic: 't', partition: 0 }]);
    await consumer.seek({ topic: 't', partition: 0, offset: 3 });
    const fromThree = await collect(consumer, 2);
    assert.deepEqual(fromThree.map((r) => r.offset), [3, 4]);
    await consumer.seek({ topic: 't', partition: 0, offset: 1 });
    const fromOne = await collect(consumer, 4);
    assert.deepEqual(fromOne.map((r) => r.offset), [1, 2, 3, 4]);
    await producer.disconnect();
  });
});
