import assert from 'node:assert/strict';
import { OffsetWaiters } from '../../src/partition/offset-waiters';

describe('offset waiters', () => {
  it('releases waiters in target order as the watermark passes them', async () => {
    const waiters = new OffsetWaiters();
    const released: number[] = [];
    const all = [30, 10, 20].map((t) => waiters.waitFor(t).then(() => released.push(t)));
    waiters.advanceTo(15);
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(released, [10]);
    waiters.advanceTo(30);
    await Promise.all(all);
    assert.deepEqual(released, [10, 20, 30]);
    assert.equal(waiters.size, 0);
  });

  it('fails waiters above a watermark and keeps the others', async () => {
    const waiters = new OffsetWaiters();
    const low = waiters.waitFor(5);
    const high = waiters.waitFor(50);
    waiters.failAbove(10, new Error('append failed'));
    await assert.rejects(high, /append failed/);
    assert.equal(waiters.size, 1);
    waiters.advanceTo(5);
    await low;
  });
});
