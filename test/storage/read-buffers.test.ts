import { strict as assert } from 'node:assert';
import { ReadBufferPool } from '../../src/storage/read-buffers';

describe('storage: pooled read buffers', () => {
  it('gives a released buffer to the next lease, never to two leases at once', () => {
    const pool = new ReadBufferPool();
    const first = pool.lease();
    const a = first.take(1000);
    const second = pool.lease();
    const b = second.take(1000);
    assert.notEqual(a.buffer, b.buffer, 'leases held at the same time do not share memory');
    a.fill(1);
    b.fill(2);
    assert.equal(a[999], 1);
    first.release();
    const third = pool.lease();
    assert.equal(third.take(500).buffer, a.buffer, 'the released buffer is reused');
    assert.equal(b[0], 2, 'the buffer still leased is untouched');
  });

  it('hands out exactly the length asked for, and several takes of one lease do not overlap', () => {
    const lease = new ReadBufferPool().lease();
    const x = lease.take(10);
    const y = lease.take(20);
    assert.equal(x.length, 10);
    assert.equal(y.length, 20);
    x.fill(7);
    y.fill(9);
    assert.deepEqual([...x], Array(10).fill(7));
  });

  it('does not keep buffers too large to pin', () => {
    const pool = new ReadBufferPool();
    const lease = pool.lease();
    lease.take(16 * 1024 * 1024);
    lease.take(1024);
    lease.release();
    assert.equal(pool.pooled, 1);
  });
});
