// The metadata state machine as the broker runs it: ClusterTopicRegistry.apply is what the
// metadata Raft group calls for every committed command (the rules themselves are tested on
// applyCommand in test/metadata/apply-command.test.ts).
import { strict as assert } from 'node:assert';
import { ErrorCode } from '../../src/common/errors';
import { moduleLogger } from '../../src/common/logger';
import { DEFAULT_METADATA_RULES } from '../../src/metadata/apply-command';
import { encodeCommand } from '../../src/metadata/metadata-commands';
import type { TopicChange } from '../../src/metadata/topic-registry';
import { ClusterTopicRegistry } from '../../src/broker/cluster/cluster-registry';
import { createTopic, register } from '../metadata/metadata-fixtures';

const newRegistry = () => new ClusterTopicRegistry(DEFAULT_METADATA_RULES, moduleLogger('test'));

describe('cluster topic registry: applying committed metadata commands', () => {
  it('applies encoded commands in order and reports each topic change to its listeners', async () => {
    const registry = newRegistry();
    const seen: string[] = [];
    registry.onChange(async (change: TopicChange) => { seen.push(`${change.type} ${change.topic.name}`); });
    assert.deepEqual(registry.apply(encodeCommand(register(1)), 1), { ok: true });
    const rejected = registry.apply(encodeCommand(createTopic('t', 1, 2)), 2);
    assert.equal(!rejected.ok && rejected.code, ErrorCode.INVALID_REPLICATION_FACTOR);
    assert.equal(registry.state.topics.size, 0);
    assert.deepEqual(registry.apply(encodeCommand(createTopic('t', 2, 1)), 3), { ok: true });
    assert.deepEqual(registry.apply(encodeCommand({ type: 'DeleteTopic', name: 't' }), 4), { ok: true });
    await registry.settled();
    assert.deepEqual(seen, ['created t', 'deleted t']);
    assert.equal(registry.state.version, 4);
  });

  it('rejects undecodable bytes without changing the state and applies the next command', () => {
    const registry = newRegistry();
    const before = registry.state;
    const outcome = registry.apply(Buffer.from('garbage'), 1);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.INVALID_REQUEST);
    assert.match(!outcome.ok ? outcome.message : '', /undecodable metadata command at index 1/);
    assert.equal(registry.state, before);
    assert.equal(registry.apply(encodeCommand(register(1)), 2).ok, true);
    assert.equal(registry.state.brokers.size, 1);
  });

  it('brings two brokers fed the same log to the same state', () => {
    const log = [register(2, 'b'), register(1, 'a'), register(3, 'a'), createTopic('x', 7, 2), createTopic('y', 2, 3), createTopic('x', 1, 1)].map(encodeCommand);
    const a = newRegistry();
    const b = newRegistry();
    log.forEach((entry, i) => { a.apply(entry, i + 1); b.apply(entry, i + 1); });
    assert.equal(a.state.topics.size, 2);
    assert.deepEqual(a.state, b.state);
  });
});
