// Stock gRPC clients (Python, Go, grpc-js without options) refuse messages over 4 MiB. Every
// answer to a request left at its defaults must fit, even with the largest batch a topic
// accepts by default; larger answers only when the client asks for them.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { DEFAULT_TOPIC_CONFIG } from '../../src/metadata/topic-config';
import { rawClient, startBrokerFixture, type BrokerFixture } from './broker-fixture';

const STOCK_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;
/** What a batch's encoding adds to its values here (record and batch framing), generously. */
const FRAMING_BYTES = 1024;

describe('broker: answers to requests at their defaults fit a stock client', function () {
  this.timeout(60_000);
  let fx: BrokerFixture;
  const largest = DEFAULT_TOPIC_CONFIG['max.message.bytes'] - FRAMING_BYTES;

  before(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'big', partitions: 2 }, { name: 'many', partitions: 6 }] });
    // Six partitions with a batch just under the default per-partition fetch size each.
    for (let partition = 0; partition < 6; partition++) {
      const { partitions } = await fx.data('produce', { partitions: [{ topic: 'many', partition, batch: { records: [{ value: Buffer.alloc(1000 * 1000, partition) }] } }] });
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
    }
    // Three of the largest batches the default config accepts, on each partition.
    for (let i = 0; i < 3; i++) {
      for (const partition of [0, 1]) {
        const { partitions } = await fx.data('produce', { partitions: [{ topic: 'big', partition, batch: { records: [{ value: Buffer.alloc(largest, i) }] } }] });
        assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
      }
    }
  });
  after(() => fx.close());

  it('the default max.message.bytes leaves room for the envelope under 4 MiB', () => {
    assert.ok(DEFAULT_TOPIC_CONFIG['max.message.bytes'] + 64 * 1024 < STOCK_MAX_RECEIVE_BYTES);
  });

  it('a Fetch with every limit at its default', async () => {
    const { client, call } = rawClient(fx.address, 'sluice.v1.Data'); // grpc-js defaults: 4 MiB per message received
    try {
      const response = await call('fetch', { partitions: [{ topic: 'big', partition: 0, offset: 0 }, { topic: 'big', partition: 1, offset: 0 }] });
      const batches = response.partitions.flatMap((p: any) => p.batches);
      assert.ok(batches.length >= 1, 'at least one batch');
    } finally {
      client.close();
    }
  });

  it('a Fetch of many partitions with every limit at its default', async () => {
    const { client, call } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const response = await call('fetch', { partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: 'many', partition, offset: 0 })) });
      assert.ok(response.partitions.some((p: any) => p.batches.length > 0));
    } finally {
      client.close();
    }
  });

  it('a Subscribe of many partitions with every limit at its default', async () => {
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const stream = (client as any).subscribe({ partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: 'many', partition, offset: 0 })) });
      await new Promise<void>((resolve, reject) => {
        let batches = 0;
        stream.on('data', (push: any) => {
          batches += push.partitions.reduce((n: number, p: any) => n + p.batches.length, 0);
          if (batches === 6) resolve();
        });
        stream.on('error', reject);
      });
      stream.cancel();
    } finally {
      client.close();
    }
  });

  it('a Subscribe with every limit at its default', async () => {
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const stream = (client as any).subscribe({ partitions: [{ topic: 'big', partition: 0, offset: 0 }, { topic: 'big', partition: 1, offset: 0 }] });
      const received = await new Promise<number>((resolve, reject) => {
        let batches = 0;
        stream.on('data', (push: any) => {
          batches += push.partitions.reduce((n: number, p: any) => n + p.batches.length, 0);
          if (batches === 6) resolve(batches);
        });
        stream.on('error', reject);
      });
      stream.cancel();
      assert.equal(received, 6);
    } finally {
      client.close();
    }
  });
});
