// consumer.subscribe() against a real broker: two consumers of one group split a topic's
// partitions, a partition moves only after its owner stopped reading it and committed it, so no
// record is handed to both, and a consumer that stops leaves the group and hands its partitions over.
import { strict as assert } from 'node:assert';
import { SluiceClient } from '../../src/client';
import type { ConsumedRecord } from '../../src/client';
import { ErrorCode, type SluiceError } from '../../src/common/errors';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { until } from '../until';

describe('client consumer: subscribe() to a consumer group (real broker)', () => {
  let fx: BrokerFixture;
  let client: SluiceClient;

  beforeEach(async () => {
    fx = await startBrokerFixture({ groupSessionTimeoutMs: 3_000, groupHeartbeatIntervalMs: 100 });
    client = new SluiceClient({ brokers: [fx.address], requestTimeoutMs: 5_000 });
    await client.admin().createTopics([{ name: 'orders', partitions: 4 }]);
  });

  afterEach(async () => {
    await client.close();
    await fx.close();
  });

  const produce = async (from: number, count: number): Promise<void> => {
    const producer = client.producer();
    await producer.connect();
    for (let i = from; i < from + count; i++) await producer.send({ topic: 'orders', messages: [{ key: `k${i}`, value: `v${i}` }] });
    await producer.disconnect();
  };

  it('splits the partitions between two consumers, hands no record to both, and hands a leaving consumer\'s partitions over', async () => {
    const seen: { consumer: string; record: ConsumedRecord }[] = [];
    const revokedFrom: string[] = [];
    const start = (name: string) => {
      const consumer = client.consumer({ groupId: 'billing', autoCommit: true, autoCommitIntervalMs: 100 });
      const owned = new Set<number>();
      consumer.subscribe({
        topics: ['orders'],
        onAssigned: (ps) => ps.forEach((p) => owned.add(p.partition)),
        onRevoked: (ps) => {
          revokedFrom.push(name);
          ps.forEach((p) => owned.delete(p.partition));
        },
      });
      return { consumer, owned, running: consumer.connect().then(() => consumer.run({ eachRecord: (record) => void seen.push({ consumer: name, record }) })) };
    };

    await produce(0, 40);
    const a = start('a');
    await until(() => a.owned.size === 4 && seen.length === 40, 'a to own all 4 partitions and read the first 40 records');
    // b joins while records keep coming: a gives up two partitions mid-stream.
    const producing = produce(40, 40);
    const b = start('b');
    await until(() => a.owned.size === 2 && b.owned.size === 2, 'a 2+2 split');
    assert.deepEqual(revokedFrom, ['a']);
    assert.deepEqual([...a.owned, ...b.owned].sort(), [0, 1, 2, 3]);
    await producing;
    await produce(80, 40);
    await until(() => seen.length >= 120, '120 records read');
    // Once split, each consumer reads its own partitions only.
    for (const { consumer, record } of seen.filter((s) => Number(String(s.record.value).slice(1)) >= 80)) {
      assert.ok((consumer === 'a' ? a : b).owned.has(record.partition), `${consumer} read partition ${record.partition}`);
    }

    await a.consumer.stop();
    await a.running;
    await until(() => b.owned.size === 4, 'b to own all 4 partitions after a left');
    await produce(120, 20);
    await until(() => seen.length >= 140, '140 records read');
    await b.consumer.stop();
    await b.running;

    // Every record was handed out exactly once, across the revocation and the leave.
    const keys = seen.map((s) => `${s.record.partition}/${s.record.offset}`);
    assert.equal(new Set(keys).size, keys.length, 'no record handed out twice');
    assert.equal(keys.length, 140);
  });

  it('commits its position in a topic deleted and re-created under the same name, though the deleted one\'s commit was the same offset', async () => {
    const produceTo = async (topic: string, count: number): Promise<void> => {
      const producer = client.producer();
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `v${i}` })) });
      await producer.disconnect();
    };
    const committedOf = async (): Promise<number> => (await consumer.committed([{ topic: 'events', partition: 0 }]))[0]!.offset;
    await client.admin().createTopics([{ name: 'events', partitions: 1 }]);
    const consumer = client.consumer({ groupId: 'audit', autoCommit: true, autoCommitIntervalMs: 100 });
    let owned = 0;
    consumer.subscribe({ topics: ['events'], onAssigned: (ps) => void (owned += ps.length), onRevoked: (ps) => void (owned -= ps.length) });
    let read = 0;
    await consumer.connect();
    const running = consumer.run({ eachRecord: () => void read++ });
    await produceTo('events', 3);
    await until(async () => owned === 1 && read === 3 && (await committedOf()) === 3, 'the first topic read and committed up to 3');

    await client.admin().deleteTopics(['events']);
    // The partition of the deleted topic is taken away before the new one is created.
    await until(() => owned === 0, 'the deleted topic\'s partition revoked');
    await client.admin().createTopics([{ name: 'events', partitions: 1 }]);
    await produceTo('events', 3);
    await until(() => read === 6, 'the re-created topic read');
    // The group has no commit of the new topic yet: 3 must be committed for it, not taken as done.
    await until(async () => (await committedOf()) === 3, 'the re-created topic committed up to 3', { maxWaitMs: 10_000 });
    await consumer.stop();
    await running;
  });

  it('reads a topic deleted and re-created while it runs from the new topic\'s start (its old position means nothing there)', async () => {
    const produceTo = async (topic: string, values: string[]): Promise<void> => {
      const producer = client.producer();
      await producer.connect();
      await producer.send({ topic, messages: values.map((value) => ({ value })) });
      await producer.disconnect();
    };
    await client.admin().createTopics([{ name: 'events', partitions: 1 }]);
    const consumer = client.consumer({ groupId: 'audit', autoCommit: true, autoCommitIntervalMs: 100 });
    consumer.subscribe({ topics: ['events'] });
    const seen = new Set<string>();
    await consumer.connect();
    const running = consumer.run({ eachRecord: (r) => void seen.add(r.value!.toString()) });
    await produceTo('events', ['a', 'b', 'c']);
    await until(() => seen.size === 3, 'the first topic read');
    // Deleted and re-created at once, without waiting for the group to notice (review finding:
    // the member kept position 3 and skipped the new topic's first three records).
    await client.admin().deleteTopics(['events']);
    await client.admin().createTopics([{ name: 'events', partitions: 1 }]);
    await produceTo('events', ['n1', 'n2', 'n3']);
    await produceTo('events', ['n4', 'n5', 'n6', 'n7']);
    const fresh = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
    await until(() => fresh.every((v) => seen.has(v)), 'every record of the re-created topic read', { maxWaitMs: 60_000 });
    await consumer.stop();
    await running;
  });

  it('gives a static member restarted with the same instance id its partitions back without a rebalance', async () => {
    const start = (instanceId: string | undefined) => {
      const consumer = client.consumer({ groupId: 'billing' });
      const owned = new Set<number>();
      consumer.subscribe({ topics: ['orders'], instanceId, onAssigned: (ps) => ps.forEach((p) => owned.add(p.partition)), onRevoked: (ps) => ps.forEach((p) => owned.delete(p.partition)) });
      return { consumer, owned, running: consumer.connect().then(() => consumer.run({ eachRecord: () => {} })) };
    };
    const describeGroup = async () => client.admin().describeGroup('billing');
    const first = start('pod-a');
    const other = start(undefined);
    await until(async () => first.owned.size === 2 && other.owned.size === 2 && (await describeGroup()).state === 'stable', 'a stable 2+2 split');
    const before = await describeGroup();
    const kept = [...first.owned].sort();
    await first.consumer.stop();
    await first.running;
    const restarted = start('pod-a');
    await until(() => restarted.owned.size === 2, 'the restarted static member to get partitions');
    assert.deepEqual([...restarted.owned].sort(), kept);
    const after = await describeGroup();
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.equal(after.members.find((m) => m.instanceId === 'pod-a')?.memberEpoch, before.members.find((m) => m.instanceId === 'pod-a')?.memberEpoch);
    await restarted.consumer.stop();
    await other.consumer.stop();
    await Promise.all([restarted.running, other.running]);
  });

  it('subscribes by RE2 pattern: reads the matching topics, including one created after it joined', async () => {
    await client.admin().createTopics([{ name: 'orders-eu', partitions: 2 }, { name: 'payments', partitions: 1 }]);
    const seen: string[] = [];
    const consumer = client.consumer({ groupId: 'audit' });
    consumer.subscribe({ pattern: 'orders-.*' });
    const running = consumer.connect().then(() => consumer.run({ eachRecord: (record) => void seen.push(`${record.topic}:${String(record.value)}`) }));
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'orders-eu', messages: [{ value: 'eu1' }] });
    await producer.send({ topic: 'payments', messages: [{ value: 'p1' }] });
    await producer.send({ topic: 'orders', messages: [{ value: 'o1' }] });
    await until(() => seen.includes('orders-eu:eu1'), 'the record of orders-eu read');
    await client.admin().createTopics([{ name: 'orders-us', partitions: 3 }]);
    await until(async () => {
      await producer.send({ topic: 'orders-us', messages: [{ value: 'us1' }] });
      return seen.includes('orders-us:us1');
    }, 'a record of orders-us, created after the consumer joined, read');
    await producer.disconnect();
    await consumer.stop();
    await running;
    assert.deepEqual(seen.filter((s) => !s.startsWith('orders-')), [], 'only topics matching the pattern are read');
  });

  it('stops a consumer subscribed with an invalid pattern with INVALID_REGULAR_EXPRESSION and the reason', async () => {
    const consumer = client.consumer({ groupId: 'audit' });
    consumer.subscribe({ pattern: 'orders-(' });
    await consumer.connect();
    await assert.rejects(consumer.run({ eachRecord: () => {} }), (e: SluiceError) => {
      assert.equal(e.code, ErrorCode.INVALID_REGULAR_EXPRESSION);
      assert.match(e.message, /not valid RE2 syntax: error parsing regexp: missing closing \)/);
      return true;
    });
  });
});
