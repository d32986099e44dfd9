// Errors never echo unbounded input nor a server path: a status detail over ~8 KB makes gRPC
// C-core clients fail every other call on the channel, and paths are the server's business.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { MAX_CLIENT_MESSAGE_CHARS } from '../../src/broker/client-message';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

const HUGE = 'x'.repeat(100_000);

describe('broker: error details', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture();
  });
  after(() => fx.close());

  const short = (message: string): void => assert.ok(message.length <= MAX_CLIENT_MESSAGE_CHARS, `a message of ${message.length} characters`);

  it('quotes an unknown 100,000-character topic shortened in a produce answer', async () => {
    const { partitions } = await fx.data('produce', { partitions: [{ topic: HUGE, partition: 0, batch: { records: [{ value: Buffer.from('x') }] } }] });
    assert.equal(partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    short(partitions[0].errorMessage);
    assert.match(partitions[0].errorMessage, /\(100000 characters\) does not exist/);
  });

  it('shortens an invalid 100,000-character topic name and keeps the guidance', async () => {
    const { topics } = await fx.admin('createTopics', { topics: [{ name: HUGE, partitions: 1 }] });
    assert.equal(topics[0].errorCode, ErrorCode.INVALID_TOPIC);
    short(topics[0].errorMessage);
    assert.match(topics[0].errorMessage, /is invalid: use 1-249 characters/);
  });

  it('bounds the status details of an invalid 100,000-character group id', async () => {
    await assert.rejects(fx.groups('commitOffsets', { groupId: HUGE, partitions: [{ topic: 't', partition: 0, offset: 1 }] }), (e: any) => {
      assert.equal(e.code, grpc.status.INVALID_ARGUMENT);
      short(e.details);
      assert.match(e.details, /is invalid: use 1-249 characters/);
      return true;
    });
  });

  it('bounds the status details of a fetch naming a 100,000-character topic at a bad offset', async () => {
    const { partitions } = await fx.data('fetch', { partitions: [{ topic: HUGE, partition: 0, offset: -1 }] });
    assert.equal(partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    short(partitions[0].errorMessage);
    assert.match(partitions[0].errorMessage, /offset -1 for 'x+…' \(100000 characters\)\/0 is invalid/);
  });

  it('never names a server path, even when storage fails', async () => {
    const name = 'd'.repeat(249);
    const created = await fx.admin('createTopics', { topics: [{ name, partitions: 1 }] });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);
    const { topics } = await fx.admin('deleteTopics', { names: [name] });
    // Whether or not the delete succeeds here, its answer must not tell where the data lives.
    assert.ok(!topics[0].errorMessage.includes(fx.dataDir), topics[0].errorMessage);
    assert.doesNotMatch(topics[0].errorMessage, /(^|[\s'"(=])\/\w/);
  });
});
