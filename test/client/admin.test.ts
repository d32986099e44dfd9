import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { legacyTopicId } from '../../src/common/topic-id';
import { SluiceClient, SluiceTopicError } from '../../src/client';
import { FakeBroker } from './fake-broker';

describe('client admin (fake broker)', () => {
  let broker: FakeBroker;
  let client: SluiceClient;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    client = new SluiceClient({ brokers: [broker.address], retry: { retries: 2, initialBackoffMs: 1, maxBackoffMs: 2 } });
  });

  afterEach(async () => {
    await client.close();
    await broker.stop();
  });

  it('creates topics with partitions, replication factor and configs', async () => {
    await client.admin().createTopics([{ name: 'orders', partitions: 4, replicationFactor: 1, configs: { 'retention.ms': '1000' } }]);
    const request = broker.requestsOf('createTopics')[0];
    assert.equal(request.topics[0].partitions, 4);
    assert.deepEqual({ ...request.topics[0].configs }, { 'retention.ms': '1000' });
    assert.equal(broker.topics.get('orders')!.partitions.length, 4);
  });

  it('throws the first per-topic error with its message', async () => {
    broker.createTopic('exists');
    await assert.rejects(client.admin().createTopics([{ name: 'fine' }, { name: 'exists' }]), (error: unknown) => {
      assert.ok(error instanceof SluiceTopicError);
      assert.equal(error.code, ErrorCode.TOPIC_ALREADY_EXISTS);
      assert.equal(error.topic, 'exists');
      assert.match(error.message, /topic 'exists': TOPIC_ALREADY_EXISTS: topic 'exists' already exists/);
      return true;
    });
  });

  it('validateOnly creates nothing', async () => {
    await client.admin().createTopics([{ name: 'dry' }], { validateOnly: true });
    assert.equal(broker.topics.has('dry'), false);
  });

  it('lists, describes, alters, grows and deletes topics', async () => {
    const admin = client.admin();
    await admin.createTopics([{ name: 'a', partitions: 2 }]);
    assert.deepEqual(await admin.listTopics(), [{ name: 'a', partitions: 2, replicationFactor: 1, internal: false, topicId: legacyTopicId('a', 0) }]);
    await admin.alterConfigs('a', { set: { 'cleanup.policy': 'compact' } });
    const [description] = await admin.describeTopics(['a']);
    assert.equal(description!.partitions.length, 2);
    assert.equal(description!.configs['cleanup.policy'], 'compact');
    await admin.createPartitions('a', 5);
    assert.equal((await admin.describeTopics(['a']))[0]!.partitions.length, 5);
    await admin.deleteTopics(['a']);
    assert.deepEqual(await admin.listTopics(), []);
  });

  it('describeTopics of an unknown topic throws UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await assert.rejects(client.admin().describeTopics(['nope']), (error: unknown) => error instanceof SluiceTopicError && error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('createPartitions refuses to shrink, with the broker message', async () => {
    broker.createTopic('b', 3);
    await assert.rejects(client.admin().createPartitions('b', 2), /INVALID_PARTITIONS: topic 'b' has 3 partitions/);
  });

  it('lists offsets, group offsets, groups and the cluster', async () => {
    broker.createTopic('c', 1);
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.sendBatch('c', 0, [{ value: 'x' }, { value: 'y' }]);
    const admin = client.admin();
    const [latest, earliest] = await admin.listOffsets([{ topic: 'c', partition: 0, timestamp: -1 }, { topic: 'c', partition: 0, timestamp: -2 }]);
    assert.equal(latest!.offset, 2);
    assert.equal(earliest!.offset, 0);
    const consumer = client.consumer({ groupId: 'g' });
    await consumer.connect();
    await consumer.commit([{ topic: 'c', partition: 0, offset: 1 }]);
    assert.deepEqual(await admin.listGroups(), ['g']);
    assert.deepEqual((await admin.fetchOffsets('g')).map((o) => [o.topic, o.partition, o.offset]), [['c', 0, 1]]);
    const cluster = await admin.describeCluster();
    assert.equal(cluster.clusterId, 'fake-cluster');
    assert.equal(cluster.brokers.length, 1);
  });
});
