import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { recordsOf, startBrokerFixture, type BrokerFixture } from './broker-fixture';
import { until } from '../until';

describe('broker retention', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'r', configs: { 'segment.bytes': String(64 * 1024) } }] });
  });
  afterEach(async () => fx.close());

  const value = Buffer.alloc(10 * 1024, 3);
  const fill = async (batches: number): Promise<void> => {
    for (let i = 0; i < batches; i++) {
      const { partitions } = await fx.data('produce', { partitions: [{ topic: 'r', partition: 0, batch: { records: [{ value }, { value }] } }] });
      assert.equal(partitions[0].errorCode, ErrorCode.NONE);
    }
  };

  it('deletes whole old segments by size and answers OFFSET_OUT_OF_RANGE below the new start', async () => {
    await fill(30); // 60 records of 10 KiB: several 64 KiB segments
    const set = await fx.admin('alterConfigs', { topic: 'r', set: { 'retention.bytes': String(128 * 1024) } });
    assert.equal(set.errorCode, ErrorCode.NONE);
    const deleted = await fx.broker.context.partitions.runRetention();
    assert.ok(deleted > 0, 'some segments were deleted');
    const described = await fx.admin('describeTopics', { names: ['r'] });
    const partition = described.topics[0].partitions[0];
    assert.ok(partition.logStartOffset > 0);
    assert.equal(partition.logEndOffset, 60, 'the end does not move');
    assert.ok(partition.sizeBytes <= 128 * 1024 + 64 * 1024, `size ${partition.sizeBytes} is near the limit (whole segments)`);

    const below = await fx.data('fetch', { partitions: [{ topic: 'r', partition: 0, offset: 0 }] });
    assert.equal(below.partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal(below.partitions[0].logStartOffset, partition.logStartOffset);
    const earliest = await fx.data('listOffsets', { partitions: [{ topic: 'r', partition: 0, timestampMs: -2 }] });
    assert.equal(earliest.partitions[0].offset, partition.logStartOffset);
    const from = await fx.data('fetch', { partitions: [{ topic: 'r', partition: 0, offset: partition.logStartOffset }] });
    assert.equal(recordsOf(from.partitions[0])[0]!.offset, partition.logStartOffset);
  });

  it('deletes segments older than retention.ms and keeps the start after a restart', async () => {
    await fill(10);
    await fx.admin('alterConfigs', { topic: 'r', set: { 'retention.ms': '1' } });
    // The segments become older than 1 ms on their own: retention removes them once they are.
    const start = await until(async () => {
      await fx.broker.context.partitions.runRetention();
      const described = await fx.admin('describeTopics', { names: ['r'] });
      return described.topics[0].partitions[0].logStartOffset > 0 ? described.topics[0].partitions[0].logStartOffset as number : undefined;
    }, 'retention to delete the old segments');
    fx = await fx.restart();
    const after = (await fx.admin('describeTopics', { names: ['r'] })).topics[0].partitions[0];
    assert.equal(after.logStartOffset, start);
    assert.equal(after.logEndOffset, 20);
  });
});
