import assert from 'node:assert/strict';
import { crc32c } from '../../src/common/crc32c';
import { ErrorCode } from '../../src/common/errors';
import { ProducerStateTable, REMEMBERED_BATCHES, type CheckedBatch } from '../../src/partition/producer-state';

/** A batch whose bytes follow from its facts (a retry of it has the same bytes), or are `bytes`. */
const batch = (baseSequence: number, recordCount = 10, producerEpoch = 0, producerId = 7, bytes = `${producerId}/${producerEpoch}/${baseSequence}+${recordCount}`): CheckedBatch => ({
  producerId, producerEpoch, baseSequence, recordCount, batch: Buffer.from(bytes),
});

/** Records an appended batch as a replica does, with the CRC its entry header carries. */
function record(table: ProducerStateTable, b: CheckedBatch, baseOffset: number, appendTimeMs: number): void {
  table.record(b, baseOffset, appendTimeMs, crc32c(b.batch));
}

describe('producer state', () => {
  it('accepts anything from a producer that is not idempotent', () => {
    const table = new ProducerStateTable();
    record(table, batch(0, 1, 0, 0), 0, 0);
    assert.deepEqual(table.check(batch(99, 1, 0, 0)), { kind: 'accept' });
    assert.equal(table.size, 0);
  });

  it('accepts the next sequence and rejects a gap', () => {
    const table = new ProducerStateTable();
    record(table, batch(0), 100, 0);
    assert.equal(table.check(batch(10)).kind, 'accept');
    const gap = table.check(batch(20));
    assert.equal(gap.kind, 'reject');
    assert.equal(gap.kind === 'reject' && gap.code, ErrorCode.OUT_OF_ORDER_SEQUENCE);
    assert.match(gap.kind === 'reject' ? gap.message : '', /sent sequence 20, expected 10/);
  });

  it('answers a resent batch with its original offset', () => {
    const table = new ProducerStateTable();
    record(table, batch(0), 100, 0);
    record(table, batch(10), 110, 0);
    assert.deepEqual(table.check(batch(0)), { kind: 'duplicate', baseOffset: 100 });
    assert.deepEqual(table.check(batch(10)), { kind: 'duplicate', baseOffset: 110 });
  });

  it(`remembers only the last ${REMEMBERED_BATCHES} batches`, () => {
    const table = new ProducerStateTable();
    for (let i = 0; i <= REMEMBERED_BATCHES; i++) record(table, batch(i * 10), i * 10, 0);
    assert.equal(table.check(batch(0)).kind, 'reject');
    assert.equal(table.check(batch(10)).kind, 'duplicate');
  });

  it('fences an older epoch and resets sequences on a newer one', () => {
    const table = new ProducerStateTable();
    record(table, batch(0, 10, 3), 0, 0);
    const fenced = table.check(batch(10, 10, 2));
    assert.equal(fenced.kind === 'reject' && fenced.code, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal(table.check(batch(0, 10, 4)).kind, 'accept');
    const notZero = table.check(batch(5, 10, 4));
    assert.equal(notZero.kind === 'reject' && notZero.code, ErrorCode.OUT_OF_ORDER_SEQUENCE);
  });

  it('forgets a producer idle before the cutoff, keeps one that wrote since, and accepts the forgotten one like a new producer', () => {
    const table = new ProducerStateTable();
    record(table, batch(0, 10, 0, 7), 100, 1_000);
    record(table, batch(0, 10, 0, 8), 110, 1_000);
    record(table, batch(10, 10, 0, 8), 120, 5_000);
    assert.equal(table.expireBefore(2_000), 1);
    assert.equal(table.size, 1);
    assert.deepEqual(table.check(batch(0, 10, 0, 7)), { kind: 'accept' }, 'no duplicate is known for an expired producer');
    assert.deepEqual(table.check(batch(10, 10, 0, 8)), { kind: 'duplicate', baseOffset: 120 });
    assert.equal(table.expireBefore(5_000), 0, 'a write at the cutoff is kept');
  });

  it('refuses a batch with a stored batch\'s sequence range but other bytes, and never answers it with the stored offset', () => {
    const table = new ProducerStateTable();
    record(table, batch(0), 100, 0);
    const other = table.check(batch(0, 10, 0, 7, 'other records'));
    assert.equal(other.kind === 'reject' && other.code, ErrorCode.INVALID_DUPLICATE);
    assert.match(other.kind === 'reject' ? other.message : '', /producer 7 epoch 0 sent sequences 0-9 again with different bytes/);
    assert.deepEqual(table.check(batch(0)), { kind: 'duplicate', baseOffset: 100 }, 'the same bytes are a duplicate');
  });

  it('takes the request\'s checked CRC instead of computing it', () => {
    const table = new ProducerStateTable();
    record(table, batch(0), 100, 0);
    const stored = crc32c(batch(0).batch);
    assert.deepEqual(table.check({ ...batch(0), batchCrc32c: stored }), { kind: 'duplicate', baseOffset: 100 });
    assert.equal(table.check({ ...batch(0), batchCrc32c: stored ^ 1 }).kind, 'reject');
  });

  it('compares a retry with a proposed batch\'s bytes before it is appended', () => {
    const table = new ProducerStateTable();
    table.recordProposed(batch(0), 100, 0);
    assert.deepEqual(table.check(batch(0)), { kind: 'duplicate', baseOffset: 100 });
    const other = table.check(batch(0, 10, 0, 7, 'other records'));
    assert.equal(other.kind === 'reject' && other.code, ErrorCode.INVALID_DUPLICATE);
  });

  it('keeps the CRCs in its snapshot', () => {
    const table = new ProducerStateTable();
    record(table, batch(0), 100, 0);
    const restored = new ProducerStateTable();
    assert.ok(restored.restore(JSON.parse(JSON.stringify(table.snapshot()))));
    assert.deepEqual(restored.check(batch(0)), { kind: 'duplicate', baseOffset: 100 });
    assert.equal(restored.check(batch(0, 10, 0, 7, 'other records')).kind, 'reject');
  });

  it('loads a snapshot kept by the previous release (batches without CRC) and accepts its matches as that release did', () => {
    const table = new ProducerStateTable();
    assert.ok(table.restore([[7, 0, 9, 1_000, [[0, 9, 100]]]]));
    assert.deepEqual(table.check(batch(0, 10, 0, 7, 'any bytes')), { kind: 'duplicate', baseOffset: 100 });
    assert.equal(table.check(batch(10)).kind, 'accept');
    assert.deepEqual(table.snapshot(), [[7, 0, 9, 1_000, [[0, 9, 100]]]]);
  });
});
