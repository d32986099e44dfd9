import assert from 'node:assert/strict';
import { SluiceClient } from '../../../src/client';
import { openSluiceDriver, warmUpTopic } from '../../../src/cli/bench/drivers/sluice-driver';
import { startBrokerFixture, type BrokerFixture } from '../../broker/broker-fixture';

describe('bench sluice driver: warm-up before timing', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  it('prepare() leaves one acknowledged warm-up record per partition, which the bench consumer skips', async () => {
    const driver = await openSluiceDriver({ system: 'sluice', brokers: [fx.address], replicationFactor: 1 });
    try {
      await driver.prepare('warm', 2);
      const described = await fx.admin('describeTopics', { names: ['warm'] });
      assert.deepEqual(described.topics[0].partitions.map((p: any) => [p.leaderId !== 0, Number(p.highWatermark)]), [[true, 1], [true, 1]]);

      const producer = await driver.producer({ acks: 'all', lingerMs: 0, batchMaxBytes: 1 << 20 });
      for (const v of ['a', 'b', 'c']) {
        await new Promise<void>((resolve, reject) => producer.send('warm', 0, null, Buffer.from(v), (error) => (error ? reject(error) : resolve())));
      }
      await producer.close();

      const consumer = await driver.consumer();
      const seen: string[] = [];
      let resolveAll: () => void = () => undefined;
      const all = new Promise<void>((resolve) => { resolveAll = resolve; });
      await consumer.start('warm', [0, 1], (_partition, values) => {
        for (const v of values) seen.push(Buffer.from(v).toString());
        if (seen.length >= 3) resolveAll();
      });
      await all;
      await consumer.stop();
      assert.deepEqual(seen, ['a', 'b', 'c']);
    } finally {
      await driver.close();
    }
  });

  it("hands the bench's --buffer-memory to the client's producer", async () => {
    const driver = await openSluiceDriver({ system: 'sluice', brokers: [fx.address], replicationFactor: 1 });
    try {
      await assert.rejects(driver.producer({ acks: 'all', lingerMs: 0, batchMaxBytes: 1 << 20, bufferMemory: 0 }), /producer option bufferMemory must be a number >= 1, got 0/);
      const producer = await driver.producer({ acks: 'all', lingerMs: 0, batchMaxBytes: 1 << 20, bufferMemory: 1 });
      await producer.close();
    } finally {
      await driver.close();
    }
  });

  it('warmUpTopic gives up after its bound with a message naming the topic', async () => {
    const client = new SluiceClient({ brokers: [fx.address], clientId: 'bench-test' });
    try {
      await assert.rejects(warmUpTopic(client, 'no-such-topic', 1, 300), /topic no-such-topic not ready after 0\.3 s/);
    } finally {
      await client.close();
    }
  });
});
