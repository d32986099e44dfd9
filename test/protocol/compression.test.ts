// Compressed batches: the producer's codec round-trips every record, the broker's scan counts them
// from record_count without decompressing, and every inconsistent batch is refused with a reason.
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeBatch, encodeBatch, MalformedBatchError, type RecordInput } from '../../src/protocol/batch-codec';
import { MAX_COMPRESSED_RECORD_COUNT, scanBatch } from '../../src/protocol/batch-scan';
import { Compression, compress, parseCompression } from '../../src/protocol/compression';
import { publicProtoRoot } from '../../src/protocol/proto-root';

const RecordBatch = () => publicProtoRoot().lookupType('sluice.v1.RecordBatch');
const encode = (value: object): Buffer => Buffer.from(RecordBatch().encode(RecordBatch().fromObject(value)).finish());

const records: RecordInput[] = Array.from({ length: 300 }, (_, i) => ({
  key: i % 3 === 0 ? null : `user-${i % 17}`,
  value: i % 50 === 7 ? null : JSON.stringify({ order: i, item: 'lamp', price: 19.5 + (i % 9), note: 'x'.repeat(i % 40) }),
  headers: i % 10 === 0 ? { trace: `t-${i}`, empty: '' } : undefined,
  timestamp: 1_700_000_000_000 + i * 3,
}));

const codecs = [['gzip', Compression.GZIP], ['snappy', Compression.SNAPPY], ['lz4', Compression.LZ4]] as const;

describe('compressed record batches', () => {
  const plain = encodeBatch(records, { producerId: 5, producerEpoch: 1, baseSequence: 900 });
  const expected = decodeBatch(plain, 1000);

  for (const [name, codec] of codecs) {
    it(`${name}: decodes to the same records, is smaller, and the broker counts them without decompressing`, () => {
      const compressed = encodeBatch(records, { producerId: 5, producerEpoch: 1, baseSequence: 900, compression: codec });
      assert.ok(compressed.length < plain.length / 2, `${name}: ${compressed.length} bytes against ${plain.length} uncompressed`);
      const decoded = decodeBatch(compressed, 1000);
      assert.deepEqual(decoded.records, expected.records);
      assert.equal(decoded.recordCount, 300);
      assert.equal(decoded.compression, codec);
      assert.deepEqual(decodeBatch(compressed, 1000, 1250).records, expected.records.slice(250));
      const scan = scanBatch(compressed);
      assert.deepEqual(scan, { ok: true, summary: { recordCount: 300, baseTimestampMs: 1_700_000_000_000, maxTimestampMs: 1_700_000_000_897, producerId: 5, producerEpoch: 1, baseSequence: 900, compression: codec } });
    });
  }

  it('is what the public proto describes: protobufjs reads the fields, and the records decompress from them', () => {
    const compressed = encodeBatch(records.slice(0, 5), { compression: Compression.GZIP });
    const message = RecordBatch().toObject(RecordBatch().decode(compressed), { enums: String, longs: Number }) as { compression: string; recordCount: number; compressedRecords: Uint8Array; records?: unknown[] };
    assert.equal(message.compression, 'COMPRESSION_GZIP');
    assert.equal(message.recordCount, 5);
    assert.equal(message.records, undefined);
    const inner = RecordBatch().decode(gunzipSync(message.compressedRecords)) as unknown as { records: { value: Uint8Array }[] };
    assert.deepEqual(inner.records.map((r) => Buffer.from(r.value).toString()), records.slice(0, 5).map((r) => r.value));
  });

  it('refuses inconsistent compressed batches at the broker, each with its reason', () => {
    const inner = encode({ records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] });
    const reasons = (value: object): string => {
      const scan = scanBatch(encode(value));
      assert.equal(scan.ok, false, JSON.stringify(value));
      return scan.ok ? '' : scan.reason;
    };
    assert.match(reasons({ compression: 4, recordCount: 2, compressedRecords: gzipSync(inner) }), /compression 4 is not supported/);
    assert.match(reasons({ compression: 1, recordCount: 2, compressedRecords: gzipSync(inner), records: [{ value: Buffer.from('c') }] }), /not in records \(field 8\)/);
    assert.match(reasons({ compression: 1, recordCount: 2 }), /no compressed_records/);
    assert.match(reasons({ compression: 1, compressedRecords: gzipSync(inner) }), /record_count \(field 7\), at least 1/);
    assert.match(reasons({ recordCount: 2, records: [{ value: Buffer.from('c') }] }), /only for a compressed batch/);
    assert.match(reasons({ compression: 1, recordCount: MAX_COMPRESSED_RECORD_COUNT + 1, compressedRecords: gzipSync(inner) }), /record_count 1048577 is above the limit of 1048576 records per compressed batch/);
  });

  it('refuses, at the consumer, a batch whose record_count is wrong or whose bytes do not decompress', () => {
    const inner = encode({ records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] });
    const lying = encode({ compression: 1, recordCount: 3, compressedRecords: gzipSync(inner) });
    assert.equal(scanBatch(lying).ok, true, 'the broker cannot tell without decompressing');
    assert.throws(() => decodeBatch(lying, 0), (e: unknown) => e instanceof MalformedBatchError && /record_count says 3 records, compressed_records holds 2/.test(e.message));
    const garbage = encode({ compression: Compression.LZ4, recordCount: 2, compressedRecords: Buffer.from('not lz4 at all') });
    assert.throws(() => decodeBatch(garbage, 0), (e: unknown) => e instanceof MalformedBatchError && /do not decompress with codec 3/.test(e.message));
    const notRecords = encode({ compression: 2, recordCount: 1, compressedRecords: compress(Compression.SNAPPY, encode({ baseTimestampMs: 5 })) });
    assert.throws(() => decodeBatch(notRecords, 0), (e: unknown) => e instanceof MalformedBatchError && /expected records \(field 8\)/.test(e.message));
  });

  it('names the codecs there are when given one that is not', () => {
    assert.equal(parseCompression('LZ4'), 'lz4');
    assert.throws(() => parseCompression('zstd'), /not one of none, gzip, snappy, lz4 \(zstd is not built yet\)/);
    assert.throws(() => parseCompression('brotli'), /compression 'brotli' is not one of none, gzip, snappy, lz4$/);
  });
});
