import assert from 'node:assert/strict';
import { scanBatch } from '../../src/protocol/batch-scan';
import { publicProtoRoot } from '../../src/protocol/proto-root';

const RecordBatch = () => publicProtoRoot().lookupType('sluice.v1.RecordBatch');
const encode = (value: object): Buffer => Buffer.from(RecordBatch().encode(RecordBatch().fromObject({ records: [{ value: Buffer.from('v') }], ...value })).finish());
const reasonOf = (value: object): string => {
  const scan = scanBatch(encode(value));
  assert.equal(scan.ok, false, `expected ${JSON.stringify(value)} to be refused`);
  return scan.ok ? '' : scan.reason;
};
const accepted = (value: object): void => {
  const scan = scanBatch(encode(value));
  assert.ok(scan.ok, scan.ok ? '' : scan.reason);
};

describe('batch scan: header field ranges (what the entry header can store)', () => {
  it('refuses a producer_epoch outside int16, naming the field, the value and the range', () => {
    assert.match(reasonOf({ producerId: 7, producerEpoch: 40000 }), /producer_epoch 40000 .*\[0, 32767\]/);
    assert.match(reasonOf({ producerId: 7, producerEpoch: -1 }), /producer_epoch -1 .*\[0, 32767\]/);
    assert.match(reasonOf({ producerId: 0, producerEpoch: 40000 }), /producer_epoch 40000 .*\[-1, 32767\]/);
    assert.match(reasonOf({ producerId: 0, producerEpoch: -2 }), /producer_epoch -2/);
    accepted({ producerId: 7, producerEpoch: 32767 });
    accepted({ producerId: 0, producerEpoch: -1 });
  });

  it('refuses a base_sequence outside its range, and a last sequence past int32', () => {
    assert.match(reasonOf({ producerId: 7, baseSequence: -1 }), /base_sequence -1 .*\[0, 2147483647\]/);
    assert.match(reasonOf({ producerId: 0, baseSequence: -2 }), /base_sequence -2 .*\[-1, 2147483647\]/);
    assert.match(reasonOf({ producerId: 7, baseSequence: 2147483647, records: [{}, {}] }), /last sequence 2147483648.*2147483647/);
    accepted({ producerId: 7, baseSequence: 2147483646, records: [{}, {}] });
    accepted({ producerId: 0, baseSequence: -1 });
  });

  it('refuses a producer_id or timestamp that a float64 header field cannot hold exactly', () => {
    assert.match(reasonOf({ producerId: '9007199254740994' }), /producer_id 9007199254740994 .*\[0, 9007199254740991\]/);
    assert.match(reasonOf({ producerId: -3 }), /producer_id -3/);
    assert.match(reasonOf({ maxTimestampMs: '9007199254740994' }), /max_timestamp_ms 9007199254740994 .*\[0, 9007199254740991\]/);
    assert.match(reasonOf({ maxTimestampMs: -5 }), /max_timestamp_ms -5 .*\[0, 9007199254740991\]/);
    assert.match(reasonOf({ baseTimestampMs: '-9007199254740994' }), /base_timestamp_ms -9007199254740994 .*\[0, 9007199254740991\]/);
    accepted({ producerId: '9007199254740991', maxTimestampMs: '9007199254740991', baseTimestampMs: 0 });
  });

  it('refuses a compressed batch whose record_count is 0 or above the limit', () => {
    const compressed = { compression: 1, compressedRecords: Buffer.from([1, 2, 3]), records: [] };
    assert.match(reasonOf({ ...compressed, recordCount: 0 }), /record_count/);
    assert.match(reasonOf({ ...compressed, recordCount: 4_000_000_000 }), /record_count 4000000000 .*1048576/);
    accepted({ ...compressed, recordCount: 1 });
  });
});
