import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ChangeSignal } from '../../src/partition/change-signal';

describe('ChangeSignal', () => {
  it('releases a waiter on notify()', async () => {
    const signal = new ChangeSignal();
    const waited = signal.wait(60_000);
    signal.notify();
    assert.equal(await waited, true);
  });

  it('notifyAtEndOfTurn() releases waiters once, after the rest of the turn', async () => {
    const signal = new ChangeSignal();
    let released = 0;
    void signal.wait(60_000).then(() => released++);
    signal.notifyAtEndOfTurn();
    signal.notifyAtEndOfTurn();
    await Promise.resolve();
    assert.equal(released, 0, 'not within the same turn');
    // A waiter that starts later in the same turn is released by the same notification.
    void signal.wait(60_000).then(() => released++);
    await nextTurn();
    await nextTurn();
    assert.equal(released, 2);
    let later = false;
    void signal.wait(50).then((changed) => (later = changed));
    await nextTurn();
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(later, false, 'two calls in one turn notify once: a later waiter times out');
  });
});
