import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { ProducerStateTable, REMEMBERED_BATCHES } from '../../src/partition/producer-state';

const batch = (baseSequence: number, recordCount = 10, producerEpoch = 0, producerId = 7) => ({ producerId, producerEpoch, baseSequence, recordCount });

describe('producer state', () => {
  it('accepts anything from a producer that is not idempotent', () => {
    const table = new ProducerStateTable();
    table.record(batch(0, 1, 0, 0), 0, 0);
    assert.deepEqual(table.check(batch(99, 1, 0, 0)), { kind: 'accept' });
    assert.equal(table.size, 0);
  });

  it('accepts the next sequence and rejects a gap', () => {
    const table = new ProducerStateTable();
    table.record(batch(0), 100, 0);
    assert.equal(table.check(batch(10)).kind, 'accept');
    const gap = table.check(batch(20));
    assert.equal(gap.kind, 'reject');
    assert.equal(gap.kind === 'reject' && gap.code, ErrorCode.OUT_OF_ORDER_SEQUENCE);
    assert.match(gap.kind === 'reject' ? gap.message : '', /sent sequence 20, expected 10/);
  });

  it('answers a resent batch with its original offset', () => {
    const table = new ProducerStateTable();
    table.record(batch(0), 100, 0);
    table.record(batch(10), 110, 0);
    assert.deepEqual(table.check(batch(0)), { kind: 'duplicate', baseOffset: 100 });
    assert.deepEqual(table.check(batch(10)), { kind: 'duplicate', baseOffset: 110 });
  });

  it(`remembers only the last ${REMEMBERED_BATCHES} batches`, () => {
    const table = new ProducerStateTable();
    for (let i = 0; i <= REMEMBERED_BATCHES; i++) table.record(batch(i * 10), i * 10, 0);
    assert.equal(table.check(batch(0)).kind, 'reject');
    assert.equal(table.check(batch(10)).kind, 'duplicate');
  });

  it('fences an older epoch and resets sequences on a newer one', () => {
    const table = new ProducerStateTable();
    table.record(batch(0, 10, 3), 0, 0);
    const fenced = table.check(batch(10, 10, 2));
    assert.equal(fenced.kind === 'reject' && fenced.code, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal(table.check(batch(0, 10, 4)).kind, 'accept');
    const notZero = table.check(batch(5, 10, 4));
    assert.equal(notZero.kind === 'reject' && notZero.code, ErrorCode.OUT_OF_ORDER_SEQUENCE);
  });

  it('forgets a producer idle before the cutoff, keeps one that wrote since, and accepts the forgotten one like a new producer', () => {
    const table = new ProducerStateTable();
    table.record(batch(0, 10, 0, 7), 100, 1_000);
    table.record(batch(0, 10, 0, 8), 110, 1_000);
    table.record(batch(10, 10, 0, 8), 120, 5_000);
    assert.equal(table.expireBefore(2_000), 1);
    assert.equal(table.size, 1);
    assert.deepEqual(table.check(batch(0, 10, 0, 7)), { kind: 'accept' }, 'no duplicate is known for an expired producer');
    assert.deepEqual(table.check(batch(10, 10, 0, 8)), { kind: 'duplicate', baseOffset: 120 });
    assert.equal(table.expireBefore(5_000), 0, 'a write at the cutoff is kept');
  });
});
