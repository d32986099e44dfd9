import assert from 'node:assert/strict';
import { DEFAULT_TOPIC_CONFIG, mergeTopicConfig, topicConfigStrings, topicNameProblem } from '../../src/metadata/topic-config';

describe('topic config', () => {
  it('parses valid values and keeps the rest at their defaults', () => {
    const config = mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'retention.ms': '60000', 'flush.policy': 'interval' });
    assert.equal(config['retention.ms'], 60000);
    assert.equal(config['flush.policy'], 'interval');
    assert.equal(config['segment.bytes'], DEFAULT_TOPIC_CONFIG['segment.bytes']);
  });

  it('rejects an unknown key and lists the valid ones', () => {
    assert.throws(() => mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'retention.hours': '1' }), /unknown config key 'retention.hours': valid keys are .*retention.ms/);
  });

  it('rejects a non-integer value with the valid range', () => {
    assert.throws(() => mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'retention.ms': 'soon' }), /retention.ms='soon' is invalid: must be an integer in \[-1, /);
    assert.throws(() => mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'segment.bytes': '10' }), /segment.bytes='10' is invalid/);
  });

  it('says that compaction is not built instead of accepting it', () => {
    assert.throws(() => mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'cleanup.policy': 'compact' }), /not supported yet/);
  });

  it("accepts compression.type 'producer' and says why the broker does not recompress", () => {
    assert.equal(mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'compression.type': 'producer' })['compression.type'], 'producer');
    assert.throws(() => mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'compression.type': 'lz4' }), /compression.type='lz4' is invalid: must be 'producer': the broker stores batches as the producer compressed them and never recompresses/);
  });

  it('resets deleted keys to the defaults', () => {
    const changed = mergeTopicConfig(DEFAULT_TOPIC_CONFIG, { 'retention.bytes': '1000000' });
    const reset = mergeTopicConfig(changed, {}, ['retention.bytes']);
    assert.equal(reset['retention.bytes'], DEFAULT_TOPIC_CONFIG['retention.bytes']);
  });

  it('renders every key as a string', () => {
    const strings = topicConfigStrings(DEFAULT_TOPIC_CONFIG);
    assert.equal(strings['retention.ms'], String(DEFAULT_TOPIC_CONFIG['retention.ms']));
    assert.equal(Object.keys(strings).length, Object.keys(DEFAULT_TOPIC_CONFIG).length);
  });

  it('validates topic names like Kafka', () => {
    assert.equal(topicNameProblem('orders.v1_eu-west'), undefined);
    assert.match(topicNameProblem('a b')!, /topic name 'a b' is invalid: use 1-249 characters from \[a-zA-Z0-9._-\]/);
    assert.match(topicNameProblem('')!, /invalid/);
    assert.match(topicNameProblem('..')!, /invalid/);
    assert.match(topicNameProblem('x'.repeat(250))!, /invalid/);
  });
});
