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

  it("holds every partition after the first with data to its own max_bytes (KIP-74): a later partition's oversized batch waits", async () => {
    const response = await fx.data('fetch', { partitions: all.map((p) => ({ ...p, maxBytes: 1000 })), maxBytes: 4_000_000 });
    assert.deepEqual(response.partitions.map((p: any) => p.batches.length), [1, 0, 0]);
    assert.ok(response.partitions.every((p: any) => p.errorCode === ErrorCode.NONE));
  });

  it('returns the oversized first batch of the first partition with data, wherever it is in the request', async () => {
    const response = await fx.data('fetch', {
      partitions: [{ topic: 't', partition: 0, offset: 1, maxBytes: 1000 }, { topic: 't', partition: 2, offset: 0, maxBytes: 1000 }, { topic: 't', partition: 1, offset: 0, maxBytes: 1000 }],
      maxBytes: 4_000_000,
    });
    assert.deepEqual(response.partitions.map((p: any) => p.batches.length), [0, 1, 0]);
  });

  it('serves the partitions of a subscription in turn: a backlog on one does not hold back an oversized batch of another', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'fair', partitions: 3 }] });
    const produce = async (partition: number, bytes: number): Promise<void> => {
      const { partitions } = await fx.data('produce', { partitions: [{ topic: 'fair', partition, batch: { records: [{ value: Buffer.alloc(bytes, partition) }] } }] });
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
    };
    for (let i = 0; i < 6; i++) await produce(0, 600); // a backlog of small batches, one per push
    await produce(1, BATCH_VALUE_BYTES);
    await produce(2, BATCH_VALUE_BYTES);
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    try {
      const stream = (client as any).subscribe({ partitions: [0, 1, 2].map((partition) => ({ topic: 'fair', partition, offset: 0, maxBytes: 1000 })), maxBytes: 4_000_000 });
      const pushes = await new Promise<number[][]>((resolve, reject) => {
        const seen: number[][] = [];
        stream.on('data', (push: any) => {
          seen.push(push.partitions.filter((p: any) => p.batches.length > 0).map((p: any) => p.partition));
          if (seen.flat().length === 8) resolve(seen);
        });
        stream.on('error', reject);
      });
      stream.cancel();
      const firstOf = (partition: number): number => pushes.findIndex((served) => served.includes(partition));
      assert.ok(firstOf(1) < 3 && firstOf(2) < 3, `partitions served per push: ${JSON.stringify(pushes)}`);
    } finally {
      client.close();
    }
  });

  it('answers a negative offset with OFFSET_OUT_OF_RANGE for that partition alone (as Kafka), serving the others', async () => {
    const response = await fx.data('fetch', { partitions: [{ topic: 't', partition: 0, offset: -3 }, { topic: 't', partition: 1, offset: 0 }], maxBytes: 4_000_000 });
    assert.equal(response.partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.match(response.partitions[0].errorMessage, /^offset -3 for t\/0 is invalid: use an offset >= 0 \(ListOffsets resolves earliest\/latest\)$/);
    assert.equal(response.partitions[0].logStartOffset, 0);
    assert.equal(response.partitions[1].errorCode, ErrorCode.NONE);
    assert.equal(response.partitions[1].batches.length, 1);
  });
});
