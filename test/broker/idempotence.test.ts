import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { recordsOf, startBrokerFixture, type BrokerFixture } from './broker-fixture';

/** Fixed, so that a resent batch has the same bytes (a retry; other bytes are INVALID_DUPLICATE). */
const BATCH_TIMESTAMP_MS = 1_765_000_000_000;

describe('broker idempotent producer', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'events', partitions: 1 }] });
  });
  afterEach(async () => fx.close());

  const produceSeq = async (producerId: number, baseSequence: number, values: string[], producerEpoch = 0) => {
    const response = await fx.data('produce', {
      partitions: [
        {
          topic: 'events',
          partition: 0,
          batch: { baseTimestampMs: BATCH_TIMESTAMP_MS, producerId, producerEpoch, baseSequence, records: values.map((v) => ({ value: Buffer.from(v) })) },
        },
      ],
    });
    return response.partitions[0];
  };

  it('hands out distinct producer ids', async () => {
    const a = await fx.data('initProducer', {});
    const b = await fx.data('initProducer', {});
    assert.ok(a.producerId > 0);
    assert.notEqual(a.producerId, b.producerId);
  });

  it('stores a resent batch once and answers it with the original offset', async () => {
    const { producerId } = await fx.data('initProducer', {});
    const first = await produceSeq(producerId, 0, ['a', 'b']);
    const retry = await produceSeq(producerId, 0, ['a', 'b']);
    assert.equal(first.errorCode, ErrorCode.NONE);
    assert.equal(retry.errorCode, ErrorCode.DUPLICATE_SEQUENCE);
    assert.equal(retry.baseOffset, first.baseOffset);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'events', partition: 0, offset: 0 }] });
    assert.equal(recordsOf(fetched.partitions[0]).length, 2);
  });

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE and stores nothing', async () => {
    const { producerId } = await fx.data('initProducer', {});
    await produceSeq(producerId, 0, ['a']);
    const gap = await produceSeq(producerId, 5, ['x']);
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE);
    assert.match(gap.errorMessage, /expected 1/);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'events', partition: 0, offset: 0 }] });
    assert.equal(recordsOf(fetched.partitions[0]).length, 1);
  });

  it('refuses a batch with a stored batch\'s sequence range but other records (INVALID_DUPLICATE) and stores nothing', async () => {
    const { producerId } = await fx.data('initProducer', {});
    await produceSeq(producerId, 0, ['a', 'b']);
    const other = await produceSeq(producerId, 0, ['x', 'y']);
    assert.equal(other.errorCode, ErrorCode.INVALID_DUPLICATE);
    assert.match(other.errorMessage, /again with different bytes/);
    const fetched = await fx.data('fetch', { partitions: [{ topic: 'events', partition: 0, offset: 0 }] });
    assert.equal(recordsOf(fetched.partitions[0]).length, 2);
  });

  it('fences an older producer epoch', async () => {
    const { producerId } = await fx.data('initProducer', {});
    await produceSeq(producerId, 0, ['a'], 3);
    const stale = await produceSeq(producerId, 1, ['b'], 2);
    assert.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('recognises a retried batch after a restart', async () => {
    const { producerId } = await fx.data('initProducer', {});
    const first = await produceSeq(producerId, 0, ['a', 'b', 'c']);
    fx = await fx.restart();
    const retry = await produceSeq(producerId, 0, ['a', 'b', 'c']);
    assert.equal(retry.errorCode, ErrorCode.DUPLICATE_SEQUENCE);
    assert.equal(retry.baseOffset, first.baseOffset);
    const next = await produceSeq(producerId, 3, ['d']);
    assert.equal(next.errorCode, ErrorCode.NONE);
    assert.equal(next.baseOffset, 3);
  });

  it('never reuses a producer id after a restart', async () => {
    const before = await fx.data('initProducer', {});
    fx = await fx.restart();
    const after = await fx.data('initProducer', {});
    assert.ok(after.producerId > before.producerId);
  });
});
