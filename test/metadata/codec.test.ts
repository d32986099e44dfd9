import { strict as assert } from 'node:assert';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { decodeCommand, encodeCommand, type MetadataCommand } from '../../src/metadata/metadata-commands';
import { EMPTY_METADATA_STATE } from '../../src/metadata/metadata-state';
import { decodeState, encodeState } from '../../src/metadata/state-codec';
import { applyAll, cluster, createTopic, register } from './metadata-fixtures';

const COMMANDS: MetadataCommand[] = [
  register(1, 'a'),
  register(2, null),
  createTopic('orders', 3, 2, { config: { 'retention.ms': '1000' } }),
  { type: 'DeleteTopic', name: 'orders' },
  { type: 'AlterTopicConfig', name: 'orders', set: { 'segment.ms': '60000' }, delete: ['retention.ms'] },
  { type: 'CreatePartitions', name: 'orders', totalCount: 9 },
  { type: 'ReassignPartition', name: 'orders', partition: 2, replicas: [2, 1] },
  { type: 'CompleteReassignment', name: 'orders', partition: 2, createdAtMs: 5_000, replicas: [1, 2] },
  { type: 'DrainBroker', id: 2, draining: true },
  { type: 'DrainBroker', id: 2, draining: false },
];

const bytes = (text: string) => Buffer.from(text, 'utf8');

function decodeError(text: string): SluiceError {
  try {
    decodeCommand(bytes(text));
  } catch (error) {
    assert.ok(error instanceof SluiceError);
    assert.equal(error.code, ErrorCode.INVALID_REQUEST);
    return error;
  }
  assert.fail(`decoded ${text}`);
}

describe('metadata codecs', () => {
  for (const command of COMMANDS) {
    it(`round-trips ${JSON.stringify(command)}`, () => {
      assert.deepEqual(decodeCommand(encodeCommand(command)), command);
    });
  }

  it('decodes a command from a subarray of a larger buffer', () => {
    const encoded = Buffer.from(encodeCommand(COMMANDS[2]!));
    const framed = Buffer.concat([Buffer.from([1, 2, 3]), encoded]);
    assert.deepEqual(decodeCommand(framed.subarray(3)), COMMANDS[2]);
  });

  it('rejects bytes that are not a known, well-formed command', () => {
    assert.match(decodeError('{').message, /not JSON/);
    assert.match(decodeError('{"v":2,"command":{}}').message, /format version 2 is not supported: this broker reads version 1/);
    assert.match(decodeError('{"v":1,"command":{"type":"Explode"}}').message, /unknown metadata command type 'Explode': known types are RegisterBroker/);
    assert.match(decodeError('{"v":1,"command":{"type":"DeleteTopic"}}').message, /DeleteTopic.name is missing/);
    assert.match(decodeError('{"v":1,"command":{"type":"CreatePartitions","name":"t","totalCount":"9"}}').message, /CreatePartitions.totalCount is invalid \("9"\): expected integer/);
    assert.match(decodeError('{"v":1,"command":{"type":"AlterTopicConfig","name":"t","set":{"a":1},"delete":[]}}').message, /AlterTopicConfig.set is invalid/);
    assert.match(decodeError('{"v":1,"command":{"type":"DrainBroker","id":1,"draining":"yes"}}').message, /DrainBroker.draining is invalid \("yes"\): expected boolean/);
    assert.match(decodeError('{"v":1,"command":{"type":"CompleteReassignment","name":"t","partition":0,"replicas":[1]}}').message, /CompleteReassignment.createdAtMs is missing/);
    assert.match(decodeError('{"v":1,"command":{"type":"CompleteReassignment","name":"t","partition":0,"createdAtMs":1,"replicas":[1.5]}}').message, /CompleteReassignment.replicas is invalid/);
  });

  it('drops unknown fields of a command', () => {
    const decoded = decodeCommand(bytes('{"v":1,"command":{"type":"DeleteTopic","name":"t","extra":true}}'));
    assert.deepEqual(decoded, { type: 'DeleteTopic', name: 't' });
  });

  it('round-trips a state through a snapshot', () => {
    const state = applyAll([createTopic('a', 3, 2, { config: { 'retention.ms': '1000' } }), createTopic('__internal', 2, 3, { internal: true })], cluster(3, ['x', 'y']));
    const decoded = decodeState(encodeState(state));
    assert.deepEqual(decoded, state);
    assert.deepEqual(Buffer.from(encodeState(decoded)), Buffer.from(encodeState(state)));
  });

  it('round-trips retiring replicas, reassigned partitions and draining brokers', () => {
    const state = applyAll([createTopic('a', 2, 2), { type: 'DrainBroker', id: 1, draining: true }], cluster(3));
    assert.ok(state.brokers.get(1)!.draining && state.topics.get('a')!.partitions.some((p) => p.retiring.length > 0 && p.reassigned));
    assert.deepEqual(decodeState(encodeState(state)), state);
  });

  it('reads a snapshot from before reassignment: nothing retiring, never reassigned, no broker draining', () => {
    const old = {
      v: 1, version: 3,
      brokers: [{ id: 1, host: 'h', port: 1, httpPort: 2, rack: null, registeredAtMs: 0 }],
      topics: [{ name: 't', internal: false, partitions: [{ replicas: [1] }], replicationFactor: 1, config: {}, createdAtMs: 1 }],
    };
    const decoded = decodeState(bytes(JSON.stringify(old)));
    assert.deepEqual(decoded.topics.get('t')!.partitions[0], { replicas: [1], retiring: [], reassigned: false });
    assert.equal(decoded.brokers.get(1)!.draining, false);
  });

  it('round-trips the empty state', () => {
    assert.deepEqual(decodeState(encodeState(EMPTY_METADATA_STATE)), EMPTY_METADATA_STATE);
  });

  it('fills config keys a snapshot lacks with their defaults', () => {
    const state = applyAll([createTopic('a', 1, 1)], cluster(1));
    const json = JSON.parse(Buffer.from(encodeState(state)).toString('utf8'));
    delete json.topics[0].config['segment.ms'];
    const decoded = decodeState(bytes(JSON.stringify(json)));
    assert.equal(decoded.topics.get('a')!.config['segment.ms'], state.topics.get('a')!.config['segment.ms']);
  });

  it('rejects a malformed snapshot', () => {
    assert.throws(() => decodeState(bytes('[]')), /format version undefined/);
    assert.throws(() => decodeState(bytes('{"v":1,"version":3,"brokers":[{"id":"x"}],"topics":[]}')), /malformed broker/);
    assert.throws(() => decodeState(bytes('{"v":1,"version":3,"brokers":[],"topics":[{"name":"t","partitions":[{"replicas":[]}]}]}')), /malformed topic/);
  });
});
