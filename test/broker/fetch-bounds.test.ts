// Fetch and Subscribe name each partition once, and a response holds at most max_bytes of
// batches (only its first batch may be larger, so that a consumer can always progress).
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { rawClient, startBrokerFixture, type BrokerFixture } from './broker-fixture';

const BATCH_VALUE_BYTES = 100_000;

describe('broker: fetch and subscribe bounds', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture({ limits: { maxFetchBytes: 250_000 } });
    await fx.admin('createTopics', { topics: [{ name: 't', partitions: 3 }] });
    for (const partition of [0, 1, 2]) {
      const { partitions } = await fx.data('produce', { partitions: [{ topic: 't', partition, batch: { records: [{ value: Buffer.alloc(BATCH_VALUE_BYTES, partition) }] } }] });
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
    }
  });
  after(() => fx.close());

  const all = [0, 1, 2].map((partition) => ({ topic: 't', partition, offset: 0 }));
  const batchesIn = (response: any): number => response.partitions.reduce((n: number, p: any) => n + p.batches.length, 0);

  it('refuses a fetch naming a partition twice with INVALID_ARGUMENT naming it', async () => {
    const twice = [...all, { topic: 't', partition: 1, offset: 5 }];
    await assert.rejects(fx.data('fetch', { partitions: twice }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /partition t\/1 appears twice in one Fetch request/.test(e.details));
  });

  it('refuses a subscribe naming a partition twice with INVALID_ARGUMENT naming it', async () => {
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const stream = (client as any).subscribe({ partitions: [all[2], all[2]] });
      const error = await new Promise<any>((resolve) => {
        stream.on('data', () => undefined);
        stream.on('error', resolve);
      });
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /partition t\/2 appears twice in one Subscribe request/);
    } finally {
      client.close();
    }
  });

  it('answers at most the request max_bytes of batches beyond the first batch', async () => {
    const response = await fx.data('fetch', { partitions: all, maxBytes: 150_000 });
    assert.equal(batchesIn(response), 1);
    assert.equal(response.partitions[0].batches.length, 1);
    assert.ok(response.partitions.every((p: any) => p.errorCode === ErrorCode.NONE));
  });

  it('answers at most limits.maxFetchBytes of batches whatever the request asks for', async () => {
    const response = await fx.data('fetch', { partitions: all, maxBytes: 4_000_000_000 });
    assert.equal(batchesIn(response), 2);
  });

  it('returns the first batch even when it alone is larger than max_bytes', async () => {
    const response = await fx.data('fetch', { partitions: all, maxBytes: 10 });
    assert.equal(batchesIn(response), 1);
  });
});
