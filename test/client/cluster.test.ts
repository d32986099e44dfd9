import { strict as assert } from 'node:assert';
import { SluiceClient } from '../../src/client';
import { FakeBroker, FakeCluster } from './fake-broker';

const FAST_RETRY = { retries: 4, initialBackoffMs: 1, maxBackoffMs: 5 };

describe('client in a cluster (fake brokers that disagree about leadership)', () => {
  let cluster: FakeCluster;
  let client: SluiceClient;

  beforeEach(async () => {
    cluster = await FakeCluster.start(3);
    client = new SluiceClient({ brokers: [cluster.broker(1).address], retry: FAST_RETRY, requestTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await client.close();
    await cluster.stop();
  });

  const producedPartitions = (id: number): number[] =>
    cluster.requestsOf('produce', id).flatMap((r) => r.partitions.map((p: { partition: number }) => p.partition));

  it('sends each partition to its leader, one request per leader', async () => {
    cluster.createTopic('t', 3, [1, 2, 3]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({ topic: 't', messages: [0, 1, 2].map((partition) => ({ value: `v${partition}`, partition })) });
    assert.deepEqual([1, 2, 3].map(producedPartitions), [[0], [1], [2]]);
    for (const partition of [0, 1, 2]) assert.equal(cluster.broker(1).partition('t', partition).nextOffset, 1);
  });

  it('follows a NOT_LEADER leader_hint after the leader moved', async () => {
    cluster.createTopic('t', 1, [1]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    assert.equal((await producer.produce('t', { value: 'a', partition: 0 })).offset, 0);
    cluster.setLeader('t', 0, 2);
    assert.equal((await producer.produce('t', { value: 'b', partition: 0 })).offset, 1);
    assert.deepEqual(producedPartitions(1), [0, 0]);
    assert.deepEqual(producedPartitions(2), [0]);
  });

  it('refreshes metadata on NOT_LEADER without a hint and goes to the new leader', async () => {
    cluster.hints = false;
    cluster.createTopic('t', 1, [1]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.produce('t', { value: 'a', partition: 0 });
    const describesBefore = cluster.requestsOf('describeTopics').length;
    cluster.setLeader('t', 0, 3);
    assert.equal((await producer.produce('t', { value: 'b', partition: 0 })).offset, 1);
    assert.ok(cluster.requestsOf('describeTopics').length > describesBefore, 'metadata was refreshed');
    assert.deepEqual(producedPartitions(3), [0]);
  });

  it('finds the leader through the other brokers when the bootstrap broker is cut off from its peers', async () => {
    // docs/chaos.md: a broker that clients reach but its peers do not sees no leader anywhere;
    // its metadata alone would keep the partition unwritable while broker 2 leads it.
    cluster.hints = false;
    cluster.createTopic('t', 1, [1]);
    cluster.setLeader('t', 0, 2);
    cluster.broker(1).isolated = true;
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    assert.equal((await producer.produce('t', { value: 'a', partition: 0 })).offset, 0);
    assert.deepEqual(producedPartitions(2), [0]);
  });

  it('fails over when the leader broker stops', async () => {
    cluster.createTopic('t', 2, [1, 2]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }] });
    await cluster.broker(1).stop();
    cluster.setLeader('t', 0, 3);
    const result = await producer.produce('t', { value: 'c', partition: 0 });
    assert.equal(result.offset, 1);
    assert.deepEqual(producedPartitions(3), [0]);
  });

  it('consumes each partition from its leader and follows a leader change', async () => {
    cluster.createTopic('t', 2, [2, 3]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }] });
    const consumer = client.consumer({ maxWaitMs: 50 });
    await consumer.connect();
    consumer.assign({ topic: 't' });
    const seen: string[] = [];
    for await (const record of consumer) {
      seen.push(`${record.partition}:${record.value}`);
      if (seen.length === 2) {
        cluster.setLeader('t', 0, 1);
        await producer.produce('t', { value: 'c', partition: 0 });
      }
      if (seen.length === 3) break;
    }
    await consumer.disconnect();
    assert.deepEqual(seen.sort(), ['0:a', '0:c', '1:b']);
    const fetched = (id: number) => new Set(cluster.requestsOf('fetch', id).flatMap((r) => r.partitions.map((p: { partition: number }) => p.partition)));
    assert.ok(fetched(2).has(0) && fetched(3).has(1), 'fetched from the first leaders');
    assert.ok(fetched(1).has(0), 'fetched partition 0 from its new leader');
    assert.ok(!fetched(1).has(1), 'never fetched partition 1 from a broker that does not lead it');
  });

  it('sends ListOffsets to each partition leader', async () => {
    cluster.createTopic('t', 2, [3, 2]);
    const offsets = await client.admin().listOffsets([{ topic: 't', partition: 0, timestamp: -1 }, { topic: 't', partition: 1, timestamp: -2 }]);
    assert.deepEqual(offsets.map((o) => o.offset), [0, 0]);
    assert.equal(cluster.requestsOf('listOffsets', 3)[0].partitions[0].partition, 0);
    assert.equal(cluster.requestsOf('listOffsets', 2)[0].partitions[0].partition, 1);
  });

  it('moves group requests on to another broker after NOT_COORDINATOR', async () => {
    cluster.createTopic('t', 1);
    cluster.coordinatorId = 3;
    const consumer = client.consumer({ groupId: 'g' });
    await consumer.connect();
    await consumer.commit([{ topic: 't', partition: 0, offset: 5 }]);
    assert.deepEqual(await consumer.committed([{ topic: 't', partition: 0 }]), [{ topic: 't', partition: 0, offset: 5 }]);
    assert.equal(cluster.requestsOf('commitOffsets', 3).length, 1);
  });

  it('shares one metadata refresh between concurrent callers', async () => {
    cluster.createTopic('t', 4);
    const before = cluster.requestsOf('describeTopics').length;
    const counts = await Promise.all(Array.from({ length: 20 }, () => clientMetadata(client).partitionCount('t')));
    assert.deepEqual(new Set(counts), new Set([4]));
    assert.equal(cluster.requestsOf('describeTopics').length - before, 1);
  });
});

describe('client bootstrap list', () => {
  it('tries the next bootstrap broker when the first is down', async () => {
    const dead = await new FakeBroker().start();
    const deadAddress = dead.address;
    await dead.stop();
    const cluster = await FakeCluster.start(2);
    const client = new SluiceClient({ brokers: [deadAddress, cluster.broker(2).address], retry: FAST_RETRY, requestTimeoutMs: 5_000 });
    try {
      cluster.createTopic('t', 1, [1]);
      const topics = await client.admin().listTopics();
      assert.deepEqual(topics.map((t) => t.name), ['t']);
      const producer = client.producer({ lingerMs: 0 });
      await producer.connect();
      await producer.produce('t', { value: 'x', partition: 0 });
      assert.equal(cluster.requestsOf('produce', 1).length, 1, 'the leader was found through broker 2');
    } finally {
      await client.close();
      await cluster.stop();
    }
  });
});

/** The client's metadata cache (not public API; reached for white-box checks). */
function clientMetadata(client: SluiceClient): { partitionCount(topic: string): Promise<number> } {
  return (client as unknown as { context: { metadata: { partitionCount(topic: string): Promise<number> } } }).context.metadata;
}
