// consumer.pause()/resume() (KafkaJS shape) against a real broker: a paused partition hands out
// no record while the others go on, stays assigned to the member (no rebalance), and once resumed
// hands out every record from where it stopped, none twice.
import { strict as assert } from 'node:assert';
import { SluiceClient } from '../../src/client';
import type { ConsumedRecord } from '../../src/client';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { until } from '../until';

describe('client consumer: pause() and resume() (real broker)', () => {
  let fx: BrokerFixture;
  let client: SluiceClient;

  beforeEach(async () => {
    fx = await startBrokerFixture({ groupSessionTimeoutMs: 3_000, groupHeartbeatIntervalMs: 100 });
    client = new SluiceClient({ brokers: [fx.address], requestTimeoutMs: 5_000 });
    await client.admin().createTopics([{ name: 'orders', partitions: 2 }]);
  });

  afterEach(async () => {
    await client.close();
    await fx.close();
  });

  const produce = async (partition: number, from: number, count: number): Promise<void> => {
    const producer = client.producer();
    await producer.connect();
    for (let i = from; i < from + count; i++) await producer.send({ topic: 'orders', messages: [{ partition, value: `p${partition}-${i}` }] });
    await producer.disconnect();
  };

  for (const delivery of ['push', 'poll'] as const) {
    it(`(${delivery}) holds back a paused partition while the other goes on, then resumes it where it stopped`, async () => {
      const consumer = client.consumer({ groupId: 'billing', delivery });
      const seen: ConsumedRecord[] = [];
      const of = (partition: number): string[] => seen.filter((r) => r.partition === partition).map((r) => String(r.value));
      let assignedCount = 0;
      consumer.subscribe({ topics: ['orders'], onAssigned: () => void assignedCount++ });
      await consumer.connect();
      await produce(0, 0, 10);
      await produce(1, 0, 10);
      const running = consumer.run({
        eachRecord: (record) => {
          seen.push(record);
          // Paused from inside the handler, as KafkaJS users do: the rest of the batch is held back too.
          if (record.partition === 0 && String(record.value) === 'p0-4') consumer.pause([{ topic: 'orders', partitions: [0] }]);
        },
      });
      await until(() => of(0).length === 5 && of(1).length === 10, 'p0 up to p0-4, p1 all 10');
      assert.deepEqual(consumer.paused(), [{ topic: 'orders', partitions: [0] }]);
      await produce(0, 10, 10);
      await produce(1, 10, 10);
      await until(() => of(1).length === 20, 'p1 goes on while p0 is paused');
      assert.deepEqual(of(0), ['p0-0', 'p0-1', 'p0-2', 'p0-3', 'p0-4'], 'nothing of p0 after the pause');
      const [group] = (await fx.groups('describeGroups', { groupIds: ['billing'] })).groups;
      assert.deepEqual(group.members[0].assigned.flatMap((tp: any) => tp.partitions).sort(), [0, 1], 'a paused partition stays assigned');

      consumer.resume([{ topic: 'orders' }]);
      assert.deepEqual(consumer.paused(), []);
      await until(() => of(0).length === 20, 'p0 resumed');
      assert.deepEqual(of(0), Array.from({ length: 20 }, (_, i) => `p0-${i}`), 'every record of p0 once, in order');
      assert.equal(assignedCount, 1, 'no rebalance');
      await consumer.stop();
      await running;
    });
  }

  it('pauses a whole topic, including partitions it is given later, and refuses bad input with what would be right', async () => {
    const consumer = client.consumer({ groupId: 'billing' });
    consumer.pause([{ topic: 'orders' }]);
    assert.deepEqual(consumer.paused(), [{ topic: 'orders' }]);
    consumer.subscribe({ topics: ['orders'] });
    await consumer.connect();
    await produce(0, 0, 3);
    await produce(1, 0, 3);
    const seen: ConsumedRecord[] = [];
    const running = consumer.run({ eachRecord: (r) => void seen.push(r) });
    await until(async () => {
      const [group] = (await fx.groups('describeGroups', { groupIds: ['billing'] })).groups;
      return group?.members[0]?.assigned.flatMap((tp: any) => tp.partitions).length === 2;
    }, 'both partitions assigned');
    assert.deepEqual(seen, [], 'nothing while the topic is paused');
    consumer.resume([{ topic: 'orders' }]);
    await until(() => seen.length === 6, 'all 6 records once resumed');
    assert.throws(() => consumer.pause([{ topic: '' }]), /topic "" is invalid: give a topic name, e.g. pause\(\[\{ topic: 'orders' \}\]\)/);
    assert.throws(() => consumer.pause([{ topic: 'orders', partitions: [-1] }]), /partition -1 of topic "orders" is invalid: use integers >= 0/);
    assert.throws(() => consumer.resume('orders' as never), /resume\(\) takes a list of \{ topic, partitions\? \}/);
    await consumer.stop();
    await running;
  });
});
