import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { brokerProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition } from '../../src/protocol/services';
import { encodeBatch, recordsOf, startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker ProduceStream (pipelined produce)', () => {
  let fx: BrokerFixture;
  let client: grpc.Client & Record<string, Function>;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'p', partitions: 2 }] });
    const Client = grpc.makeGenericClientConstructor(serviceDefinition(brokerProtoRoot(), 'sluice.v1.Data'), 'Data');
    client = new Client(fx.address, grpc.credentials.createInsecure()) as any;
  });
  afterEach(async () => {
    client.close();
    await fx.close();
  });

  it('appends pipelined idempotent batches in the order they were sent', async () => {
    const { producerId } = await fx.data('initProducer', {});
    const stream = client.produceStream();
    const responses = new Map<number, any>();
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (response: any) => {
        responses.set(response.correlationId, response.partitions[0]);
        if (responses.size === 64) resolve();
      });
      stream.on('error', reject);
    });
    for (let i = 0; i < 64; i++) {
      const values = Array.from({ length: 50 }, (_, j) => `b${i}-r${j}`);
      stream.write({ correlationId: i + 1, partitions: [{ topic: 'p', partition: i % 2, batch: encodeBatch(values, { producerId, baseSequence: Math.floor(i / 2) * 50 }) }] });
    }
    await done;
    stream.end();
    for (let i = 0; i < 64; i++) {
      const result = responses.get(i + 1);
      assert.equal(result.errorCode, ErrorCode.NONE, result.errorMessage);
      assert.equal(result.baseOffset, Math.floor(i / 2) * 50);
    }
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'p', partition: 1, offset: 0, maxBytes: 1 << 20 }] });
    const values = recordsOf(fetched.partitions[0]).map((r) => r.value);
    assert.equal(values[0], 'b1-r0');
    assert.equal(values[50], 'b3-r0');
    assert.equal(values.length, 32 * 50);
  });

  it('ends the stream with INVALID_ARGUMENT on a request-level error', async () => {
    const stream = client.produceStream();
    const error = await new Promise<any>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => undefined);
      stream.write({ correlationId: 1, acks: 9, partitions: [{ topic: 'p', partition: 0, batch: encodeBatch(['x']) }] });
    });
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /acks 9 is invalid/);
  });
});
