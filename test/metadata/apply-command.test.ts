import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { isTopicId, legacyTopicId, newTopicId } from '../../src/common/topic-id';
import { applyCommand } from '../../src/metadata/apply-command';
import { EMPTY_METADATA_STATE } from '../../src/metadata/metadata-state';
import { DEFAULT_TOPIC_CONFIG } from '../../src/metadata/topic-config';
import { applyAll, cluster, createTopic, register, rejection } from './metadata-fixtures';

describe('metadata state machine: applyCommand', () => {
  describe('RegisterBroker', () => {
    it('adds a broker with its addresses, rack and registration time', () => {
      const state = applyAll([register(1, 'a')]);
      assert.deepEqual(state.brokers.get(1), { id: 1, host: '127.0.0.1', port: 19091, httpPort: 19641, rack: 'a', registeredAtMs: 1001, draining: false });
      assert.equal(state.version, 1);
    });

    it('updates the address of a re-registering broker and keeps its first registration time', () => {
      const state = applyAll([register(1), { ...register(1), host: '10.0.0.1', nowMs: 99_999 }]);
      assert.equal(state.brokers.get(1)!.host, '10.0.0.1');
      assert.equal(state.brokers.get(1)!.registeredAtMs, 1001);
      assert.equal(state.brokers.size, 1);
    });

    it('treats an empty rack as no rack', () => {
      assert.equal(applyAll([register(1, '')]).brokers.get(1)!.rack, null);
    });

    it('rejects an id below 1', () => {
      const r = rejection(EMPTY_METADATA_STATE, { ...register(1), id: 0 });
      assert.equal(r.code, ErrorCode.INVALID_REQUEST);
      assert.match(r.message, /broker id 0 is invalid: use an integer in \[1, 2147483647\]/);
    });

    it('rejects an empty host and ports outside 1..65535', () => {
      assert.match(rejection(EMPTY_METADATA_STATE, { ...register(1), host: '' }).message, /empty host/);
      assert.match(rejection(EMPTY_METADATA_STATE, { ...register(1), port: 70000 }).message, /port 70000 is invalid: use 1..65535/);
      assert.match(rejection(EMPTY_METADATA_STATE, { ...register(1), httpPort: 0 }).message, /HTTP port 0 is invalid/);
    });

    it('rejects a host that is not a host name or IP address, an over-long rack or one with other characters, and an id past int32', () => {
      for (const host of ['has space', 'x'.repeat(254), 'a/b', 'evil\nhost', '-leading']) {
        assert.match(rejection(EMPTY_METADATA_STATE, { ...register(1), host }).message, /host .* is invalid: use a host name or an IP address/, host);
      }
      for (const host of ['localhost', 'broker-1.example.com', '10.0.0.7', '::1', 'fe80::1']) {
        assert.equal(applyAll([{ ...register(1), host }]).brokers.get(1)!.host, host);
      }
      for (const rack of ['r'.repeat(65), 'rack a', 'a/b']) {
        assert.match(rejection(EMPTY_METADATA_STATE, { ...register(1), rack }).message, /rack .* is invalid: use 1-64 characters from \[a-zA-Z0-9._-\]/, rack);
      }
      assert.match(rejection(EMPTY_METADATA_STATE, { ...register(1), id: 2 ** 31 }).message, /broker id 2147483648 is invalid: use an integer in \[1, 2147483647\]/);
    });

    it('rejects an address another broker already uses', () => {
      const state = applyAll([register(1)]);
      const r = rejection(state, { ...register(2), port: 19091 });
      assert.equal(r.code, ErrorCode.INVALID_REQUEST);
      assert.match(r.message, /broker 2 cannot use 127.0.0.1:19091 .*broker 1 is registered at 127.0.0.1:19091/);
    });
  });

  describe('CreateTopic', () => {
    it('creates the topic with placed replicas, merged config and the proposer timestamp', () => {
      const state = applyAll([createTopic('orders', 3, 2, { config: { 'retention.ms': '60000' }, nowMs: 777 })], cluster(3));
      const topic = state.topics.get('orders')!;
      assert.equal(topic.partitions.length, 3);
      assert.equal(topic.replicationFactor, 2);
      for (const p of topic.partitions) assert.equal(new Set(p.replicas).size, 2);
      assert.equal(topic.config['retention.ms'], 60000);
      assert.equal(topic.config['segment.bytes'], DEFAULT_TOPIC_CONFIG['segment.bytes']);
      assert.equal(topic.createdAtMs, 777);
      assert.equal(topic.internal, false);
    });

    it('gives the topic the id its command carries, or one derived from its name and creation time when it carries none', () => {
      const withId = applyAll([createTopic('orders', 1, 1, { topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw' })], cluster(1));
      assert.equal(withId.topics.get('orders')!.topicId, 'eMpzUX3ZTSqGv7Ahjq4_nw');
      const legacy = applyAll([createTopic('orders', 1, 1, { nowMs: 777 })], cluster(1)).topics.get('orders')!;
      assert.ok(isTopicId(legacy.topicId));
      assert.equal(legacy.topicId, legacyTopicId('orders', 777), 'every broker and every replay derives the same id');
      assert.notEqual(legacyTopicId('orders', 778), legacy.topicId);
    });

    it('rejects a malformed topic id and one another topic has', () => {
      for (const topicId of ['', 'short', 'eMpzUX3ZTSqGv7Ahjq4_n/', 'eMpzUX3ZTSqGv7Ahjq4_nx']) {
        const r = rejection(cluster(1), createTopic('orders', 1, 1, { topicId }));
        assert.equal(r.code, ErrorCode.INVALID_REQUEST);
        assert.match(r.message, /topic id .* of topic 'orders' is invalid: use 22 characters of URL-safe base64/);
      }
      const state = applyAll([createTopic('orders', 1, 1, { topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw' })], cluster(1));
      assert.match(rejection(state, createTopic('audit', 1, 1, { topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw' })).message, /topic id eMpzUX3ZTSqGv7Ahjq4_nw is already the id of topic 'orders'/);
    });

    it('hands out random ids that Kafka tools accept (never a leading "-", never its reserved ids)', () => {
      for (let i = 0; i < 1000; i++) {
        const id = newTopicId();
        assert.ok(isTopicId(id) && !id.startsWith('-'), id);
      }
    });

    it('takes config defaults from the rules', () => {
      const rules = { maxPartitionsPerTopic: 8, topicDefaults: { ...DEFAULT_TOPIC_CONFIG, 'retention.ms': 1234 } };
      const state = applyAll([createTopic('t', 1, 1)], cluster(1), rules);
      assert.equal(state.topics.get('t')!.config['retention.ms'], 1234);
    });

    it('creates internal topics whose names start with __', () => {
      const state = applyAll([createTopic('__consumer_offsets', 8, 3, { internal: true })], cluster(3));
      assert.equal(state.topics.get('__consumer_offsets')!.internal, true);
    });

    it('rejects an invalid name', () => {
      const r = rejection(cluster(1), createTopic('a b', 1, 1));
      assert.equal(r.code, ErrorCode.INVALID_TOPIC);
      assert.match(r.message, /topic name 'a b' is invalid: use 1-249 characters from \[a-zA-Z0-9._-\]/);
    });

    it("rejects a name that differs from an existing topic's only in '.' and '_' (their metric names collide, as Kafka refuses)", () => {
      for (const [existing, name] of [['orders.eu', 'orders_eu'], ['a_b.c', 'a.b_c']]) {
        const r = rejection(applyAll([createTopic(existing!, 1, 1)], cluster(1)), createTopic(name!, 1, 1));
        assert.equal(r.code, ErrorCode.INVALID_TOPIC);
        assert.equal(r.message, `topic name '${name}' collides with existing topic '${existing}': names that differ only in '.' and '_' share their metric names`);
      }
      assert.ok(applyAll([createTopic('orders.eu', 1, 1), createTopic('orders-eu', 1, 1)], cluster(1)).topics.has('orders-eu'));
    });

    it('rejects a reserved __ name for a user topic', () => {
      const r = rejection(cluster(1), createTopic('__mine', 1, 1));
      assert.equal(r.code, ErrorCode.INVALID_TOPIC);
      assert.match(r.message, /reserved: names starting with '__' are internal/);
    });

    it('rejects a topic that exists', () => {
      const state = applyAll([createTopic('t', 1, 1)], cluster(1));
      const r = rejection(state, createTopic('t', 2, 1));
      assert.equal(r.code, ErrorCode.TOPIC_ALREADY_EXISTS);
      assert.equal(r.message, "topic 't' already exists");
      assert.equal(r.state.topics.get('t')!.partitions.length, 1);
    });

    it('rejects partitions out of range', () => {
      assert.equal(rejection(cluster(1), createTopic('t', 0, 1)).message, 'partitions 0 is invalid: use 1..1024');
      const r = rejection(cluster(1), createTopic('t', 1025, 1));
      assert.equal(r.code, ErrorCode.INVALID_PARTITIONS);
      assert.equal(r.message, 'partitions 1025 is invalid: use 1..1024');
    });

    it('rejects a replication factor larger than the number of registered brokers', () => {
      const r = rejection(cluster(3), createTopic('t', 1, 4));
      assert.equal(r.code, ErrorCode.INVALID_REPLICATION_FACTOR);
      assert.equal(r.message, 'replication factor 4 is larger than the 3 available broker(s): use 1..3');
    });

    it('rejects a replication factor of 0 and any topic before brokers register', () => {
      assert.equal(rejection(cluster(3), createTopic('t', 1, 0)).message, 'replication factor 0 is invalid: use 1..3');
      assert.match(rejection(EMPTY_METADATA_STATE, createTopic('t', 1, 1)).message, /no broker is registered yet/);
    });

    it('rejects an invalid config with the message of mergeTopicConfig', () => {
      const r = rejection(cluster(1), createTopic('t', 1, 1, { config: { 'retention.ms': 'soon' } }));
      assert.equal(r.code, ErrorCode.INVALID_CONFIG);
      assert.match(r.message, /config retention.ms='soon' is invalid: must be an integer/);
      assert.match(rejection(cluster(1), createTopic('t', 1, 1, { config: { bogus: '1' } })).message, /unknown config key 'bogus'/);
    });

    it('leaves the state unchanged except its version when rejected', () => {
      const before = applyAll([createTopic('t', 1, 1)], cluster(1));
      const r = rejection(before, createTopic('t', 1, 1));
      assert.equal(r.state.version, before.version + 1);
      assert.equal(r.state.topics, before.topics);
      assert.equal(r.state.brokers, before.brokers);
    });
  });

  describe('DeleteTopic', () => {
    it('removes the topic', () => {
      const state = applyAll([createTopic('t', 1, 1), { type: 'DeleteTopic', name: 't' }], cluster(1));
      assert.equal(state.topics.has('t'), false);
    });

    it('rejects an unknown topic', () => {
      const r = rejection(cluster(1), { type: 'DeleteTopic', name: 'nope' });
      assert.equal(r.code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.equal(r.message, "topic 'nope' does not exist");
    });

    it('refuses to delete an internal topic', () => {
      const state = applyAll([createTopic('__consumer_offsets', 1, 1, { internal: true })], cluster(1));
      const r = rejection(state, { type: 'DeleteTopic', name: '__consumer_offsets' });
      assert.equal(r.code, ErrorCode.POLICY_VIOLATION);
      assert.equal(r.message, "topic '__consumer_offsets' is internal and cannot be deleted");
    });
  });

  describe('AlterTopicConfig', () => {
    it('sets keys and resets deleted keys to the defaults', () => {
      const state = applyAll([
        createTopic('t', 1, 1, { config: { 'retention.bytes': '1000000' } }),
        { type: 'AlterTopicConfig', name: 't', set: { 'retention.ms': '5000' }, delete: ['retention.bytes'] },
      ], cluster(1));
      const config = state.topics.get('t')!.config;
      assert.equal(config['retention.ms'], 5000);
      assert.equal(config['retention.bytes'], DEFAULT_TOPIC_CONFIG['retention.bytes']);
    });

    it('rejects an unknown topic and an invalid config', () => {
      assert.equal(rejection(cluster(1), { type: 'AlterTopicConfig', name: 'x', set: {}, delete: [] }).code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const state = applyAll([createTopic('t', 1, 1)], cluster(1));
      const r = rejection(state, { type: 'AlterTopicConfig', name: 't', set: { 'flush.policy': 'never' }, delete: [] });
      assert.equal(r.code, ErrorCode.INVALID_CONFIG);
      assert.match(r.message, /flush.policy='never' is invalid: must be one of 'batch', 'interval'/);
    });
  });

  describe('CreatePartitions', () => {
    it('adds partitions with the topic replication factor and keeps the existing ones', () => {
      const before = applyAll([createTopic('t', 2, 2)], cluster(3));
      const after = applyAll([{ type: 'CreatePartitions', name: 't', totalCount: 5 }], before);
      const partitions = after.topics.get('t')!.partitions;
      assert.equal(partitions.length, 5);
      assert.deepEqual(partitions.slice(0, 2), before.topics.get('t')!.partitions);
      for (const p of partitions) assert.equal(p.replicas.length, 2);
    });

    it('rejects a count that does not grow or exceeds the limit', () => {
      const state = applyAll([createTopic('t', 3, 1)], cluster(1));
      const r = rejection(state, { type: 'CreatePartitions', name: 't', totalCount: 3 });
      assert.equal(r.code, ErrorCode.INVALID_PARTITIONS);
      assert.equal(r.message, "total_count 3 is invalid: topic 't' has 3 partitions; use 4..1024 (partitions never shrink)");
      assert.equal(rejection(state, { type: 'CreatePartitions', name: 't', totalCount: 2000 }).code, ErrorCode.INVALID_PARTITIONS);
    });

    it('rejects unknown and internal topics', () => {
      assert.equal(rejection(cluster(1), { type: 'CreatePartitions', name: 'x', totalCount: 2 }).code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const state = applyAll([createTopic('__consumer_offsets', 1, 1, { internal: true })], cluster(1));
      const r = rejection(state, { type: 'CreatePartitions', name: '__consumer_offsets', totalCount: 2 });
      assert.equal(r.code, ErrorCode.POLICY_VIOLATION);
      assert.equal(r.message, "topic '__consumer_offsets' is internal");
    });
  });

  describe('ReassignPartition', () => {
    it('replaces the replica list of one partition', () => {
      const state = applyAll([createTopic('t', 2, 1), { type: 'ReassignPartition', name: 't', partition: 1, replicas: [3, 1] }], cluster(3));
      assert.deepEqual(state.topics.get('t')!.partitions[1]!.replicas, [3, 1]);
    });

    it('rejects an unknown topic or partition', () => {
      const state = applyAll([createTopic('t', 2, 1)], cluster(3));
      assert.equal(rejection(state, { type: 'ReassignPartition', name: 'x', partition: 0, replicas: [1] }).code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const r = rejection(state, { type: 'ReassignPartition', name: 't', partition: 2, replicas: [1] });
      assert.equal(r.code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.equal(r.message, "partition 2 of topic 't' does not exist: use 0..1");
    });

    it('rejects no replicas, duplicates and unregistered brokers', () => {
      const state = applyAll([createTopic('t', 1, 1)], cluster(3));
      assert.equal(rejection(state, { type: 'ReassignPartition', name: 't', partition: 0, replicas: [] }).code, ErrorCode.INVALID_REPLICATION_FACTOR);
      assert.match(rejection(state, { type: 'ReassignPartition', name: 't', partition: 0, replicas: [1, 1] }).message, /name a broker twice/);
      const r = rejection(state, { type: 'ReassignPartition', name: 't', partition: 0, replicas: [1, 7] });
      assert.equal(r.code, ErrorCode.INVALID_REQUEST);
      assert.equal(r.message, 'broker(s) 7 are not registered: registered brokers are 1, 2, 3');
    });
  });

  it('never changes the state it was given', () => {
    const before = cluster(3);
    const frozenTopics = before.topics;
    applyCommand(before, createTopic('t', 3, 3), 4);
    assert.equal(before.topics, frozenTopics);
    assert.equal(before.topics.size, 0);
    assert.equal(before.version, 3);
  });
});
