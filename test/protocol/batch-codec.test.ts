import { strict as assert } from 'node:assert';
import { decodeBatch, encodeBatch, MalformedBatchError, type RecordInput } from '../../src/protocol/batch-codec';
import { scanBatch } from '../../src/protocol/batch-scan';
import { publicProtoRoot } from '../../src/protocol/proto-root';

const recordBatchType = () => publicProtoRoot().lookupType('sluice.v1.RecordBatch');

describe('batch-codec', () => {
  it('round-trips keys, values, headers and timestamps with dense offsets', () => {
    const input: RecordInput[] = [
      { key: 'k1', value: 'v1', timestamp: 1_700_000_000_000 },
      { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(300, 7), timestamp: 1_700_000_000_005, headers: { a: 'x', b: Buffer.from([9]) } },
      { key: null, value: 'ünïcødé', timestamp: 1_700_000_000_002 },
    ];
    const batch = encodeBatch(input);
    const decoded = decodeBatch(batch, 100);
    assert.equal(decoded.recordCount, 3);
    assert.deepEqual(decoded.records.map((r) => r.offset), [100, 101, 102]);
    assert.deepEqual(decoded.records.map((r) => r.timestamp), [1_700_000_000_000, 1_700_000_000_005, 1_700_000_000_002]);
    assert.equal(decoded.baseTimestampMs, 1_700_000_000_000);
    assert.equal(decoded.maxTimestampMs, 1_700_000_000_005);
    assert.equal(decoded.records[0]!.key!.toString(), 'k1');
    assert.equal(decoded.records[0]!.value!.toString(), 'v1');
    assert.deepEqual(decoded.records[1]!.key, Buffer.from([0, 1, 2]));
    assert.deepEqual(decoded.records[1]!.value, Buffer.alloc(300, 7));
    assert.equal(decoded.records[1]!.headers.a!.toString(), 'x');
    assert.deepEqual(decoded.records[1]!.headers.b, Buffer.from([9]));
    assert.equal(decoded.records[2]!.key, null);
    assert.equal(decoded.records[2]!.value!.toString(), 'ünïcødé');
    assert.deepEqual(decoded.records[2]!.headers, {});
  });

  it('tells a null value (tombstone) from an empty one', () => {
    const decoded = decodeBatch(encodeBatch([{ value: null }, { value: '' }, { key: '', value: 'x' }], { defaultTimestampMs: 1 }), 0);
    assert.equal(decoded.records[0]!.value, null);
    assert.deepEqual(decoded.records[1]!.value, Buffer.alloc(0));
    assert.deepEqual(decoded.records[2]!.key, Buffer.alloc(0));
  });

  it('returns key and value as views into the batch buffer, not copies', () => {
    const batch = encodeBatch([{ key: 'key', value: 'value' }]);
    const record = decodeBatch(batch, 0).records[0]!;
    assert.equal(record.value!.buffer, batch.buffer);
  });

  it('skips records below fromOffset but still counts them', () => {
    const batch = encodeBatch(Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })));
    const decoded = decodeBatch(batch, 50, 57);
    assert.equal(decoded.recordCount, 10);
    assert.deepEqual(decoded.records.map((r) => r.offset), [57, 58, 59]);
    assert.equal(decoded.records[0]!.value!.toString(), 'v7');
  });

  it('handles timestamps that need a negative delta and large producer ids', () => {
    const batch = encodeBatch([{ value: 'a', timestamp: 2_000 }, { value: 'b', timestamp: 1_000 }], {
      producerId: 2 ** 40 + 3, producerEpoch: 7, baseSequence: 2_147_483_000,
    });
    const decoded = decodeBatch(batch, 0);
    assert.deepEqual(decoded.records.map((r) => r.timestamp), [2_000, 1_000]);
    assert.equal(decoded.producerId, 2 ** 40 + 3);
    assert.equal(decoded.producerEpoch, 7);
    assert.equal(decoded.baseSequence, 2_147_483_000);
  });

  it('agrees with the broker scanner on record count and producer fields', () => {
    const batch = encodeBatch(Array.from({ length: 37 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(100, i) })), {
      producerId: 42, producerEpoch: 3, baseSequence: 1000, defaultTimestampMs: 1_700_000_000_123,
    });
    const scan = scanBatch(batch);
    assert.ok(scan.ok, scan.ok ? '' : scan.reason);
    assert.equal(scan.summary.recordCount, 37);
    assert.equal(scan.summary.producerId, 42);
    assert.equal(scan.summary.producerEpoch, 3);
    assert.equal(scan.summary.baseSequence, 1000);
    assert.equal(scan.summary.baseTimestampMs, 1_700_000_000_123);
    assert.equal(scan.summary.maxTimestampMs, 1_700_000_000_123);
    assert.equal(scan.summary.compression, 0);
  });

  it('is decoded identically by the stock protobufjs codec', () => {
    const batch = encodeBatch([
      { key: 'a', value: 'one', timestamp: 10, headers: { h: 'v' } },
      { value: 'two', timestamp: 15 },
    ], { producerId: 9, producerEpoch: 1, baseSequence: 4 });
    const stock = recordBatchType().toObject(recordBatchType().decode(batch), { defaults: true }) as {
      baseTimestampMs: number; producerId: number; baseSequence: number;
      records: { timestampDeltaMs: number; key: Uint8Array; value: Uint8Array; headers: { key: string; value: Uint8Array }[] }[];
    };
    assert.equal(stock.baseTimestampMs, 10);
    assert.equal(stock.producerId, 9);
    assert.equal(stock.baseSequence, 4);
    assert.equal(stock.records.length, 2);
    assert.equal(Buffer.from(stock.records[0]!.value).toString(), 'one');
    assert.equal(stock.records[0]!.headers[0]!.key, 'h');
    assert.equal(stock.records[1]!.timestampDeltaMs, 5);
  });

  it('decodes a batch encoded by the stock protobufjs reflection encoder', () => {
    const type = recordBatchType();
    const message = type.fromObject({
      baseTimestampMs: 1_700_000_000_000,
      maxTimestampMs: 1_700_000_000_009,
      producerId: 5,
      producerEpoch: 2,
      baseSequence: 11,
      records: [
        { timestampDeltaMs: 0, key: Buffer.from('k'), value: Buffer.from('v0'), headers: [{ key: 'x', value: Buffer.from('y') }] },
        { timestampDeltaMs: 9, value: Buffer.from('v1') },
        { timestampDeltaMs: -3, value: Buffer.from('v2') },
      ],
    });
    const bytes = type.encode(message).finish();
    const decoded = decodeBatch(bytes, 7);
    assert.equal(decoded.producerId, 5);
    assert.equal(decoded.producerEpoch, 2);
    assert.equal(decoded.baseSequence, 11);
    assert.deepEqual(decoded.records.map((r) => r.offset), [7, 8, 9]);
    assert.deepEqual(decoded.records.map((r) => r.timestamp), [1_700_000_000_000, 1_700_000_000_009, 1_699_999_999_997]);
    assert.equal(decoded.records[0]!.key!.toString(), 'k');
    assert.equal(decoded.records[0]!.headers.x!.toString(), 'y');
    assert.equal(decoded.records[1]!.value!.toString(), 'v1');
    // proto3 drops empty bytes, so the stock encoder's missing key reads as null.
    assert.equal(decoded.records[1]!.key, null);
  });

  it('applies a base timestamp that arrives after the records (non-canonical field order)', () => {
    const recordType = publicProtoRoot().lookupType('sluice.v1.Record');
    const encodedRecord = recordType.encode(recordType.fromObject({ timestampDeltaMs: 4, value: Buffer.from('z') })).finish();
    // field 8 (record) first, then field 1 (base timestamp = 100).
    const bytes = Buffer.concat([Buffer.from([0x42, encodedRecord.length]), Buffer.from(encodedRecord), Buffer.from([0x08, 100])]);
    const decoded = decodeBatch(bytes, 0);
    assert.equal(decoded.records[0]!.timestamp, 104);
  });

  it('rejects truncated and garbage input with MalformedBatchError', () => {
    const batch = encodeBatch([{ key: 'k', value: 'some value' }]);
    assert.throws(() => decodeBatch(batch.subarray(0, batch.length - 3), 0), MalformedBatchError);
    assert.throws(() => decodeBatch(Buffer.from([0x42, 0x05, 0x1a, 0x10, 1, 2, 3]), 0), MalformedBatchError);
    assert.throws(() => decodeBatch(Buffer.from([0x0f]), 0), MalformedBatchError);
  });

  it('refuses to encode an empty batch', () => {
    assert.throws(() => encodeBatch([]), RangeError);
  });
});
