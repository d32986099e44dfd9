// The produce-time check of every record of a batch: framing, wire types, header limits and
// header-key UTF-8, so that a batch every client can decode is the only kind the broker stores.
import assert from 'node:assert/strict';
import { Writer } from 'protobufjs';
import { scanBatch } from '../../src/protocol/batch-scan';
import { MAX_HEADER_KEY_BYTES, MAX_HEADERS_PER_RECORD } from '../../src/protocol/record-scan';
import { publicProtoRoot } from '../../src/protocol/proto-root';

const RecordType = () => publicProtoRoot().lookupType('sluice.v1.Record');

/** A record encoded by the stock encoder. */
const record = (value: object): Buffer => Buffer.from(RecordType().encode(RecordType().fromObject(value)).finish());

/** A batch whose records are the given raw record bodies (each gets its field-8 tag and length). */
const batchOf = (records: readonly Buffer[]): Buffer => {
  const writer = Writer.create().uint32((1 << 3) | 0).int64(1_700_000_000_000);
  for (const r of records) writer.uint32((8 << 3) | 2).bytes(r);
  return Buffer.from(writer.finish());
};

const headers = (n: number, key = (i: number) => `h${i}`): object[] => Array.from({ length: n }, (_, i) => ({ key: key(i), value: Buffer.from('v') }));

const reasonOf = (bytes: Buffer): string => {
  const scan = scanBatch(bytes);
  assert.equal(scan.ok, false, 'the batch should be refused');
  return scan.ok ? '' : scan.reason;
};

describe('record scan (every record of a produced batch is checked)', () => {
  it('accepts records the stock encoder writes: keys, values, headers at the limits, multibyte UTF-8 keys', () => {
    const scan = scanBatch(
      batchOf([
        record({}),
        record({ timestampDeltaMs: -5, key: Buffer.from('k'), value: Buffer.alloc(300, 7) }),
        record({ headers: headers(MAX_HEADERS_PER_RECORD) }),
        record({ headers: [{ key: 'k'.repeat(MAX_HEADER_KEY_BYTES) }, { key: 'grüße-日本-🎉' }, { key: '' }] }),
      ]),
    );
    assert.ok(scan.ok, scan.ok ? '' : scan.reason);
    assert.equal(scan.summary.recordCount, 4);
  });

  it('accepts unknown fields in a record or header, as every proto3 decoder skips them', () => {
    const unknown = Buffer.from([(11 << 3) | 0, 1, (12 << 3) | 5, 1, 2, 3, 4, (13 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8, (14 << 3) | 2, 1, 0x61, 0x80, 0x01, 0]);
    const header = Buffer.concat([Buffer.from([0x0a, 1, 0x61]), unknown]);
    const scan = scanBatch(batchOf([Buffer.concat([unknown, Buffer.from([(4 << 3) | 2, header.length]), header])]));
    assert.ok(scan.ok, scan.ok ? '' : scan.reason);
  });

  it('refuses a record whose field length runs past the record, naming the record', () => {
    const reason = reasonOf(batchOf([record({ value: Buffer.from('ok') }), Buffer.from([(3 << 3) | 2, 50, 0x61, 0x62])]));
    assert.match(reason, /record 1\b/);
    assert.match(reason, /value.*50 bytes.*2/);
  });

  it('refuses a known field with the wrong wire type', () => {
    assert.match(reasonOf(batchOf([Buffer.from([(3 << 3) | 0, 5])])), /record 0: field 3 \(value\) has wire type 0, expected 2/);
    assert.match(reasonOf(batchOf([Buffer.from([(1 << 3) | 2, 1, 0])])), /record 0: field 1 \(timestamp_delta_ms\) has wire type 2, expected 0/);
    const header = Buffer.from([(1 << 3) | 0, 1]);
    assert.match(reasonOf(batchOf([Buffer.concat([Buffer.from([(4 << 3) | 2, header.length]), header])])), /record 0: header 0: field 1 \(key\) has wire type 0, expected 2/);
  });

  it('refuses field number 0, group and invalid wire types, and over-long varints', () => {
    assert.match(reasonOf(batchOf([Buffer.from([0x00, 1])])), /record 0: field number 0/);
    assert.match(reasonOf(batchOf([Buffer.from([(5 << 3) | 3])])), /record 0: field 5 has wire type 3/);
    assert.match(reasonOf(batchOf([Buffer.from([(5 << 3) | 7])])), /record 0: field 5 has wire type 7/);
    assert.match(reasonOf(batchOf([Buffer.from([0x08, ...Array(10).fill(0xff), 0x01])])), /record 0: .*varint/);
  });

  it('refuses a header whose own framing is broken', () => {
    const header = Buffer.from([(2 << 3) | 2, 9, 1]);
    assert.match(reasonOf(batchOf([Buffer.concat([Buffer.from([(4 << 3) | 2, header.length]), header])])), /record 0: header 0: field 2 \(value\)/);
  });

  it(`refuses more than ${MAX_HEADERS_PER_RECORD} headers in a record`, () => {
    const reason = reasonOf(batchOf([record({}), record({}), record({ headers: headers(MAX_HEADERS_PER_RECORD + 1) })]));
    assert.match(reason, /record 2 has more than 64 headers/);
  });

  it(`refuses a header key above ${MAX_HEADER_KEY_BYTES} bytes`, () => {
    const reason = reasonOf(batchOf([record({ headers: [{ key: 'a' }, { key: 'k'.repeat(2048) }] })]));
    assert.match(reason, /record 0: header 1: key of 2048 bytes is above the limit of 1024 bytes/);
  });

  it('refuses a header key that is not valid UTF-8, where a decoder would have replaced it by U+FFFD', () => {
    for (const bad of [[0xff], [0x61, 0xc3], [0xed, 0xa0, 0x80], [0xf0, 0x90, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]) {
      const header = Buffer.from([0x0a, bad.length, ...bad]);
      const reason = reasonOf(batchOf([Buffer.concat([Buffer.from([(4 << 3) | 2, header.length]), header])]));
      assert.match(reason, /record 0: header 0: key is not valid UTF-8/, Buffer.from(bad).toString('hex'));
    }
  });

});
