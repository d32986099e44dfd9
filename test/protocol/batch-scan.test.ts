import assert from 'node:assert/strict';
import { scanBatch } from '../../src/protocol/batch-scan';
import { publicProtoRoot } from '../../src/protocol/proto-root';

const RecordBatch = () => publicProtoRoot().lookupType('sluice.v1.RecordBatch');
const encode = (value: object): Buffer => Buffer.from(RecordBatch().encode(RecordBatch().fromObject(value)).finish());

describe('batch scan (the broker view of a RecordBatch)', () => {
  it('counts records and reads producer facts without decoding records', () => {
    const scan = scanBatch(
      encode({ baseTimestampMs: 1000, maxTimestampMs: 1005, producerId: 9, producerEpoch: 2, baseSequence: 40, records: [{ value: Buffer.from('a') }, { value: Buffer.from('b'), key: Buffer.from('k') }, {}] }),
    );
    assert.deepEqual(scan, {
      ok: true,
      summary: { recordCount: 3, baseTimestampMs: 1000, maxTimestampMs: 1005, producerId: 9, producerEpoch: 2, baseSequence: 40, compression: 0 },
    });
  });

  it('takes fields written explicitly at their default (proto3 encoders may): compression 0, record_count 0, empty compressed_records', () => {
    const plain = encode({ baseTimestampMs: 1000, maxTimestampMs: 1000, records: [{ value: Buffer.from('a') }] });
    // field 6 (compression) = 0, field 7 (record_count) = 0, field 9 (compressed_records) = '' — each as a default, on the wire.
    const explicitDefaults = Buffer.concat([plain, Buffer.from([0x30, 0x00, 0x38, 0x00, 0x4a, 0x00])]);
    assert.deepEqual(scanBatch(explicitDefaults), scanBatch(plain));
    assert.equal(scanBatch(plain).ok, true);
  });

  it('rejects a batch with no records', () => {
    const scan = scanBatch(encode({ baseTimestampMs: 1 }));
    assert.equal(scan.ok, false);
    assert.match(!scan.ok ? scan.reason : '', /no records/);
  });

  it('rejects random bytes without throwing', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed & 0xff);
    for (let i = 0; i < 200; i++) {
      const garbage = Buffer.from(Array.from({ length: 1 + (i % 64) }, random));
      const scan = scanBatch(garbage);
      if (scan.ok) assert.ok(scan.summary.recordCount > 0);
      else assert.match(scan.reason, /malformed RecordBatch/);
    }
  });

  it('rejects a truncated batch', () => {
    const whole = encode({ records: [{ value: Buffer.alloc(50, 1) }] });
    const scan = scanBatch(whole.subarray(0, whole.length - 10));
    assert.equal(scan.ok, false);
  });

  it('rejects records sent with the wrong wire type', () => {
    const scan = scanBatch(Buffer.from([(8 << 3) | 0, 1]));
    assert.equal(scan.ok, false);
    assert.match(!scan.ok ? scan.reason : '', /records/);
  });
});
