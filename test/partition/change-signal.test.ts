import assert from 'node:assert/strict';
import { ChangeSignal } from '../../src/partition/change-signal';

describe('ChangeSignal', () => {
  it('releases a waiter on notify()', async () => {
    const signal = new ChangeSignal();
    const waited = signal.wait(60_000);
    signal.notify();
    assert.equal(await waited, true);
  });
});
