import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';
import { until } from '../until';

describe('broker list offsets and group offsets', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'audit', partitions: 2 }] });
  });
  afterEach(async () => fx.close());

  const produceAt = (timestampMs: number, values: string[]) =>
    fx.data('produce', {
      partitions: [{ topic: 'audit', partition: 0, batch: { baseTimestampMs: timestampMs, maxTimestampMs: timestampMs, records: values.map((v) => ({ value: Buffer.from(v) })) } }],
    });

  it('answers a timestamp query with the first record at or after it, and that record\'s timestamp (as Kafka)', async () => {
    // Records at 1000, 2000, 3000 (offsets 0-2) in one batch, then 4000 and 5000 (offsets 3-4).
    const batch = (base: number, deltas: number[]) => ({
      baseTimestampMs: base, maxTimestampMs: base + deltas[deltas.length - 1]!, records: deltas.map((d) => ({ timestampDeltaMs: d, value: Buffer.from(`at ${base + d}`) })),
    });
    await fx.data('produce', { partitions: [{ topic: 'audit', partition: 0, batch: batch(1_000, [0, 1_000, 2_000]) }] });
    await fx.data('produce', { partitions: [{ topic: 'audit', partition: 0, batch: batch(4_000, [0, 1_000]) }] });
    const ask = async (timestampMs: number): Promise<[number, number]> => {
      const { partitions } = await fx.data('listOffsets', { partitions: [{ topic: 'audit', partition: 0, timestampMs }] });
      assert.equal(partitions[0].errorCode, ErrorCode.NONE, partitions[0].errorMessage);
      return [partitions[0].offset, partitions[0].timestampMs];
    };
    assert.deepEqual(await ask(0), [0, 1_000]);
    assert.deepEqual(await ask(2_000), [1, 2_000]);
    assert.deepEqual(await ask(2_500), [2, 3_000]);
    assert.deepEqual(await ask(3_001), [3, 4_000]);
    assert.deepEqual(await ask(4_500), [4, 5_000]);
    assert.deepEqual(await ask(5_001), [-1, -1]);
  });

  it('resolves earliest, latest and by timestamp', async () => {
    await produceAt(1_000, ['a', 'b']);
    await produceAt(2_000, ['c']);
    await produceAt(3_000, ['d', 'e']);
    const { partitions } = await fx.data('listOffsets', {
      partitions: [
        { topic: 'audit', partition: 0, timestampMs: -2 },
        { topic: 'audit', partition: 0, timestampMs: -1 },
        { topic: 'audit', partition: 0, timestampMs: 1_500 },
        { topic: 'audit', partition: 0, timestampMs: 3_000 },
        { topic: 'audit', partition: 0, timestampMs: 9_000 },
        { topic: 'audit', partition: 0, timestampMs: -7 },
        { topic: 'nope', partition: 0, timestampMs: -1 },
      ],
    });
    assert.deepEqual(
      partitions.map((p: any) => [p.errorCode, p.offset]),
      [
        [ErrorCode.NONE, 0],
        [ErrorCode.NONE, 5],
        [ErrorCode.NONE, 2],
        [ErrorCode.NONE, 3],
        [ErrorCode.NONE, -1],
        [ErrorCode.INVALID_REQUEST, -1],
        [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
      ],
    );
  });

  it('commits and fetches group offsets, durable across a restart', async () => {
    const commit = await fx.groups('commitOffsets', {
      groupId: 'billing',
      partitions: [
        { topic: 'audit', partition: 0, offset: 17, metadata: 'm1' },
        { topic: 'audit', partition: 1, offset: 4 },
      ],
    });
    assert.deepEqual(commit.partitions.map((p: any) => p.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
    await fx.groups('commitOffsets', { groupId: 'billing', partitions: [{ topic: 'audit', partition: 0, offset: 18 }] });
    fx = await fx.restart();
    const fetched = await fx.groups('fetchOffsets', { groupId: 'billing', partitions: [{ topic: 'audit', partition: 0 }, { topic: 'audit', partition: 1 }, { topic: 'audit', partition: 5 }] });
    assert.deepEqual(fetched.partitions.map((p: any) => p.offset), [18, 4, -1]);
    const groups = await fx.groups('listGroups', {});
    assert.deepEqual(groups.groupIds, ['billing']);
  });

  it('rejects commits for unknown partitions and negative offsets, keeping the valid ones', async () => {
    const commit = await fx.groups('commitOffsets', {
      groupId: 'g1',
      partitions: [
        { topic: 'audit', partition: 9, offset: 1 },
        { topic: 'audit', partition: 0, offset: -3 },
        { topic: 'audit', partition: 1, offset: 2 },
      ],
    });
    assert.deepEqual(commit.partitions.map((p: any) => p.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_OUT_OF_RANGE, ErrorCode.NONE]);
    const fetched = await fx.groups('fetchOffsets', { groupId: 'g1', partitions: [] });
    assert.deepEqual(fetched.partitions.map((p: any) => [p.partition, p.offset]), [[1, 2]]);
  });

  it('takes any group id Kafka takes (any characters but control ones, 1-249 of them)', async () => {
    for (const groupId of ['team:billing/v2', 'with spaces', 'ünïcødé-グループ', 'x'.repeat(249)]) {
      const committed = await fx.groups('commitOffsets', { groupId, partitions: [{ topic: 'audit', partition: 0, offset: 1 }] });
      assert.equal(committed.partitions[0].errorCode, ErrorCode.NONE, committed.partitions[0].errorMessage);
      const fetched = await fx.groups('fetchOffsets', { groupId, partitions: [{ topic: 'audit', partition: 0 }] });
      assert.equal(fetched.partitions[0].offset, 1, groupId);
    }
    assert.ok((await fx.groups('listGroups', {})).groupIds.includes('team:billing/v2'));
  });

  it('rejects an empty, over-long or control-character group id with INVALID_ARGUMENT', async () => {
    for (const groupId of ['', 'x'.repeat(250), 'tab\there', 'nul\u0000']) {
      await assert.rejects(
        fx.groups('commitOffsets', { groupId, partitions: [{ topic: 'audit', partition: 0, offset: 1 }] }),
        (e: any) => e.code === 3 && /^group id .* is invalid: use 1-249 characters, none of them control characters$/.test(e.details),
      );
    }
  });

  it('does not answer offsets committed against a deleted topic, even after re-creating it', async () => {
    await fx.groups('commitOffsets', { groupId: 'g2', partitions: [{ topic: 'audit', partition: 0, offset: 9 }] });
    const committedBy = Date.now();
    await fx.admin('deleteTopics', { names: ['audit'] });
    await until(() => Date.now() > committedBy, 'a later creation time than the commit');
    await fx.admin('createTopics', { topics: [{ name: 'audit', partitions: 2 }] });
    const fetched = await fx.groups('fetchOffsets', { groupId: 'g2', partitions: [{ topic: 'audit', partition: 0 }] });
    assert.equal(fetched.partitions[0].offset, -1);
    fx = await fx.restart();
    const replayed = await fx.groups('fetchOffsets', { groupId: 'g2', partitions: [] });
    assert.deepEqual(replayed.partitions, []);
  });
});
