import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker admin', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture({ limits: { maxPartitionsPerTopic: 16 } })));
  afterEach(async () => fx.close());

  it('answers each topic\'s id (Kafka\'s KIP-516) on create and describe, a new one for a re-created topic', async () => {
    const first = (await fx.admin('createTopics', { topics: [{ name: 'ids' }] })).topics[0];
    assert.match(first.topicId, /^[A-Za-z0-9_-]{21}[AQgw]$/);
    assert.equal((await fx.admin('describeTopics', { names: ['ids'] })).topics[0].topicId, first.topicId);
    assert.equal((await fx.admin('listTopics', {})).topics.find((t: any) => t.name === 'ids').topicId, first.topicId);
    assert.equal((await fx.admin('createTopics', { topics: [{ name: 'dry' }], validateOnly: true })).topics[0].topicId, '');
    await fx.admin('deleteTopics', { names: ['ids'] });
    const again = (await fx.admin('createTopics', { topics: [{ name: 'ids' }] })).topics[0];
    assert.notEqual(again.topicId, first.topicId);
    assert.equal((await fx.admin('describeTopics', { names: ['ids'] })).topics[0].topicId, again.topicId);
    assert.equal((await fx.admin('describeTopics', { names: ['gone'] })).topics[0].topicId, '');
  });

  it('answers a refused metadata change without writing it to the metadata log', async () => {
    // Each refused command used to be proposed and refused at apply: 100,000 fuzzed requests left
    // 180,000 entries (52 MB) that every start replays. Apply still decides (docs/cluster.md).
    await fx.admin('createTopics', { topics: [{ name: 'kept', partitions: 2 }] });
    const dir = join(fx.dataDir, 'partitions', '__cluster_metadata-0');
    const logBytes = (): number => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    const before = logBytes();
    for (let i = 0; i < 20; i++) {
      const deleted = await fx.admin('deleteTopics', { names: ['no-such-topic', ''] });
      assert.deepEqual(deleted.topics.map((t: any) => t.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
      const reassigned = await fx.admin('reassignPartitions', { reassignments: [{ topic: 'kept', partition: 7, replicas: [1] }, { topic: 'kept', partition: 0, replicas: [9] }, { topic: 'no-such-topic' }] });
      assert.ok(reassigned.results.every((r: any) => r.errorCode !== ErrorCode.NONE), JSON.stringify(reassigned.results));
      const altered = await fx.admin('alterConfigs', { topic: 'kept', set: { 'retention.ms': 'soon' } });
      assert.equal(altered.errorCode, ErrorCode.INVALID_CONFIG);
      const grown = await fx.admin('createPartitions', { topic: 'kept', totalCount: 1 });
      assert.equal(grown.errorCode, ErrorCode.INVALID_PARTITIONS);
      const drained = await fx.admin('drainBroker', { brokerId: 42 });
      assert.notEqual(drained.errorCode, ErrorCode.NONE);
    }
    assert.equal(logBytes(), before, 'the refused requests wrote nothing to the metadata log');
    const deleted = await fx.admin('deleteTopics', { names: ['kept'] });
    assert.equal(deleted.topics[0].errorCode, ErrorCode.NONE);
    assert.ok(logBytes() > before, 'an accepted change is written');
  });

  it('creates, lists, describes and deletes topics', async () => {
    const created = await fx.admin('createTopics', { topics: [{ name: 'a', partitions: 3, configs: { 'retention.ms': '60000' } }, { name: 'b' }] });
    assert.deepEqual(created.topics.map((t: any) => t.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
    const listed = await fx.admin('listTopics', {});
    assert.deepEqual(listed.topics.map((t: any) => [t.name, t.partitions]), [['a', 3], ['b', 1]]);
    const internal = await fx.admin('listTopics', { includeInternal: true });
    assert.ok(internal.topics.some((t: any) => t.name === '__consumer_offsets' && t.internal));
    const described = await fx.admin('describeTopics', { names: ['a', 'zzz'] });
    assert.equal(described.topics[0].partitions.length, 3);
    assert.equal(described.topics[0].configs['retention.ms'], '60000');
    assert.equal(described.topics[0].partitions[0].leaderId, 1);
    assert.equal(described.topics[1].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const deleted = await fx.admin('deleteTopics', { names: ['a', 'a'] });
    assert.deepEqual(deleted.topics.map((t: any) => t.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const after = await fx.admin('listTopics', {});
    assert.deepEqual(after.topics.map((t: any) => t.name), ['b']);
  });

  it('refuses a topic named twice in one CreateTopics, creating neither (as Kafka)', async () => {
    const created = await fx.admin('createTopics', { topics: [{ name: 'twice', partitions: 1 }, { name: 'other' }, { name: 'twice', partitions: 4 }] });
    assert.deepEqual(created.topics.map((t: any) => [t.name, t.errorCode]), [['twice', ErrorCode.INVALID_REQUEST], ['other', ErrorCode.NONE], ['twice', ErrorCode.INVALID_REQUEST]]);
    assert.equal(created.topics[0].errorMessage, "topic 'twice' appears 2 times in this CreateTopics request: name each topic once");
    const listed = await fx.admin('listTopics', {});
    assert.deepEqual(listed.topics.map((t: any) => t.name), ['other']);
  });

  it("refuses to alter an internal topic's configs (retention.ms=1000 would delete every group's offsets)", async () => {
    const altered = await fx.admin('alterConfigs', { topic: '__consumer_offsets', set: { 'retention.ms': '1000' } });
    assert.equal(altered.errorCode, ErrorCode.POLICY_VIOLATION);
    assert.equal(altered.errorMessage, "topic '__consumer_offsets' is internal: its configs are the broker's (they keep every group's latest commit)");
    const described = await fx.admin('describeTopics', { names: ['__consumer_offsets'] });
    assert.equal(described.topics[0].configs['retention.ms'], '-1');
  });

  it('a re-created topic starts empty', async () => {
    await fx.admin('createTopics', { topics: [{ name: 't' }] });
    await fx.data('produce', { partitions: [{ topic: 't', partition: 0, batch: { records: [{ value: Buffer.from('old') }] } }] });
    await fx.admin('deleteTopics', { names: ['t'] });
    await fx.admin('createTopics', { topics: [{ name: 't' }] });
    const described = await fx.admin('describeTopics', { names: ['t'] });
    assert.equal(described.topics[0].partitions[0].logEndOffset, 0);
  });

  it('rejects bad topic specs each with its own precise error', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'exists' }] });
    const { topics } = await fx.admin('createTopics', {
      topics: [
        { name: 'bad name' },
        { name: 'exists' },
        { name: 'many', partitions: 17 },
        { name: 'rf', replicationFactor: 3 },
        { name: 'cfg', configs: { 'retention.ms': 'forever' } },
        { name: '__mine' },
        { name: 'fine' },
      ],
    });
    assert.deepEqual(
      topics.map((t: any) => t.errorCode),
      [ErrorCode.INVALID_TOPIC, ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.INVALID_PARTITIONS, ErrorCode.INVALID_REPLICATION_FACTOR, ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_TOPIC, ErrorCode.NONE],
    );
    assert.match(topics[2].errorMessage, /partitions 17 is invalid: use 1..16/);
    assert.match(topics[3].errorMessage, /replication factor 3 is larger than the 1 available broker/);
    assert.match(topics[4].errorMessage, /retention.ms='forever' is invalid/);
  });

  it('validate_only checks without creating', async () => {
    const result = await fx.admin('createTopics', { topics: [{ name: 'dry' }], validateOnly: true });
    assert.equal(result.topics[0].errorCode, ErrorCode.NONE);
    const listed = await fx.admin('listTopics', {});
    assert.equal(listed.topics.length, 0);
  });

  it('alters configs and resets them to defaults', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'c' }] });
    const bad = await fx.admin('alterConfigs', { topic: 'c', set: { 'segment.bytes': '1' } });
    assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG);
    const set = await fx.admin('alterConfigs', { topic: 'c', set: { 'retention.bytes': '1048576' } });
    assert.equal(set.errorCode, ErrorCode.NONE);
    let described = await fx.admin('describeTopics', { names: ['c'] });
    assert.equal(described.topics[0].configs['retention.bytes'], '1048576');
    await fx.admin('alterConfigs', { topic: 'c', delete: ['retention.bytes'] });
    fx = await fx.restart();
    described = await fx.admin('describeTopics', { names: ['c'] });
    assert.equal(described.topics[0].configs['retention.bytes'], '-1');
  });

  it('grows partitions but never shrinks them', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'g', partitions: 2 }] });
    const shrink = await fx.admin('createPartitions', { topic: 'g', totalCount: 1 });
    assert.equal(shrink.errorCode, ErrorCode.INVALID_PARTITIONS);
    const grow = await fx.admin('createPartitions', { topic: 'g', totalCount: 4 });
    assert.equal(grow.errorCode, ErrorCode.NONE);
    const produced = await fx.data('produce', { partitions: [{ topic: 'g', partition: 3, batch: { records: [{ value: Buffer.from('x') }] } }] });
    assert.equal(produced.partitions[0].errorCode, ErrorCode.NONE);
  });

  it('describes the cluster', async () => {
    const cluster = await fx.admin('describeCluster', {});
    assert.equal(cluster.brokers.length, 1);
    assert.equal(cluster.brokers[0].port, fx.broker.grpcPort);
    assert.equal(cluster.controllerId, 1);
  });
});
