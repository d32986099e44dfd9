import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { rawClient, startBrokerFixture, recordsOf, type BrokerFixture, brokerMetric } from './broker-fixture';
import { until } from '../until';

describe('broker produce and fetch', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    const created = await fx.admin('createTopics', { topics: [{ name: 'orders', partitions: 2 }] });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  });
  afterEach(async () => fx.close());

  const produce = (partition: number, values: string[], acks = 0) =>
    fx.data('produce', { acks, partitions: [{ topic: 'orders', partition, batch: { baseTimestampMs: Date.now(), records: values.map((v) => ({ value: Buffer.from(v) })) } }] });

  /** Produces `values` to orders/partition in batches of `size`, one request each. */
  const produceInBatches = async (partition: number, values: string[], size: number): Promise<void> => {
    for (let i = 0; i < values.length; i += size) await produce(partition, values.slice(i, i + size));
  };

  /** Subscribes to orders/partition from offset 0 and collects `count` values (pushes of at most maxBytes). */
  const follow = (client: any, partition: number, count: number, maxBytes: number): { stream: any; seen: Promise<string[]> } => {
    const stream = client.subscribe({ partitions: [{ topic: 'orders', partition, offset: 0, maxBytes }], maxBytes });
    const values: string[] = [];
    const seen = new Promise<string[]>((resolve, reject) => {
      stream.on('data', (message: any) => {
        for (const r of recordsOf(message.partitions[0])) values.push(r.value);
        if (values.length >= count) {
          stream.cancel();
          resolve(values);
        }
      });
      stream.on('error', (error: any) => (error.code === 1 ? resolve(values) : reject(error)));
    });
    return { stream, seen };
  };

  it('assigns dense offsets per partition and returns the records in order', async () => {
    const first = await produce(0, ['a', 'b', 'c']);
    const second = await produce(0, ['d']);
    const other = await produce(1, ['x']);
    assert.equal(first.partitions[0].baseOffset, 0);
    assert.equal(second.partitions[0].baseOffset, 3);
    assert.equal(other.partitions[0].baseOffset, 0);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'orders', partition: 0, offset: 0 }] });
    const result = fetched.partitions[0];
    assert.equal(result.errorCode, ErrorCode.NONE);
    assert.equal(result.highWatermark, 4);
    assert.deepEqual(recordsOf(result), [
      { offset: 0, value: 'a' },
      { offset: 1, value: 'b' },
      { offset: 2, value: 'c' },
      { offset: 3, value: 'd' },
    ]);
  });

  it('returns whole batches: a fetch from the middle starts at the batch holding the offset', async () => {
    await produce(0, ['a', 'b', 'c']);
    await produce(0, ['d', 'e']);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'orders', partition: 0, offset: 4 }] });
    assert.equal(fetched.partitions[0].batches.length, 1);
    assert.equal(fetched.partitions[0].batches[0].baseOffset, 3);
  });

  it('serves acks=leader and acks=none produces too', async () => {
    const leader = await produce(0, ['l'], 1);
    assert.equal(leader.partitions[0].baseOffset, 0);
    await produce(0, ['n'], 2);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'orders', partition: 0, offset: 0 }], maxWaitMs: 2000, minBytes: 1 });
    assert.ok(recordsOf(fetched.partitions[0]).some((r) => r.value === 'l'));
  });

  it('long-polls until data arrives', async () => {
    const replica = fx.broker.context.partitions.lookup('orders', 1).replica!;
    const polling = fx.data('fetch', { partitions: [{ topic: 'orders', partition: 1, offset: 0 }], maxWaitMs: 10_000, minBytes: 1 });
    await until(() => replica.changed.waiting > 0, 'the fetch to wait for data at the broker');
    await produce(1, ['late']);
    const fetched = await polling;
    assert.deepEqual(recordsOf(fetched.partitions[0]), [{ offset: 0, value: 'late' }]);
  });

  it('answers an empty fetch at the end of the log after max_wait_ms', async () => {
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'orders', partition: 0, offset: 0 }], maxWaitMs: 20 });
    assert.equal(fetched.partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(fetched.partitions[0].batches.length, 0);
  });

  it('returns the stored CRC32C and leader epoch with each batch', async () => {
    await produce(0, ['a']);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'orders', partition: 0, offset: 0 }] });
    const batch = fetched.partitions[0].batches[0];
    assert.ok(batch.crc32c > 0);
    assert.ok(batch.leaderEpoch >= 1);
    assert.equal(batch.recordCount, 1);
  });

  it('pushes new batches to a subscriber', async () => {
    await produce(0, ['one']);
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    const stream = (client as any).subscribe({ partitions: [{ topic: 'orders', partition: 0, offset: 0 }] });
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: any) => {
        for (const r of recordsOf(message.partitions[0])) seen.push(r.value);
        if (seen.length === 3) resolve();
      });
      stream.on('error', (error: any) => (error.code === 1 ? resolve() : reject(error)));
    });
    await produce(0, ['two', 'three']);
    await done;
    stream.cancel();
    client.close();
    assert.deepEqual(seen, ['one', 'two', 'three']);
  });

  it('serves subscribers catching up at once each its own bytes (pushes read into pooled buffers)', async () => {
    // Enough per partition that the pushes come from the segments, not the recent-entries window,
    // and in several pushes (small max_bytes), so that leases overlap and buffers are reused.
    const valuesOf = (partition: number): string[] => Array.from({ length: 400 }, (_, i) => `p${partition}-${i}-${'x'.repeat(200 + (i % 37))}`);
    for (const partition of [0, 1]) await produceInBatches(partition, valuesOf(partition), 50);
    const { client } = rawClient(fx.address, 'sluice.v1.Data');
    const results = await Promise.all([0, 1, 0, 1].map((partition) => follow(client, partition, 400, 16 * 1024).seen));
    client.close();
    results.forEach((seen, i) => assert.deepEqual(seen, valuesOf(i % 2), `subscriber ${i}`));
  });

  it('keeps a push queued behind a slow subscriber intact while other subscribers reuse the read buffers', async () => {
    const valuesOf = (partition: number): string[] => Array.from({ length: 600 }, (_, i) => `p${partition}-${i}-${String.fromCharCode(97 + (i % 26)).repeat(300)}`);
    for (const partition of [0, 1]) await produceInBatches(partition, valuesOf(partition), 20);
    const slow = rawClient(fx.address, 'sluice.v1.Data').client;
    const fast = rawClient(fx.address, 'sluice.v1.Data').client;
    // The slow subscriber stops reading: its HTTP/2 window fills and the broker's writes queue.
    const held = follow(slow, 0, 600, 8 * 1024);
    held.stream.pause();
    await until(async () => (await brokerMetric(fx, 'sluice_streams_waiting_for_client', 'method="subscribe"')) > 0, 'the broker to queue pushes for the paused subscriber');
    // Meanwhile others read the same and another partition through the same pool of buffers.
    const others = await Promise.all([1, 0, 1].map((partition) => follow(fast, partition, 600, 8 * 1024).seen));
    held.stream.resume();
    const slowSeen = await held.seen;
    slow.close();
    fast.close();
    assert.deepEqual(others, [valuesOf(1), valuesOf(0), valuesOf(1)]);
    assert.deepEqual(slowSeen, valuesOf(0), 'the pushes queued while the subscriber was paused');
  });

  it('keeps everything across a graceful restart', async () => {
    await produce(0, ['a', 'b']);
    fx = await fx.restart();
    const next = await produce(0, ['c']);
    assert.equal(next.partitions[0].baseOffset, 2);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'orders', partition: 0, offset: 0 }] });
    assert.deepEqual(recordsOf(fetched.partitions[0]).map((r) => r.value), ['a', 'b', 'c']);
  });
});
