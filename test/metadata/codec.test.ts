import { strict as assert } from 'node:assert';
import { ErrorCode, SluiceError } from '../../src/common/errors';
import { decodeCommand, encodeCommand, type MetadataCommand } from '../../src/metadata/metadata-commands';
import { createTopic, register } from './metadata-fixtures';

const COMMANDS: MetadataCommand[] = [
  register(1, 'a'),
  register(2, null),
  createTopic('orders', 3, 2, { config: { 'retention.ms': '1000' } }),
  createTopic('orders', 3, 2, { topicId: 'eMpzUX3ZTSqGv7Ahjq4_nw' }),
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

describe('metadata command codec', () => {
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
});
